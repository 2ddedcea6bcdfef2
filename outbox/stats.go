package outbox

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/herald-chat/herald/bot"
)

// stats counts what an Outbox did since it was made, for metrics.
type stats struct {
	mu sync.Mutex
	c  Counts
}

// Counts is a copy of the counters of an Outbox.
type Counts struct {
	Sent      map[bot.Platform]int64
	Failed    map[Reason]int64 // by platform and error code
	Retried   map[Reason]int64 // by platform and "429" or error code
	Throttled map[bot.Platform]int64
	// Takeovers counts the times this process took over entries whose lease
	// had ended; PossibleDoubles counts those entries: each was taken by a
	// worker that stopped (died) and may have been sent before it did.
	Takeovers       map[bot.Platform]int64
	PossibleDoubles map[bot.Platform]int64
}

// Reason is a metric label pair: a platform and why.
type Reason struct {
	Platform bot.Platform
	Reason   string
}

func newStats() *stats {
	return &stats{c: Counts{
		Sent: map[bot.Platform]int64{}, Failed: map[Reason]int64{}, Retried: map[Reason]int64{},
		Throttled: map[bot.Platform]int64{}, Takeovers: map[bot.Platform]int64{}, PossibleDoubles: map[bot.Platform]int64{},
	}}
}

func (s *stats) add(f func(c *Counts)) {
	s.mu.Lock()
	f(&s.c)
	s.mu.Unlock()
}

func (s *stats) sent(p bot.Platform)      { s.add(func(c *Counts) { c.Sent[p]++ }) }
func (s *stats) throttled(p bot.Platform) { s.add(func(c *Counts) { c.Throttled[p]++ }) }
func (s *stats) failed(p bot.Platform, why string) {
	s.add(func(c *Counts) { c.Failed[Reason{p, why}]++ })
}
func (s *stats) retried(p bot.Platform, why string) {
	s.add(func(c *Counts) { c.Retried[Reason{p, why}]++ })
}
func (s *stats) takenOver(p bot.Platform, entries int) {
	s.add(func(c *Counts) { c.Takeovers[p]++; c.PossibleDoubles[p] += int64(entries) })
}

// Counts returns a copy of the counters.
func (o *Outbox) Counts() Counts {
	o.stats.mu.Lock()
	defer o.stats.mu.Unlock()
	c := o.stats.c
	return Counts{
		Sent: maps.Clone(c.Sent), Failed: maps.Clone(c.Failed), Retried: maps.Clone(c.Retried),
		Throttled: maps.Clone(c.Throttled), Takeovers: maps.Clone(c.Takeovers), PossibleDoubles: maps.Clone(c.PossibleDoubles),
	}
}

// Backlog is the queue of one workspace as Redis has it.
type Backlog struct {
	Space    string
	Platform bot.Platform
	Queued   int64         // entries not delivered yet, in flight included
	InFlight int64         // entries a worker holds
	Oldest   time.Duration // age of the oldest entry
	Pace     float64       // current pace, messages per second (0: none of its own)
}

// Backlogs returns the queue of every workspace that has one.
func (o *Outbox) Backlogs(ctx context.Context) ([]Backlog, error) {
	now := micros(o.cfg.Clock.Now())
	var out []Backlog
	for _, space := range o.knownSpaces(ctx) {
		k := o.keys(space)
		b := Backlog{Space: space, Platform: platformOf(space)}
		var err error
		if b.Queued, err = o.cfg.Redis.ZCard(ctx, k.enq).Result(); err != nil {
			return nil, fmt.Errorf("outbox backlog: %w", err)
		}
		if b.InFlight, err = o.cfg.Redis.ZCard(ctx, k.lease).Result(); err != nil {
			return nil, fmt.Errorf("outbox backlog: %w", err)
		}
		if first, err := o.cfg.Redis.ZRangeWithScores(ctx, k.enq, 0, 0).Result(); err == nil && len(first) == 1 {
			b.Oldest = time.Duration(max(0, now-int64(first[0].Score))) * time.Microsecond
		}
		b.Pace, _ = o.cfg.Redis.HGet(ctx, k.pace, "rate").Float64()
		out = append(out, b)
	}
	return out, nil
}
