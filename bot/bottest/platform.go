package bottest

import (
	"context"
	"sync"
	"time"

	"github.com/herald-chat/herald/bot"
)

// Platform is a fake chat platform with the limits of a real one: it takes at
// most Rate messages per second overall (a token bucket with a burst of a
// tenth of a second) and one message per PerTarget to each channel or person,
// and answers anything faster like HTTP 429: an EUNAVAILABLE *bot.Error with
// RetryAfter. Targets in Gone fail for good with their error code. It counts
// what it delivered per target.
type Platform struct {
	Rate      float64       // messages per second; 0 means no limit
	PerTarget time.Duration // least time between two messages to one target; 0 means none
	Gone      map[string]string
	// Latency is how long each call takes.
	Latency time.Duration
	// Clock, when set, is the time the platform's limits are counted in (a
	// fake clock in tests); else the system clock.
	Clock bot.Clock
	// Accepted, when set, is called with each message delivered.
	Accepted func(bot.Message)
	// WholeSeconds rounds each Retry-After up to whole seconds, as Slack's
	// header does; else it is the exact wait.
	WholeSeconds bool

	mu        sync.Mutex
	tokens    float64
	filled    time.Time
	last      map[string]time.Time
	got       map[string]int
	tries     map[string]int
	total     int
	throttled int
	until     map[string][2]time.Time // Retry-After announced (when, until), by target key and "" for all
	ignored   int
	order     []string
}

var _ bot.Messenger = (*Platform)(nil)

// Send delivers m, or refuses it like the platform would.
func (p *Platform) Send(ctx context.Context, m bot.Message) error {
	if p.Latency > 0 {
		select {
		case <-time.After(p.Latency):
		case <-ctx.Done():
			return bot.Unavailable("err.platform", ctx.Err())
		}
	}
	if err := p.accept(m); err != nil {
		return err
	}
	if p.Accepted != nil {
		p.Accepted(m)
	}
	return nil
}

// accept counts m as delivered, or refuses it.
func (p *Platform) accept(m bot.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last, p.got, p.tries, p.until = map[string]time.Time{}, map[string]int{}, map[string]int{}, map[string][2]time.Time{}
	}
	key := m.To.Key()
	p.tries[key]++
	if code, ok := p.Gone[key]; ok {
		return bot.Errorf(code, "err.platform")
	}
	now := time.Now()
	if p.Clock != nil {
		now = p.Clock.Now()
	}
	if p.ignores(key, now) || p.ignores("", now) {
		p.ignored++
	}
	if last, ok := p.last[key]; ok && p.PerTarget > 0 && now.Sub(last) < p.PerTarget {
		p.throttled++
		wait := p.PerTarget - now.Sub(last)
		p.until[key] = [2]time.Time{now, now.Add(wait)}
		return &bot.Error{Code: bot.EUNAVAILABLE, Key: "err.platform", RetryAfter: wait}
	}
	if p.Rate > 0 {
		burst := max(1, p.Rate/10)
		if p.filled.IsZero() {
			p.tokens, p.filled = burst, now
		}
		p.tokens = min(burst, p.tokens+now.Sub(p.filled).Seconds()*p.Rate)
		p.filled = now
		if p.tokens < 1 {
			p.throttled++
			wait := max(time.Millisecond, time.Duration((1-p.tokens)/p.Rate*float64(time.Second)))
			if p.WholeSeconds {
				wait = (wait + time.Second - 1).Truncate(time.Second)
			}
			p.until[""] = [2]time.Time{now, now.Add(wait)}
			return &bot.Error{Code: bot.EUNAVAILABLE, Key: "err.platform", RetryAfter: wait}
		}
		p.tokens--
	}
	p.last[key] = now
	p.got[key]++
	p.total++
	p.order = append(p.order, m.DeliveryID)
	return nil
}

// Got returns how many messages each target received, by Ref key.
func (p *Platform) Got() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.got))
	for k, v := range p.got {
		out[k] = v
	}
	return out
}

// Total returns how many messages were delivered.
func (p *Platform) Total() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total
}

// Throttled returns how many sends were refused for going too fast.
func (p *Platform) Throttled() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.throttled
}

// Tries returns how often a target was sent to, refusals included.
func (p *Platform) Tries(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tries[key]
}

// Ignored returns how many sends came while a Retry-After the platform had
// announced to that target, or to everyone, was still running; a send at the
// very moment of the 429 was under way with it and does not count.
func (p *Platform) Ignored() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ignored
}

// Order returns the delivery ids of the messages delivered, in order.
func (p *Platform) Order() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.order...)
}

// ignores reports whether a send at now ignores the Retry-After announced for key.
func (p *Platform) ignores(key string, now time.Time) bool {
	u := p.until[key]
	return now.After(u[0]) && now.Before(u[1])
}
