package store

import "context"

// SnapshotNow writes the embedded store's next snapshot at once, as its loop
// does every SnapshotEvery.
func (s *Store) SnapshotNow(ctx context.Context) error {
	base, upto, err := s.emb.cut()
	if err != nil || upto <= base {
		return err
	}
	return s.emb.snapshot(ctx, base, upto)
}

// Files lists the snapshot and journal segment numbers in dir.
var Files = files
