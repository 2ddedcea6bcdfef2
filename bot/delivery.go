package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// DeliveryID names one message the Outbox delivers once, however often it is
// posted: what sent it, in which workspace, which send, and to whom. Its
// String form is the Outbox's idempotency key.
type DeliveryID struct {
	Kind  string // the feature that sent it: "keymsg", "digest", "shoutout"
	Space string // the workspace
	Item  string // the key message, the digest's month, the shout-out
	Run   string // which send of Item; empty when Item is sent once
	To    string // the recipient's Ref.Key; empty for a broadcast
}

// String joins the parts: "keymsg|slack:T1|3|1767600000|slack:T1:user:U1".
func (d DeliveryID) String() string {
	parts := []string{d.Kind, d.Space, d.Item}
	if d.Run != "" || d.To != "" {
		parts = append(parts, d.Run, d.To)
	}
	return strings.Join(parts, "|")
}

// ParseDeliveryID reads what DeliveryID.String wrote. ok is false for
// anything else, such as the ids an Outbox makes up for messages without one.
func ParseDeliveryID(s string) (DeliveryID, bool) {
	p := strings.Split(s, "|")
	switch len(p) {
	case 3:
		return DeliveryID{Kind: p[0], Space: p[1], Item: p[2]}, true
	case 5:
		return DeliveryID{Kind: p[0], Space: p[1], Item: p[2], Run: p[3], To: p[4]}, true
	}
	return DeliveryID{}, false
}

// DeliveryLog records what became of the messages an Outbox took, where a
// feature keeps delivery reports: each post of a key message ("keymsg show").
// It needs only the store, so an Outbox can be given it before the Bot that
// posts to that Outbox is made.
type DeliveryLog struct {
	KeyMessages KeyMessageStore
}

var _ Outcomes = DeliveryLog{}

// Delivered records the outcome of m: err is nil when it was delivered.
func (dl DeliveryLog) Delivered(ctx context.Context, m Message, err error) error {
	if dl.KeyMessages == nil {
		return nil
	}
	return (&keyMessages{store: dl.KeyMessages}).delivered(ctx, m, err)
}

// delivered records the outcome of one post of a key message.
func (ks *keyMessages) delivered(ctx context.Context, m Message, err error) error {
	id, ok := ParseDeliveryID(m.DeliveryID)
	if !ok || id.Kind != keymsgJob || id.Run == "" {
		return nil
	}
	code := ""
	if err != nil {
		code = ErrorCode(err)
		var e *Error
		if !errors.As(err, &e) {
			code = EINTERNAL
		}
	}
	if err := ks.store.RecordDelivery(ctx, id.Space, id.Item, id.Run, m.To, code); err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	return nil
}
