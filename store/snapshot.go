package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"
	"github.com/redis/go-redis/v9"
)

// Files of the embedded store in its data directory (see the package doc).
const (
	snapshotPattern = "snapshot-%06d.aof" // all data after journal segments ≤ N
	segmentPattern  = "journal-%06d.log"  // write commands after snapshot N-1
	tempPrefix      = ".snapshot-"        // a snapshot being written
	legacyFile      = "herald-snapshot.json"
	keepSnapshots   = 3
)

// files lists the snapshot and journal segment numbers in dir, ascending.
func files(dir string) (snaps, segs []int, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range ents {
		var n int
		if _, err := fmt.Sscanf(e.Name(), snapshotPattern, &n); err == nil && e.Name() == fmt.Sprintf(snapshotPattern, n) {
			snaps = append(snaps, n)
		}
		if _, err := fmt.Sscanf(e.Name(), segmentPattern, &n); err == nil && e.Name() == fmt.Sprintf(segmentPattern, n) {
			segs = append(segs, n)
		}
	}
	slices.Sort(snaps)
	slices.Sort(segs)
	return snaps, segs, nil
}

// removeTemps deletes snapshots a crash left half written.
func removeTemps(dir string) error {
	temps, err := filepath.Glob(filepath.Join(dir, tempPrefix+"*"))
	if err != nil {
		return err
	}
	for _, t := range temps {
		if err := os.Remove(t); err != nil {
			return err
		}
	}
	return nil
}

// A snapshot is written like a journal segment: records of the commands that
// recreate each key, and last a record holding endCommand and the number of
// keys, so that a snapshot cut short is told from a whole one.
const endCommand = "HERALD.END"

// loadSnapshot loads the snapshot at path into srv, a server of newServer's,
// straight through its dispatcher.
func loadSnapshot(srv *miniredis.Miniredis, path string) error {
	peer := server.NewPeer(bufio.NewWriter(io.Discard))
	keys, end := 0, -1
	torn, err := readSegment(path, func(r journalRecord) error {
		if len(r.Cmds) == 1 && r.Cmds[0][0] == endCommand {
			end, _ = strconv.Atoi(r.Cmds[0][1])
			return nil
		}
		for _, args := range r.Cmds {
			srv.Server().Dispatch(peer, args)
			peer.Flush()
		}
		keys++
		return nil
	})
	switch {
	case err != nil:
		return err
	case torn || end < 0:
		return fmt.Errorf("%w: cut short after %d keys", errDamaged, keys)
	case end != keys:
		return fmt.Errorf("%w: %d keys, the end says %d", errDamaged, keys, end)
	}
	return nil
}

// writeSnapshot writes the data of rdb (a server nobody else writes to) as
// snapshot n in dir: a temp file, fsynced, renamed.
func writeSnapshot(ctx context.Context, rdb redis.UniversalClient, dir string, n int) error {
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<16)
	var buf []byte
	keys, err := eachRecord(ctx, rdb, "", func(r record) error {
		cmds, err := restoreCommands(r, "")
		if err != nil {
			return err
		}
		buf = encodeRecord(buf[:0], time.Time{}, toAnys(cmds))
		_, err = w.Write(buf)
		return err
	})
	if err == nil {
		_, err = w.Write(encodeRecord(buf[:0], time.Time{}, [][]any{{endCommand, keys}}))
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, fmt.Sprintf(snapshotPattern, n)))
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("snapshot %d: %w", n, err)
	}
	return nil
}

func toAnys(cmds [][]string) [][]any {
	out := make([][]any, len(cmds))
	for i, c := range cmds {
		out[i] = toAny(c)
	}
	return out
}

// syncDir makes renames and new files in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// replay applies the records of a journal segment to srv, a server of
// newServer's, straight through its dispatcher: no connection, no parsing.
// Errors the commands answer were answered the first time too; replay stops
// at the first damaged record.
func replay(srv *miniredis.Miniredis, path string) error {
	peer := server.NewPeer(bufio.NewWriter(io.Discard))
	_, err := readSegment(path, func(r journalRecord) error {
		srv.Server().Dispatch(peer, []string{clockCommand, strconv.FormatInt(r.At.UnixNano(), 10)})
		for _, args := range r.Cmds {
			srv.Server().Dispatch(peer, args)
			peer.Flush()
		}
		return nil
	})
	return err
}

// clockCommand sets the server's clock during a replay.
const clockCommand = "HERALD.CLOCK"

// newServer returns an embedded server that no other process can reach (no
// listener at all) and a client of it without a journal.
func newServer() (*miniredis.Miniredis, *redis.Client, error) {
	srv := miniredis.NewMiniRedis()
	conn, err := srv.Dial() // starts it, without a listener
	if err != nil {
		return nil, nil, err
	}
	conn.Close()
	err = srv.Server().Register(clockCommand, func(c *server.Peer, _ string, args []string) {
		ns, err := strconv.ParseInt(strings.Join(args, ""), 10, 64)
		if err != nil {
			c.WriteError("ERR bad time")
			return
		}
		srv.SetTime(time.Unix(0, ns).UTC())
		c.WriteOK()
	})
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return srv, privateClient(srv, -1), nil
}

// privateClient is a client of srv, unreachable from other processes;
// timeout -1 waits as long as it takes (loading and compacting).
func privateClient(srv *miniredis.Miniredis, timeout time.Duration) *redis.Client {
	return redis.NewClient(&redis.Options{
		Dialer:       func(context.Context, string, string) (net.Conn, error) { return dialPrivate(srv) },
		ReadTimeout:  timeout,
		WriteTimeout: timeout,
		Protocol:     2,
	})
}

// restoreFiles loads snapshot base (if base ≥ 0) and replays the segments
// after it, up to last, into srv.
func restoreFiles(srv *miniredis.Miniredis, dir string, base, last int) error {
	if base >= 0 {
		name := fmt.Sprintf(snapshotPattern, base)
		if err := loadSnapshot(srv, filepath.Join(dir, name)); err != nil {
			return &fileError{File: name, Snapshot: true, Err: err}
		}
	}
	for n := base + 1; n <= last; n++ {
		name := fmt.Sprintf(segmentPattern, n)
		err := replay(srv, filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%w: missing", errDamaged)
		}
		if err != nil {
			return &fileError{File: name, Err: err}
		}
	}
	return nil
}

// fileError is a failure to read a file of the data directory.
type fileError struct {
	File     string
	Snapshot bool // a snapshot, else a journal segment
	Err      error
}

func (e *fileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *fileError) Unwrap() error { return e.Err }

// compact writes snapshot upto from snapshot base and the segments up to
// upto, on a server of its own, so that the store's server never waits for it.
func compact(ctx context.Context, dir string, base, upto int) error {
	srv, rdb, err := newServer()
	if err != nil {
		return err
	}
	defer srv.Close()
	defer rdb.Close()
	if err := restoreFiles(srv, dir, base, upto); err != nil {
		return err
	}
	if err := writeSnapshot(ctx, rdb, dir, upto); err != nil {
		return err
	}
	return prune(dir)
}

// prune keeps the newest keepSnapshots snapshots and the segments after the
// oldest of them, so that any kept snapshot can still be brought up to date.
func prune(dir string) error {
	snaps, segs, err := files(dir)
	if err != nil || len(snaps) <= keepSnapshots {
		return err
	}
	oldest := snaps[len(snaps)-keepSnapshots]
	var errs []error
	for _, n := range snaps[:len(snaps)-keepSnapshots] {
		errs = append(errs, os.Remove(filepath.Join(dir, fmt.Sprintf(snapshotPattern, n))))
	}
	for _, n := range segs {
		if n <= oldest {
			errs = append(errs, os.Remove(filepath.Join(dir, fmt.Sprintf(segmentPattern, n))))
		}
	}
	return errors.Join(errs...)
}

// legacyEntry is one key of the snapshot format of herald before the journal.
type legacyEntry struct {
	K   string   `json:"k"`
	T   string   `json:"t"`
	TTL int64    `json:"ttl"`
	V   []string `json:"v"`
	G   []string `json:"g"`
}

// loadLegacy loads the single snapshot file older versions wrote into rdb.
func loadLegacy(ctx context.Context, rdb redis.UniversalClient, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var entries []legacyEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("%w: %v", errDamaged, err)
	}
	l := newLoader(rdb, "")
	for _, e := range entries {
		r := record{Key: e.K, Type: e.T, TTL: max(e.TTL, 0), Value: e.V}
		if e.T == "stream" {
			r.Value = nil
			for i := 0; i+1 < len(e.V); i += 2 {
				var fields []string
				_ = json.Unmarshal([]byte(e.V[i+1]), &fields) // {} for no fields
				r.Entries = append(r.Entries, streamEntry{ID: e.V[i], Fields: fields})
			}
			for i := 0; i+2 < len(e.G); i += 3 {
				from := e.G[i+1]
				if e.G[i+2] == "1" {
					from = beforeID(from)
				}
				r.Groups = append(r.Groups, streamGroup{Name: e.G[i], From: from})
			}
		}
		if err := l.add(ctx, r); err != nil {
			return err
		}
	}
	return l.flush(ctx)
}
