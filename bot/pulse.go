package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// QuestionType says how a pulse question is answered.
type QuestionType string

// The question types of a pulse.
const (
	QNPS    QuestionType = "nps"    // 0–10: how likely to recommend
	QScale5 QuestionType = "scale5" // 1–5: strongly disagree … strongly agree
	QYesNo  QuestionType = "yesno"
	QChoice QuestionType = "choice" // one of 2–10 options
	QText   QuestionType = "text"   // free text, stored without its author
)

// Roles of a question in a template whose answers are read together.
const (
	RoleCan  = "can"  // "I can …": ability, for the can/want matrix
	RoleWant = "want" // "I want …": willingness, for the can/want matrix
)

// Question is one question of a pulse.
type Question struct {
	Text    string       `json:"text"`
	Type    QuestionType `json:"type"`
	Options []string     `json:"options,omitempty"` // QChoice only
	Role    string       `json:"role,omitempty"`    // RoleCan, RoleWant or ""
}

// Pulse is a survey sent to an audience in rounds: once, or on a schedule.
type Pulse struct {
	ID        string     `json:"id"` // "P1", per workspace
	Space     string     `json:"space"`
	Owner     Ref        `json:"owner"`
	Title     string     `json:"title"`
	Template  string     `json:"template,omitempty"` // enps, canwant, adoption or ""
	Questions []Question `json:"questions"`
	// Audience are the channels, groups and people the pulse goes to, expanded
	// into people when a round opens.
	Audience  []Ref         `json:"audience"`
	Every     string        `json:"every,omitempty"` // schedule of the rounds; "" for a one-off pulse
	Closes    time.Duration `json:"closes"`          // how long a round stays open
	Anonymous bool          `json:"anonymous"`
	Created   time.Time     `json:"created"`
	Rounds    int           `json:"rounds"` // rounds opened so far; the latest is Rounds
	// Stopped is set by "pulse stop": a recurring pulse opens no more rounds.
	Stopped bool `json:"stopped,omitempty"`
}

// Round is one sending of a pulse. Its answers are kept apart from who gave them.
type Round struct {
	Pulse   string    `json:"pulse"`
	N       int       `json:"n"` // 1, 2, …
	Opened  time.Time `json:"opened"`
	Closes  time.Time `json:"closes"`
	Closed  bool      `json:"closed"`
	Invited int       `json:"invited"`
	// Salt makes respondent hashes of this round unlike those of any other.
	Salt     string `json:"salt"`
	Reminded bool   `json:"reminded"`
	// Merged are the segments of an anonymous pulse stored as one, under the
	// first of them, because each had fewer people than the anonymity
	// threshold: counted apart, a one-person segment would hold that person's
	// answers at rest.
	Merged []int `json:"merged,omitempty"`
}

// ID is how buttons and commands name the round: "P1.2".
func (r Round) ID() string { return r.Pulse + "." + strconv.Itoa(r.N) }

// IsOpen reports whether the round takes answers at now.
func (r Round) IsOpen(now time.Time) bool { return !r.Closed && now.Before(r.Closes) }

// Invitee is one person a round was sent to, as the store keeps them: a hash
// of the person, never their id, and the segment (audience entry) they belong to.
type Invitee struct {
	Who     string
	Segment int
}

// Answer is one answer to one question of a round. Who is the respondent's
// hash, not their id; Named is set only for a pulse with anonymous=no: the
// person, as JSON, with the name the owner sees.
type Answer struct {
	Space     string
	Pulse     string
	Round     int
	Question  int // 1-based
	Questions int // how many questions the pulse has
	Invited   int // how many people the round was sent to (Round.Invited)
	Who       string
	Named     string
	Value     string // "9", "yes", a choice number, or free text
	Text      bool   // Value is free text
	Skip      bool   // the respondent skipped a free-text question
}

// AnswerStatus is what became of an answer.
type AnswerStatus int

// The outcomes of RecordAnswer.
const (
	Recorded   AnswerStatus = iota + 1 // counted
	Duplicate                          // this person already answered this question: not counted again
	RoundShut                          // the round is closed
	NotInvited                         // the person is not in the round's audience
)

// Values lists the answers a counted question takes, in order (nil for free text).
func (q Question) Values() []string { return values(q) }

// Tally is everything stored about a round's answers: counts, not people.
type Tally struct {
	Invited     int
	Respondents int
	// SegRespondents counts respondents per segment.
	SegRespondents map[int]int
	// Merged are the segments stored as one (Round.Merged).
	Merged []int
	// Counts holds how often each value was given, per question and segment.
	Counts map[TallyKey]int
	// Texts are the free-text answers, in no particular order.
	Texts []TextAnswer
	// Tuples are the linked answers of one person each, without the person.
	Tuples []Tuple
	// Closed is set once the round was closed; Closes is when it closes.
	Closed bool
	Closes time.Time
}

// TallyKey names one counter of a Tally.
type TallyKey struct {
	Question int
	Segment  int
	Value    string
}

// TextAnswer is a free-text answer without its author.
type TextAnswer struct {
	Question int
	Text     string
}

// Tuple is the answers of one respondent to a multi-question pulse, with no
// trace of who gave them; N counts identical tuples. Named is set only for
// pulses with anonymous=no.
type Tuple struct {
	Segment int
	Named   string
	Values  map[int]string // question → value
	N       int
}

// RoundKey names a round of a pulse in a workspace, for the scheduler.
type RoundKey struct {
	Space string
	Pulse string
	Round int
}

// PulseStore keeps pulses, their rounds and their answers per workspace.
// Every method returns an EUNAVAILABLE *Error when the database can't be reached.
type PulseStore interface {
	// CreatePulse stores p and sets p.ID ("P1", "P2", … per space).
	CreatePulse(ctx context.Context, p *Pulse) error
	// DeletePulse removes a pulse with its rounds and answers. Returns
	// ENOTFOUND if it does not exist.
	DeletePulse(ctx context.Context, space, id string) error
	// UpdatePulse stores a changed p.
	UpdatePulse(ctx context.Context, p *Pulse) error
	// Pulse returns a pulse. Returns ENOTFOUND if it does not exist.
	Pulse(ctx context.Context, space, id string) (*Pulse, error)
	// Pulses returns the pulses of a space, newest first.
	Pulses(ctx context.Context, space string) ([]Pulse, error)
	// RecurringPulses returns the pulses of every space that have a schedule
	// and are not stopped, for the scheduler.
	RecurringPulses(ctx context.Context) ([]Pulse, error)
	// OpenRound stores round r of p with its invitees and sets p.Rounds = r.N.
	OpenRound(ctx context.Context, p *Pulse, r Round, invitees []Invitee) error
	// Round returns round n of a pulse. Returns ENOTFOUND if it does not exist.
	Round(ctx context.Context, space, pulse string, n int) (*Round, error)
	// RecordAnswer counts a once per respondent and question, atomically: a
	// second answer of the same person to the same question, or any answer
	// after close, changes nothing. bits has bit q-1 set for each question the
	// respondent has answered, after this answer.
	RecordAnswer(ctx context.Context, a Answer) (status AnswerStatus, bits uint64, err error)
	// Answered returns, for each hash in who that the round was sent to, the
	// questions answered as bits (0: nothing yet). Hashes the round was not
	// sent to are missing from the map.
	Answered(ctx context.Context, space, pulse string, round int, who []string) (map[string]uint64, error)
	// CloseRound closes a round: no answer is taken any more, who was asked is
	// deleted, and pending answers become tuples when there are at least
	// keepPartial of them (else they are dropped; the counters keep them).
	// closed is false when it was closed already.
	CloseRound(ctx context.Context, space, pulse string, round, keepPartial int) (closed bool, err error)
	// SetReminded marks that the round's reminder went out. It returns false if
	// it was marked already, so that a reminder is sent once.
	SetReminded(ctx context.Context, space, pulse string, round int) (bool, error)
	// Tally returns the stored answers of a round.
	Tally(ctx context.Context, space, pulse string, round int) (*Tally, error)
	// DueRounds returns the open rounds that close before t, in any space.
	DueRounds(ctx context.Context, t time.Time) ([]RoundKey, error)
}

// respondent returns the hash that stands for user u in a round: the first 8
// bytes of SHA-256 over the round's salt and the user's key, in hex. The store
// keeps this, never the id; without the salt it can't be matched to anyone.
func respondent(salt string, u Ref) string {
	h := sha256.Sum256([]byte(salt + "\x00" + u.Key()))
	return hex.EncodeToString(h[:8])
}

// parseRoundID reads "P1.2" into pulse "P1" and round 2.
func parseRoundID(s string) (pulse string, n int, ok bool) {
	p, num, found := strings.Cut(s, ".")
	n, err := strconv.Atoi(num)
	if !found || err != nil || n < 1 || p == "" {
		return "", 0, false
	}
	return strings.ToUpper(p), n, true
}
