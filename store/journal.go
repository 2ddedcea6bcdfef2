package store

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// journal is the embedded store's append-only log: a go-redis hook on the
// store's client that appends every write command the server applied (a
// committed MULTI/EXEC as one record, a script call with its script) to the
// current segment file before the caller gets its answer. The file is written
// at once and fsynced every second by the store's loop, so a killed process
// loses nothing acknowledged and a power cut at most the last second.
//
// Writes are applied and appended one at a time, so the journal holds them in
// the order the server applied them, and before each the server's clock is set
// to the time the record carries: a replay then gives the same stream ids,
// script TIME and expiry times.
type journal struct {
	srv *miniredis.Miniredis

	mu      sync.Mutex
	f       *os.File
	seg     int   // number of the segment f is
	size    int64 // bytes in f
	synced  bool  // f holds nothing unsynced
	err     error // a failed append: writes are refused from then on
	last    time.Time
	scripts map[string]string // sha1 → body of every script seen
	inFile  map[string]bool   // scripts whose body is in f
	buf     []byte
}

func newJournal(srv *miniredis.Miniredis) *journal {
	return &journal{srv: srv, synced: true, scripts: map[string]string{}, inFile: map[string]bool{}}
}

var _ redis.Hook = (*journal)(nil)

// DialHook is go-redis's dial hook; the journal has nothing to do there.
func (j *journal) DialHook(next redis.DialHook) redis.DialHook {
	return next
}

// ProcessHook journals a single write command.
func (j *journal) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		name := cmd.Name()
		switch {
		case !j.writes(cmd):
			return next(ctx, cmd)
		case name == "xreadgroup":
			// It may block: it runs outside the lock and is journaled
			// afterwards as the read it turned out to be.
			j.mu.Lock()
			j.tick()
			j.mu.Unlock()
			err := next(ctx, cmd)
			if rec, ok := readGroupRecord(cmd); ok {
				j.mu.Lock()
				defer j.mu.Unlock()
				return journaled(err, j.append(j.last, [][]any{rec}))
			}
			return err
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.err != nil {
			cmd.SetErr(j.err)
			return j.err
		}
		now := j.tick()
		err := next(ctx, cmd)
		if !applied(cmd) {
			return err
		}
		return journaled(err, j.append(now, j.withScripts([]redis.Cmder{cmd})))
	}
}

// ProcessPipelineHook journals the write commands of a pipeline, and a
// committed transaction as one record.
func (j *journal) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		var writes []redis.Cmder
		tx := len(cmds) > 1 && cmds[0].Name() == "multi"
		for _, c := range cmds {
			if tx || j.writes(c) {
				writes = append(writes, c)
			}
		}
		if len(writes) == 0 {
			return next(ctx, cmds)
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.err != nil {
			for _, c := range cmds {
				c.SetErr(j.err)
			}
			return j.err
		}
		now := j.tick()
		err := next(ctx, cmds)
		if tx {
			if !txApplied(err) {
				return err
			}
		} else {
			writes = slices.DeleteFunc(writes, func(c redis.Cmder) bool { return !applied(c) })
		}
		if len(writes) == 0 {
			return err
		}
		return journaled(err, j.append(now, j.withScripts(writes)))
	}
}

// journaled returns the error of a journaled call: the journal's, if it could
// not keep the write (the caller must not take it as done), else the call's
// own, unwrapped (callers compare it with redis.Nil).
func journaled(callErr, journalErr error) error {
	if journalErr != nil {
		return journalErr
	}
	return callErr
}

// tick sets the server's clock to now (never backwards) and returns it.
func (j *journal) tick() time.Time {
	now := time.Now().UTC()
	if now.Before(j.last) {
		now = j.last
	}
	j.last = now
	j.srv.SetTime(now)
	return now
}

// unjournaled are commands that change no data.
var unjournaled = map[string]bool{
	"auth": true, "client": true, "cluster": true, "command": true, "echo": true, "hello": true,
	"info": true, "memory": true, "object": true, "ping": true, "quit": true, "select": true,
	"time": true, "wait": true, "watch": true, "unwatch": true, "discard": true, "xinfo": true,
	"publish": true, "pubsub": true, "subscribe": true, "unsubscribe": true, "psubscribe": true, "punsubscribe": true,
}

// writes reports whether cmd may change data.
func (j *journal) writes(cmd redis.Cmder) bool {
	name := cmd.Name()
	if name == "script" {
		sub := strings.ToLower(fmt.Sprint(cmd.Args()[1:2]...))
		return sub == "load" || sub == "flush"
	}
	return !unjournaled[name] && !j.srv.IsReadOnlyCommand(strings.ToUpper(name))
}

// applied reports whether the server ran cmd: it answered, even with an
// error, which a replay gives again (a script may have written before it
// failed). A command without an answer (a lost connection) is not journaled:
// its caller got an error, not an acknowledgement.
func applied(cmd redis.Cmder) bool {
	err := cmd.Err()
	if err == nil {
		return true
	}
	var re redis.Error
	return errors.As(err, &re) && !strings.HasPrefix(err.Error(), "NOSCRIPT")
}

// txApplied reports whether a MULTI/EXEC ran, from the pipeline's error.
func txApplied(err error) bool {
	if err == nil {
		return true
	}
	var re redis.Error
	return errors.As(err, &re) && !errors.Is(err, redis.TxFailedErr) && !strings.HasPrefix(err.Error(), "EXECABORT")
}

// withScripts returns the commands of cmds, each as its arguments, preceded
// by a SCRIPT LOAD of any script an EVALSHA runs whose body is not yet in the
// segment, and learns the scripts that EVAL and SCRIPT LOAD carry.
func (j *journal) withScripts(cmds []redis.Cmder) [][]any {
	out := make([][]any, 0, len(cmds))
	for _, c := range cmds {
		args := c.Args()
		switch c.Name() {
		case "eval", "script":
			body := fmt.Sprint(args[len(args)-1])
			if c.Name() == "eval" {
				body = fmt.Sprint(args[1])
			} else if !strings.EqualFold(fmt.Sprint(args[1]), "load") {
				break
			}
			sum := sha1.Sum([]byte(body))
			sha := hex.EncodeToString(sum[:])
			j.scripts[sha] = body
			j.inFile[sha] = true
		case "evalsha":
			sha := strings.ToLower(fmt.Sprint(args[1]))
			if body, ok := j.scripts[sha]; ok && !j.inFile[sha] {
				out = append(out, []any{"script", "load", body})
				j.inFile[sha] = true
			}
		}
		out = append(out, args)
	}
	return out
}

// append writes one record to the segment. Called with mu held.
func (j *journal) append(at time.Time, cmds [][]any) error {
	if j.err != nil {
		return j.err
	}
	if j.f == nil {
		return errors.New("embedded store: closed")
	}
	j.buf = encodeRecord(j.buf[:0], at, cmds)
	n, err := j.f.Write(j.buf)
	j.size += int64(n)
	j.synced = false
	if err != nil {
		j.err = fmt.Errorf("embedded store: journal %s: %w", j.f.Name(), err)
		return j.err
	}
	return nil
}

// sync fsyncs the segment if it holds unsynced records.
func (j *journal) sync() error {
	j.mu.Lock()
	f, synced := j.f, j.synced
	j.synced = true
	j.mu.Unlock()
	if synced || f == nil {
		return nil
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("journal: sync %s: %w", f.Name(), err)
	}
	return nil
}

// rotate continues the journal in f, segment seg, and then syncs and closes
// the segment before, outside the lock: writers never wait for that fsync.
// Only the store's loop (and close, after it) calls rotate and sync.
func (j *journal) rotate(f *os.File, seg int) error {
	j.mu.Lock()
	old := j.f
	j.f, j.seg, j.size, j.synced = f, seg, 0, true
	clear(j.inFile)
	j.mu.Unlock()
	if old == nil {
		return nil
	}
	if err := errors.Join(old.Sync(), old.Close()); err != nil {
		return fmt.Errorf("journal: close segment: %w", err)
	}
	return nil
}

// state returns the current segment's number and size.
func (j *journal) state() (seg int, size int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seg, j.size
}

// readGroupRecord returns the XREADGROUP that reads what cmd read, without
// blocking, or false when it read nothing (and so changed nothing).
func readGroupRecord(cmd redis.Cmder) ([]any, bool) {
	c, ok := cmd.(*redis.XStreamSliceCmd)
	if !ok || c.Err() != nil {
		return nil, false
	}
	count := 0
	for _, s := range c.Val() {
		count = max(count, len(s.Messages))
	}
	if count == 0 {
		return nil, false
	}
	args := cmd.Args() // xreadgroup group GROUP CONSUMER [count N] [block MS] [noack] streams …
	if len(args) < 4 {
		return nil, false
	}
	out := append(make([]any, 0, len(args)+2), args[:4]...)
	for i := 4; i < len(args); i++ {
		switch strings.ToLower(fmt.Sprint(args[i])) {
		case "block", "count":
			i++ // and its value
			continue
		case "streams":
			out = append(out, "count", count)
			return append(out, args[i:]...), true
		}
		out = append(out, args[i])
	}
	return nil, false
}
