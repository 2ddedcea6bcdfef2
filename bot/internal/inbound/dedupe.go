package inbound

import (
	"context"
	"time"
)

// Deduper remembers keys for a while, so that a request a platform retries,
// delivers to two replicas, or that someone replays, is processed once;
// herald's store is one.
type Deduper interface {
	// FirstSeen records key for ttl and reports whether it was new. Returns
	// an error when the database can't be reached.
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
}
