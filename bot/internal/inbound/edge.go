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
// part of each request, the Deduper that makes a replayed request run once,
// the sampled log of refused requests, and the logger. Create it with NewEdge.
type Edge struct {
	// Pool runs the background work of requests.
	Pool *Pool
	// Log is the adapter's logger.
	Log *slog.Logger

	name     string
	seen     Deduper
	refusals Sampler
}

// NewEdge returns the Edge of the adapter called name ("slack", "teams").
// Its pool is sized by pool; a field that is not positive takes the default
// (64 workers, 4096 places in the queue, a wait of one second for a place).
// seen, when not nil, dedupes requests; log nil means slog.Default().
func NewEdge(name string, pool PoolConfig, seen Deduper, log *slog.Logger) *Edge {
	return &Edge{
		Pool:     NewPool(pool, PoolConfig{Workers: defaultWorkers, Queue: defaultQueue, Wait: defaultWait}),
		Log:      cmp.Or(log, slog.Default()),
		name:     name,
		seen:     seen,
		refusals: Sampler{Every: refusalLogEvery},
	}
}

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
