package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"
)

// Backup writes every key under the store's prefix, with its type, value and
// time to live, to w and returns how many keys it wrote. The file restores
// into the embedded store or any Redis server or cluster. Keys are read in
// batches while herald may run: a key written meanwhile may or may not be in
// it, as with any live copy.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int, error) {
	n, err := dumpTo(ctx, s.rdb, s.prefix, w, time.Now())
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// Restored says what Restore did.
type Restored struct {
	Deleted  int // keys deleted first (replace)
	Restored int // keys written from the backup
}

// Restore writes the keys of a backup from r under the store's prefix. It
// reads and checks the whole backup before it writes anything, and refuses a
// store that holds keys under the prefix unless replace is set: then those
// keys are deleted first, so that the store holds exactly the backup.
func (s *Store) Restore(ctx context.Context, r io.Reader, replace bool) (Restored, error) {
	var res Restored
	data, err := io.ReadAll(r)
	if err != nil {
		return res, fmt.Errorf("restore: read: %w", err)
	}
	if _, err := readDump(bytes.NewReader(data), func(record) error { return nil }); err != nil {
		return res, fmt.Errorf("restore: the backup is %w", err) // damaged: …
	}
	keys, err := scanKeys(ctx, s.rdb, s.prefix)
	if err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	if len(keys) > 0 && !replace {
		return res, fmt.Errorf("restore: %s already holds %d keys under %q; --force deletes them first", s.where, len(keys), s.prefix)
	}
	p := s.rdb.Pipeline()
	for _, k := range keys {
		p.Del(ctx, k)
		if p.Len() >= dumpBatch {
			if _, err := p.Exec(ctx); err != nil {
				return res, fmt.Errorf("restore: delete: %w", err)
			}
		}
	}
	if _, err := p.Exec(ctx); err != nil {
		return res, fmt.Errorf("restore: delete: %w", err)
	}
	res.Deleted = len(keys)
	l := newLoader(s.rdb, s.prefix)
	if _, err := readDump(bytes.NewReader(data), func(r record) error { return l.add(ctx, r) }); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	if err := l.flush(ctx); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	res.Restored = l.n
	if s.emb != nil && !s.emb.readOnly() {
		// Into the snapshot now, rather than replayed from the journal at
		// every start until the next one.
		if err := s.emb.snapshotNow(ctx); err != nil {
			return res, fmt.Errorf("restore: %w", err)
		}
	}
	return res, nil
}
