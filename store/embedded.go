package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// embedded is the in-process Redis-protocol server (miniredis) herald uses
// when no Redis is configured. It has no listener: only herald's own client
// reaches it, through in-memory pipes. Its data lives in the data directory
// as snapshots and a journal (see the package doc).
type embedded struct {
	srv    *miniredis.Miniredis
	raw    *redis.Client // without the journal: loading, and read-only use
	rdb    *redis.Client // with the journal
	jr     *journal
	dir    string
	log    *slog.Logger
	every  time.Duration
	unlock func() error

	mu         sync.Mutex // base
	base       int        // the newest good snapshot: it covers segments ≤ base
	compacting sync.Mutex // one snapshot written at a time

	stop context.CancelFunc
	done chan error
}

// maxSegment is the journal size that brings the next snapshot forward.
const maxSegment = 16 << 20

// openEmbedded starts the embedded server with the data in o.DataDir.
func openEmbedded(ctx context.Context, o Options) (_ *embedded, err error) {
	e := &embedded{dir: o.DataDir, log: o.Logger, every: o.SnapshotEvery, base: -1, unlock: func() error { return nil }}
	if err := os.MkdirAll(e.dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded store: data dir: %w", err)
	}
	if !o.ReadOnly {
		if e.unlock, err = lockDir(e.dir); err != nil {
			return nil, fmt.Errorf("embedded store: data dir %s: %w", e.dir, err)
		}
		defer func() {
			if err != nil {
				_ = e.unlock()
			}
		}()
		if err := removeTemps(e.dir); err != nil {
			return nil, fmt.Errorf("embedded store: remove temp files: %w", err)
		}
	}
	if e.srv, e.raw, err = newServer(); err != nil {
		return nil, fmt.Errorf("embedded store: start: %w", err)
	}
	defer func() {
		if err != nil {
			e.raw.Close()
			e.srv.Close()
		}
	}()
	last, fresh, err := e.load(ctx, o.Recover)
	if err != nil {
		return nil, err
	}
	// Scripts run during the replay are forgotten, so that the journal sees
	// each script's body again before its first EVALSHA.
	if err := e.raw.ScriptFlush(ctx).Err(); err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	if o.ReadOnly {
		e.rdb = e.raw
		return e, nil
	}
	e.jr = newJournal(e.srv)
	if err := e.newSegment(last + 1); err != nil {
		return nil, err
	}
	if fresh {
		// The data did not come from the files (an older format, or a
		// recovery that left damaged files behind): write it out now.
		if err := writeSnapshot(ctx, e.raw, e.dir, last); err != nil {
			return nil, fmt.Errorf("embedded store: %w", err)
		}
		e.base = last
		if err := os.Rename(filepath.Join(e.dir, legacyFile), filepath.Join(e.dir, legacyFile+".old")); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("embedded store: %w", err)
		}
	}
	e.rdb = privateClient(e.srv, o.Timeout)
	e.rdb.AddHook(e.jr)
	loopCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	e.stop, e.done = stop, make(chan error, 1)
	go func() { e.done <- e.loop(loopCtx) }()
	return e, nil
}

// load restores the newest good snapshot and the journal after it. It
// returns the last segment number seen, and fresh when the data should be
// written out as a snapshot at once.
func (e *embedded) load(ctx context.Context, recover bool) (last int, fresh bool, err error) {
	snaps, segs, err := files(e.dir)
	if err != nil {
		return 0, false, fmt.Errorf("embedded store: %w", err)
	}
	last = -1
	if len(segs) > 0 {
		last = segs[len(segs)-1]
	}
	if len(snaps) > 0 {
		last = max(last, snaps[len(snaps)-1])
	}
	if len(snaps) == 0 && len(segs) == 0 {
		err := loadLegacy(ctx, e.raw, filepath.Join(e.dir, legacyFile))
		switch {
		case os.IsNotExist(err):
			return -1, false, nil
		case err != nil && !recover:
			return 0, false, e.damaged(&fileError{File: legacyFile, Snapshot: true, Err: err}, "")
		case err != nil:
			e.log.Warn("embedded store: damaged snapshot left out (HERALD_DATA_RECOVER)", "file", legacyFile, "err", err)
			e.srv.FlushAll()
		}
		return 0, true, nil
	}
	for i := len(snaps) - 1; i >= -1; i-- {
		base := -1
		if i >= 0 {
			base = snaps[i]
		} else if len(segs) == 0 || segs[0] != 0 {
			break // the journal before the oldest snapshot is gone
		}
		err := restoreFiles(e.srv, e.dir, base, last)
		if err == nil {
			e.base = base
			return last, fresh, nil
		}
		if !recover || !errors.Is(err, errDamaged) {
			return 0, false, e.damaged(err, e.previous(snaps, i))
		}
		e.log.Warn("embedded store: recovering (HERALD_DATA_RECOVER)", "err", err)
		fresh = true
		if !isSnapshotErr(err) {
			// A damaged journal: keep what came before the damage.
			return last, fresh, nil
		}
		e.srv.FlushAll()
	}
	return 0, false, fmt.Errorf("embedded store: no good snapshot in %s: restore a backup with herald restore", e.dir)
}

func isSnapshotErr(err error) bool {
	var fe *fileError
	return errors.As(err, &fe) && fe.Snapshot
}

// previous names the snapshot before snaps[i], for the advice.
func (e *embedded) previous(snaps []int, i int) string {
	if i <= 0 {
		return ""
	}
	return fmt.Sprintf(snapshotPattern, snaps[i-1])
}

// damaged is the one line herald stops with when a file is damaged.
func (e *embedded) damaged(err error, previous string) error {
	if !errors.Is(err, errDamaged) {
		return fmt.Errorf("embedded store %s: %w", e.dir, err)
	}
	advice := "set HERALD_DATA_RECOVER=1 to keep what comes before the damage"
	switch {
	case isSnapshotErr(err) && previous != "":
		advice = "set HERALD_DATA_RECOVER=1 to start from the previous snapshot " + previous + " and the journal after it"
	case isSnapshotErr(err):
		advice = "set HERALD_DATA_RECOVER=1 to start from the journal alone, if it goes back far enough"
	}
	return fmt.Errorf("embedded store %s: %v; %s, or restore a backup with herald restore", e.dir, err, advice)
}

// newSegment continues the journal in a new segment n.
func (e *embedded) newSegment(n int) error {
	f, err := os.OpenFile(filepath.Join(e.dir, fmt.Sprintf(segmentPattern, n)), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err == nil {
		err = syncDir(e.dir)
	}
	if err == nil {
		err = e.jr.rotate(f, n)
	}
	if err != nil {
		return fmt.Errorf("embedded store: journal: %w", err)
	}
	return nil
}

// expireEvery is how often the embedded store counts keys' time to live
// down: a key lives up to this much longer than asked.
const expireEvery = 10 * time.Second

// loop fsyncs the journal every second and writes a snapshot every e.every
// (sooner when the journal grows large) until ctx ends.
func (e *embedded) loop(ctx context.Context) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastSnap, lastTick := time.Now(), time.Now()
	var compacting chan error
	var failed error
	for {
		select {
		case <-ctx.Done():
			if compacting != nil {
				<-compacting
			}
			return e.jr.sync()
		case err := <-compacting:
			compacting = nil
			if err != nil {
				e.log.Error("embedded store: snapshot failed; the journal keeps the data", "err", err)
			}
		case now := <-tick.C:
			// miniredis counts a key's time to live down only when told,
			// and then looks at every key, holding off every command: so
			// only every expireEvery.
			if now.Sub(lastTick) >= expireEvery {
				e.srv.FastForward(now.Sub(lastTick))
				lastTick = now
			}
			if err := e.jr.sync(); err != nil && failed == nil {
				e.log.Error("embedded store: journal sync failed", "err", err)
				failed = err
			}
			_, size := e.jr.state()
			if compacting != nil || (time.Since(lastSnap) < e.every && size < maxSegment) {
				continue
			}
			lastSnap = time.Now()
			base, upto, err := e.cut()
			if err != nil {
				e.log.Error("embedded store: snapshot postponed", "err", err)
				continue
			}
			if upto <= base {
				continue
			}
			compacting = make(chan error, 1)
			go func() { compacting <- e.snapshot(ctx, base, upto) }()
		}
	}
}

// cut closes the journal segment for the next snapshot, unless it is empty,
// and returns the snapshot to start from and the last segment to replay.
func (e *embedded) cut() (base, upto int, err error) {
	seg, size := e.jr.state()
	upto = seg - 1
	if size > 0 {
		if err := e.newSegment(seg + 1); err != nil {
			return 0, 0, err
		}
		upto = seg
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.base, upto, nil
}

// snapshotNow writes the next snapshot at once.
func (e *embedded) snapshotNow(ctx context.Context) error {
	base, upto, err := e.cut()
	if err != nil || upto <= base {
		return err
	}
	return e.snapshot(ctx, base, upto)
}

// snapshot writes snapshot upto from snapshot base and the segments after it.
func (e *embedded) snapshot(ctx context.Context, base, upto int) error {
	e.compacting.Lock()
	defer e.compacting.Unlock()
	if err := compact(ctx, e.dir, base, upto); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.base = upto
	return nil
}

// close stops the loop, fsyncs and closes the journal, and stops the server.
func (e *embedded) close() error {
	var err error
	if e.stop != nil {
		e.stop()
		err = <-e.done
		err = errors.Join(err, e.jr.rotate(nil, 0))
	}
	_ = e.raw.Close()
	if e.rdb != e.raw {
		_ = e.rdb.Close()
	}
	e.srv.Close()
	return errors.Join(err, e.unlock())
}

// readOnly reports whether the store was opened with Options.ReadOnly.
func (e *embedded) readOnly() bool { return e.jr == nil }
