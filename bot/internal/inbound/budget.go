package inbound

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// DefaultBodyBudget is the memory an Edge lets the request bodies it is
// reading hold at once, when NewEdge is given none. Legitimate bodies are
// small and read in well under a millisecond (a Slack command is about
// 1 KB, an interaction tens of KB, a Teams activity a few KB), so 32 MiB
// is thousands of them at once; what it stops is connections that trickle
// bodies of up to MaxBody and stall. Two edges (Slack and Teams) hold at
// most 64 MiB, a quarter of the 256 MiB the Kubernetes manifest allows.
const DefaultBodyBudget = 32 << 20

// errBusy is returned when no budget came free within the wait.
var errBusy = errors.New("body budget spent")

// bodyBudget bounds the bytes that the buffers of bodies being read hold,
// shared by the readers of one Edge. A reader takes a buffer's size before
// making it and gives it back once reading ended, whichever way; while the
// budget is spent, a reader waits for its turn (first come, first served).
type bodyBudget struct {
	sem  *semaphore.Weighted
	wait time.Duration

	held    atomic.Int64 // bytes taken now; never more than the budget
	peak    atomic.Int64 // the most held at once
	refused atomic.Uint64
}

// newBodyBudget returns a budget of size bytes whose readers wait up to wait
// for their turn.
func newBodyBudget(size int64, wait time.Duration) *bodyBudget {
	return &bodyBudget{sem: semaphore.NewWeighted(size), wait: wait}
}

// take takes n bytes. When they are not free, it waits until they are, ctx
// ends or *until passes; the first wait of a read sets *until, so that all
// the waits of one read together last no longer than the budget's wait.
// Returns errBusy when n bytes did not come free in time.
func (b *bodyBudget) take(ctx context.Context, n int64, until *time.Time) error {
	if !b.sem.TryAcquire(n) {
		if until.IsZero() {
			*until = time.Now().Add(b.wait)
		}
		wctx, cancel := context.WithDeadline(ctx, *until)
		err := b.sem.Acquire(wctx, n)
		cancel()
		if err != nil {
			b.refused.Add(1)
			return errBusy
		}
	}
	held := b.held.Add(n)
	for peak := b.peak.Load(); held > peak && !b.peak.CompareAndSwap(peak, held); peak = b.peak.Load() {
	}
	return nil
}

// give gives n bytes back.
func (b *bodyBudget) give(n int64) {
	if n == 0 {
		return
	}
	b.held.Add(-n)
	b.sem.Release(n)
}
