package bot

import (
	"context"
	"fmt"
	"time"
)

// Clock tells the time. Tests use a fixed one (bottest.Clock).
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Messenger delivers messages on one platform. Each adapter implements it.
type Messenger interface {
	// Send delivers m to m.To. Returns an *Error with EUNAVAILABLE when the
	// platform can't be reached or asks to slow down (worth retrying), and
	// ENOTFOUND or EFORBIDDEN when the target can never receive it
	// (channel_not_found, not_in_channel, a deactivated user).
	Send(ctx context.Context, m Message) error
}

// Outbox takes messages for delivery to channels and people other than the
// requester: broadcasts, direct messages, reminders.
type Outbox interface {
	// Post accepts msgs for delivery. Returns EUNAVAILABLE when they could not be
	// accepted; once accepted, delivery is the Outbox's job.
	Post(ctx context.Context, msgs ...Message) error
}

// Outcomes learns what became of the messages an Outbox took. The core
// implements it and is given to the Outbox at construction.
type Outcomes interface {
	// Delivered reports the outcome of m: err is nil when it was delivered,
	// else the last error. The Outbox calls it once per message, after its
	// last try.
	Delivered(ctx context.Context, m Message, err error) error
}

// Messengers sends each message through the Messenger of its target's platform.
// It is also the simplest Outbox: it sends at once, in the caller's goroutine.
type Messengers map[Platform]Messenger

// Send delivers m through the messenger of m.To's platform.
func (ms Messengers) Send(ctx context.Context, m Message) error {
	mr, ok := ms[m.To.Platform]
	if !ok {
		return fmt.Errorf("send to %s: no messenger for platform %q", m.To.Key(), m.To.Platform)
	}
	return mr.Send(ctx, m)
}

// Post sends msgs one after the other and stops at the first failure.
func (ms Messengers) Post(ctx context.Context, msgs ...Message) error {
	for _, m := range msgs {
		if err := ms.Send(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

var (
	_ Messenger = Messengers(nil)
	_ Outbox    = Messengers(nil)
)

// Directory expands channels and groups into the people in them. Adapters
// implement it; herald expands targets at send time, so that people who joined
// since are reached too.
type Directory interface {
	// Members returns the users in r: the members of a channel or group, or r
	// itself for a user. Returns ENOTFOUND when r does not exist or herald can't
	// see it, and EUNAVAILABLE when the platform can't be reached.
	Members(ctx context.Context, r Ref) ([]Ref, error)
}

// Directories expands each Ref through the Directory of its platform.
type Directories map[Platform]Directory

// Members returns the users in r through the directory of r's platform.
func (ds Directories) Members(ctx context.Context, r Ref) ([]Ref, error) {
	if r.Kind == UserRef {
		return []Ref{r}, nil
	}
	d, ok := ds[r.Platform]
	if !ok {
		return nil, fmt.Errorf("members of %s: no directory for platform %q", r.Key(), r.Platform)
	}
	return d.Members(ctx, r)
}

var _ Directory = Directories(nil)
