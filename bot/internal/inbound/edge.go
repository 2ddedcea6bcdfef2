package inbound

import (
	"cmp"
	"context"
	"log/slog"
	"time"
)

// Defaults of an Edge's pool: the work waits on Redis and the platform more
// than it computes, and a second's wait for a place stays well inside every
// platform's timeout (Slack's three seconds, Teams' fifteen).
const (
	defaultWorkers = 64
	defaultQueue   = 4096
	defaultWait    = time.Second
	// refusalLogEvery is how often a refused request is logged at most.
	refusalLogEvery = 10 * time.Second
)

// Edge is what every adapter's HTTP edge holds: the pool that runs the slow
// part of each request, the budget of memory for the bodies being read, the
// Deduper that makes a replayed request run once, the sampled log of refused
// requests, and the logger. Create it with NewEdge.
type Edge struct {
	// Pool runs the background work of requests.
	Pool *Pool
	// Log is the adapter's logger.
	Log *slog.Logger

	name     string
	bodies   *bodyBudget
	seen     Deduper
	refusals Sampler
}

// NewEdge returns the Edge of the adapter called name ("slack", "teams").
// Its pool is sized by pool; a field that is not positive takes the default
// (64 workers, 4096 places in the queue, a wait of one second for a place).
// The bodies being read hold at most bodyBudget bytes at once
// (DefaultBodyBudget when not positive; at least 2 MiB lets a body of
// MaxBody grow), and a read waits for budget as long as a request waits for
// a place in the pool. seen, when not nil, dedupes requests; log nil means
// slog.Default().
func NewEdge(name string, pool PoolConfig, bodyBudget int64, seen Deduper, log *slog.Logger) *Edge {
	if bodyBudget <= 0 {
		bodyBudget = DefaultBodyBudget
	}
	p := NewPool(pool, PoolConfig{Workers: defaultWorkers, Queue: defaultQueue, Wait: defaultWait})
	return &Edge{
		Pool:     p,
		Log:      cmp.Or(log, slog.Default()),
		name:     name,
		bodies:   newBodyBudget(bodyBudget, p.wait),
		seen:     seen,
		refusals: Sampler{Every: refusalLogEvery},
	}
}

// BodyBytes returns how many bytes the bodies being read hold now, and the
// most they held at once, for metrics.
func (e *Edge) BodyBytes() (now, peak int64) { return e.bodies.held.Load(), e.bodies.peak.Load() }

// BodyRefused returns how many requests were refused (503, or answered
// busy) so far because the budget for bodies stayed spent, for metrics.
func (e *Edge) BodyRefused() uint64 { return e.bodies.refused.Load() }

// Refusal logs a refused request at warning level, sampled: at most one line
// every ten seconds, with how many it stands for.
func (e *Edge) Refusal(msg string, args ...any) { e.refusals.Warn(e.Log, msg, args...) }

// FirstSeen reports whether key (an event id, a request signature, an
// activity id) is new for ttl; it is remembered under the adapter's name.
// Without a Deduper, or for an empty key, every request is new. When the
// Deduper can't say, the request is processed and the log says so: doing it
// twice is rarer and easier to notice than losing it.
func (e *Edge) FirstSeen(ctx context.Context, key string, ttl time.Duration) bool {
	if e.seen == nil || key == "" {
		return true
	}
	ok, err := e.seen.FirstSeen(ctx, e.name+":"+key, ttl)
	if err != nil {
		e.Log.Warn(e.name+": dedupe unavailable; processing", "key", key, "err", err)
		return true
	}
	if !ok {
		e.Log.Debug(e.name+": duplicate skipped", "key", key)
	}
	return ok
}
