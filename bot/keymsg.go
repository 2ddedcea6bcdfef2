package bot

import (
	"context"
	"strings"
	"time"
)

// KeyMessage is a message of the change team that goes out on a schedule to
// channels, people and groups, each time with an acknowledgement button.
type KeyMessage struct {
	ID    string `json:"id"`
	Space string `json:"space"` // the workspace it belongs to (Ref.Space)
	// Schedule is the schedule as written; Zone the default zone when it names none.
	Schedule string    `json:"schedule"`
	Zone     string    `json:"zone"`
	Targets  []Ref     `json:"targets"`
	Text     Text      `json:"text"`
	Author   Ref       `json:"author"`
	Created  time.Time `json:"created"`
	// Since is when the schedule last started counting: creation or resume.
	// Runs before it are never sent.
	Since  time.Time `json:"since"`
	Paused bool      `json:"paused,omitempty"`
}

// Label is how herald names the key message to people: "K1".
func (k *KeyMessage) Label() string { return "K" + k.ID }

// keyMessageID reads how a person names a key message, "K1" or "1", into its id.
func keyMessageID(s string) string { return strings.TrimLeft(s, "kK") }

// KeySend is one send of a key message: scheduled, caught up late, skipped, or by hand.
type KeySend struct {
	// ID is the due time in unix seconds, or "m" and unix milliseconds for a send by hand.
	ID      string    `json:"id"`
	Due     time.Time `json:"due"`
	At      time.Time `json:"at"`
	Late    bool      `json:"late,omitempty"`
	Skipped bool      `json:"skipped,omitempty"`
	Manual  bool      `json:"manual,omitempty"`
	Posts   int       `json:"posts"` // messages queued: one per channel and one per person
}

// SendReport is what became of a KeySend: deliveries and acknowledgements.
type SendReport struct {
	Send      KeySend
	Delivered int
	Failures  []Failure
	Audience  int   // people who received it, directly or in a channel
	Acked     int   // people of the audience who acknowledged it
	Missing   []Ref // people of the audience who have not acknowledged (at most the limit asked)
}

// Failure is a message that could not be delivered, with the error code why.
type Failure struct {
	To   Ref
	Code string // ENOTFOUND, EFORBIDDEN, EUNAVAILABLE, …
}

// KeyMessageStore keeps key messages, their sends, deliveries and
// acknowledgements. Every method returns EUNAVAILABLE when the database can't
// be reached.
type KeyMessageStore interface {
	// AddKeyMessage stores k and sets k.ID.
	AddKeyMessage(ctx context.Context, k *KeyMessage) error
	// KeyMessage returns one key message. Returns ENOTFOUND if it does not exist.
	KeyMessage(ctx context.Context, space, id string) (*KeyMessage, error)
	// KeyMessages returns the key messages of space, oldest first.
	KeyMessages(ctx context.Context, space string) ([]KeyMessage, error)
	// AllKeyMessages returns the key messages of every space, for the scheduler.
	AllKeyMessages(ctx context.Context) ([]KeyMessage, error)
	// UpdateKeyMessage replaces a stored key message (pause, resume). Returns
	// ENOTFOUND if it does not exist.
	UpdateKeyMessage(ctx context.Context, k *KeyMessage) error
	// DeleteKeyMessage removes a key message. Returns ENOTFOUND if it does not exist.
	DeleteKeyMessage(ctx context.Context, space, id string) error
	// AddKeySend records a send and the people it reaches. created is false,
	// and nothing changes, when the send was recorded before.
	AddKeySend(ctx context.Context, space, id string, s KeySend, audience []Ref) (created bool, err error)
	// RecordDelivery records the outcome of one message of a send: code is ""
	// when it was delivered, else the error code why not.
	RecordDelivery(ctx context.Context, space, id, sendID string, to Ref, code string) error
	// AckKeySend records that user acknowledged a send. first is false when they
	// had before. Returns ENOTFOUND if the send does not exist.
	AckKeySend(ctx context.Context, space, id, sendID string, user Ref) (first bool, err error)
	// KeySends returns the newest sends of a key message, at most sends, each
	// with at most missing people who have not acknowledged.
	KeySends(ctx context.Context, space, id string, sends, missing int) ([]SendReport, error)
}

// Job kinds and the button of key messages.
const (
	keymsgJob = "keymsg"
	ackAction = "keymsg.ack"
)
