package store

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"
)

// groupCommit sends the transactions of concurrent callers to Redis together:
// the first caller writes its own transaction at once, and whoever arrives
// while that is on the wire waits for the next write, which carries all of
// them in one MULTI/EXEC. Each caller's writes stay atomic (they are part of
// one larger transaction), a lone caller waits for no one, and a busy server
// takes one write and one read per batch instead of per caller. It needs no
// goroutine of its own: the caller that finds no write under way does it.
type groupCommit struct {
	rdb redis.UniversalClient

	mu       sync.Mutex
	queue    []*pendingTx
	flushing bool
}

// pendingTx is one caller's transaction waiting to be written.
type pendingTx struct {
	queue func(redis.Pipeliner)
	done  chan error
}

// maxGroup bounds how many transactions one write carries.
const maxGroup = 128

// do runs queue's commands in a transaction, together with those of other
// callers waiting at the same time, and returns when they were applied.
func (g *groupCommit) do(ctx context.Context, queue func(redis.Pipeliner)) error {
	tx := &pendingTx{queue: queue, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, tx)
	if g.flushing {
		g.mu.Unlock()
		select {
		case err := <-tx.done:
			return err
		case <-ctx.Done():
			return ctx.Err() // it may still be applied, as with any write cut short
		}
	}
	g.flushing = true
	for len(g.queue) > 0 {
		batch := g.queue[:min(len(g.queue), maxGroup)]
		g.queue = g.queue[len(batch):]
		g.mu.Unlock()
		// The batch is everyone's: the leader's cancellation must not cut it.
		_, err := g.rdb.TxPipelined(context.WithoutCancel(ctx), func(p redis.Pipeliner) error {
			for _, t := range batch {
				t.queue(p)
			}
			return nil
		})
		for _, t := range batch {
			t.done <- err
		}
		g.mu.Lock()
	}
	g.flushing = false
	g.mu.Unlock()
	return <-tx.done
}
