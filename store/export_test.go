package store

import "context"

// SnapshotNow writes the embedded store's next snapshot at once, as its loop
// does every SnapshotEvery.
func (s *Store) SnapshotNow(ctx context.Context) error { return s.emb.snapshotNow(ctx) }

// Files lists the snapshot and journal segment numbers in dir.
var Files = files
