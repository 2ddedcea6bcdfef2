package store

import (
	"context"
	"slices"
	"sync"

	"github.com/redis/go-redis/v9"
)

// groupCommit sends the transactions of concurrent callers to Redis together:
// the first caller writes its own transaction at once, and whoever arrives
// while that is on the wire waits for the next write, which carries all of
// them in one MULTI/EXEC. Each caller's writes stay atomic (they are part of
// one larger transaction), a lone caller waits for no one, and a busy server
// takes one write and one read per batch instead of per caller. It needs no
// goroutine of its own: the caller that finds no write under way writes one
// batch, its own transaction first, and hands the next batch to the first
// caller still waiting, so that no caller waits for more than the write under
// way and its own (while no more than maxGroup callers wait).
// A Redis Cluster refuses a transaction whose keys lie in different slots
// (CROSSSLOT), so each caller names the hash tag of its keys and a batch is
// written as one transaction per tag.
type groupCommit struct {
	rdb redis.UniversalClient
	// bySlot is set for a Redis Cluster: only there must a batch be split by
	// hash tag; one server takes the whole batch as one transaction.
	bySlot bool

	mu       sync.Mutex
	queue    []*pendingTx
	flushing bool // a caller is writing a batch; it hands on to queue[0]
}

func newGroupCommit(rdb redis.UniversalClient) *groupCommit {
	_, cluster := rdb.(*redis.ClusterClient)
	return &groupCommit{rdb: rdb, bySlot: cluster}
}

// pendingTx is one caller's transaction waiting to be written.
type pendingTx struct {
	tag   string // the hash tag of every key it writes
	queue func(redis.Pipeliner)
	done  chan error
	lead  chan struct{} // receives when this caller is to write the next batch
}

// maxGroup bounds how many transactions one write carries.
const maxGroup = 128

// do runs queue's commands, whose keys all have the hash tag tag, in a
// transaction, together with those of other callers with that tag waiting at
// the same time, and returns when they were applied.
func (g *groupCommit) do(ctx context.Context, tag string, queue func(redis.Pipeliner)) error {
	tx := &pendingTx{tag: tag, queue: queue, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, tx)
	if g.flushing {
		g.mu.Unlock()
		select {
		case err := <-tx.done:
			return err
		case <-tx.lead:
		case <-ctx.Done():
			g.leave(tx)
			return ctx.Err() // when it was being written, it may still be applied, as with any write cut short
		}
	} else {
		g.flushing = true
		g.mu.Unlock()
	}
	// tx is queue[0]: write it and those waiting behind it.
	g.mu.Lock()
	batch := g.queue[:min(len(g.queue), maxGroup)]
	g.queue = g.queue[len(batch):]
	g.mu.Unlock()
	g.write(context.WithoutCancel(ctx), batch) // everyone's: this caller's cancellation must not cut it
	g.mu.Lock()
	g.handOn()
	g.mu.Unlock()
	return <-tx.done
}

// handOn makes the first waiting caller write the next batch, or ends the
// flushing when no one waits. g.mu must be held.
func (g *groupCommit) handOn() {
	if len(g.queue) == 0 {
		g.flushing = false
		return
	}
	g.queue[0].lead <- struct{}{}
}

// leave takes tx, whose caller gives up waiting, out of the queue when it is
// still there, handing on the next batch if tx was to write it.
func (g *groupCommit) leave(tx *pendingTx) {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.Index(g.queue, tx)
	if i < 0 {
		return // being written
	}
	g.queue = slices.Delete(g.queue, i, i+1)
	select {
	case <-tx.lead:
		g.handOn()
	default:
	}
}

// write sends batch as one transaction (on a cluster, one per hash tag, all
// at once) and tells each caller the outcome of its own.
func (g *groupCommit) write(ctx context.Context, batch []*pendingTx) {
	byTag := map[string][]*pendingTx{}
	for _, t := range batch {
		tag := ""
		if g.bySlot {
			tag = t.tag
		}
		byTag[tag] = append(byTag[tag], t)
	}
	var wg sync.WaitGroup
	for _, txs := range byTag {
		wg.Go(func() {
			_, err := g.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for _, t := range txs {
					t.queue(p)
				}
				return nil
			})
			for _, t := range txs {
				t.done <- err
			}
		})
	}
	wg.Wait()
}
