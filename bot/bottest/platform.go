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

	mu        sync.Mutex
	tokens    float64
	filled    time.Time
	last      map[string]time.Time
	got       map[string]int
	tries     map[string]int
	total     int
	throttled int
	until     map[string]time.Time // Retry-After announced, by target key and "" for all
	ignored   int
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
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last, p.got, p.tries, p.until = map[string]time.Time{}, map[string]int{}, map[string]int{}, map[string]time.Time{}
	}
	key := m.To.Key()
	p.tries[key]++
	if code, ok := p.Gone[key]; ok {
		return bot.Errorf(code, "err.platform")
	}
	now := time.Now()
	if now.Before(p.until[key]) || now.Before(p.until[""]) {
		p.ignored++
	}
	if last, ok := p.last[key]; ok && p.PerTarget > 0 && now.Sub(last) < p.PerTarget {
		p.throttled++
		wait := p.PerTarget - now.Sub(last)
		p.until[key] = now.Add(wait)
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
			wait := time.Duration((1 - p.tokens) / p.Rate * float64(time.Second))
			p.until[""] = now.Add(wait)
			return &bot.Error{Code: bot.EUNAVAILABLE, Key: "err.platform", RetryAfter: wait}
		}
		p.tokens--
	}
	p.last[key] = now
	p.got[key]++
	p.total++
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
// announced to that target, or to everyone, was still running.
func (p *Platform) Ignored() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ignored
}
