package store

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// SnapshotNow writes the embedded store's next snapshot at once, as its loop
// does every SnapshotEvery.
func (s *Store) SnapshotNow(ctx context.Context) error { return s.emb.snapshotNow(ctx) }

// Files lists the snapshot and journal segment numbers in dir.
var Files = files

// GroupCommit is the group commit, for tests of its own.
type GroupCommit = groupCommit

// NewGroupCommitFor returns a group commit on rdb.
func NewGroupCommitFor(rdb redis.UniversalClient) *GroupCommit { return newGroupCommit(rdb) }

// Do runs queue in a transaction of the group (do).
func (g *GroupCommit) Do(ctx context.Context, tag string, queue func(redis.Pipeliner)) error {
	return g.do(ctx, tag, queue)
}

// Waiting returns how many transactions wait for a write.
func (g *GroupCommit) Waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}
