// Package bottest holds hand-written fakes of the core's dependencies and test
// helpers. Only tests import it.
package bottest

import (
	"context"
	"sync"
	"time"

	"github.com/herald-chat/herald/bot"
)

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Messenger records every message sent through it; it is also an Outbox.
// Set Err to make sends fail.
type Messenger struct {
	mu   sync.Mutex
	sent []bot.Message
	Err  error
}

var (
	_ bot.Messenger = (*Messenger)(nil)
	_ bot.Outbox    = (*Messenger)(nil)
)

// Send records m, or returns Err.
func (m *Messenger) Send(_ context.Context, msg bot.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	m.sent = append(m.sent, msg)
	return nil
}

// Post records msgs, or returns Err.
func (m *Messenger) Post(ctx context.Context, msgs ...bot.Message) error {
	for _, msg := range msgs {
		if err := m.Send(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}

// Sent returns a copy of the messages sent so far.
func (m *Messenger) Sent() []bot.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]bot.Message(nil), m.sent...)
}

// Reset forgets the messages sent so far.
func (m *Messenger) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = nil
}
