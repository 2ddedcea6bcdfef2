package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Embedded is an in-process Redis-protocol server (miniredis) that keeps its
// data in a snapshot file, so that herald runs on a fresh machine with no Redis.
// The very same Store code runs against it.
type Embedded struct {
	srv  *miniredis.Miniredis
	rdb  *redis.Client
	file string
	log  *slog.Logger
}

// snapshotFile is the name of the snapshot in the data directory.
const snapshotFile = "herald-snapshot.json"

// StartEmbedded starts the embedded server on a loopback port and restores the
// snapshot in dir, if there is one.
func StartEmbedded(ctx context.Context, dir string, log *slog.Logger) (*Embedded, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("embedded store: data dir: %w", err)
	}
	srv := miniredis.NewMiniRedis()
	if err := srv.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded store: start: %w", err)
	}
	e := &Embedded{
		srv:  srv,
		rdb:  redis.NewClient(&redis.Options{Addr: srv.Addr()}),
		file: filepath.Join(dir, snapshotFile),
		log:  log,
	}
	if err := e.restore(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Client returns a client connected to the embedded server.
func (e *Embedded) Client() *redis.Client { return e.rdb }

// File is where the snapshot lives.
func (e *Embedded) File() string { return e.file }

// Run writes a snapshot every interval until ctx ends, then one last time.
func (e *Embedded) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return e.Snapshot(context.WithoutCancel(ctx))
		case <-t.C:
			if err := e.Snapshot(ctx); err != nil {
				e.log.Error("embedded store snapshot failed", "file", e.file, "err", err)
			}
		}
	}
}

// Close stops the server. Call Snapshot (or let Run end) first to keep the data.
func (e *Embedded) Close() {
	_ = e.rdb.Close()
	e.srv.Close()
}

// dumpScript reads every key in one atomic step, so that a snapshot never holds
// half of a transaction.
const dumpScript = `
local out = {}
for _, k in ipairs(redis.call('KEYS', '*')) do
  local t = redis.call('TYPE', k)['ok']
  local e = {k = k, t = t, ttl = redis.call('PTTL', k)}
  if t == 'string' then e.v = {redis.call('GET', k)}
  elseif t == 'hash' then e.v = redis.call('HGETALL', k)
  elseif t == 'set' then e.v = redis.call('SMEMBERS', k)
  elseif t == 'zset' then e.v = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
  elseif t == 'list' then e.v = redis.call('LRANGE', k, 0, -1)
  elseif t == 'stream' then
    e.v = {}
    for _, entry in ipairs(redis.call('XRANGE', k, '-', '+')) do
      table.insert(e.v, entry[1])
      table.insert(e.v, cjson.encode(entry[2]))
    end
    e.g = {}
    for _, g in ipairs(redis.call('XINFO', 'GROUPS', k)) do
      local info = {}
      for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
      local first = redis.call('XPENDING', k, info['name'])[2]
      local from = info['last-delivered-id']
      if first then from = first end
      table.insert(e.g, info['name'])
      table.insert(e.g, from)
      table.insert(e.g, first and '1' or '0')
    end
  end
  table.insert(out, cjson.encode(e))
end
return out
`

// entry is one key of a snapshot. For streams, V alternates entry id and the
// entry's fields as JSON, and G holds triples: group name, id, and "1" when the
// id is the first pending entry (delivered again after a restore) or "0" when it
// is the group's last delivered id.
type entry struct {
	K   string   `json:"k"`
	T   string   `json:"t"`
	TTL int64    `json:"ttl"`
	V   []string `json:"v"`
	G   []string `json:"g,omitempty"`
}

// Snapshot writes all data to the snapshot file: a temp file, then a rename.
func (e *Embedded) Snapshot(ctx context.Context) error {
	rows, err := e.rdb.Eval(ctx, dumpScript, nil).StringSlice()
	if err != nil {
		return fmt.Errorf("snapshot: read: %w", err)
	}
	entries := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		entries[i] = json.RawMessage(fixEmptyArrays(r))
	}
	data, err := json.Marshal(entries)
	if err != nil {
		return fmt.Errorf("snapshot: encode: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(e.file), ".snapshot-*")
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("snapshot: write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("snapshot: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("snapshot: close: %w", err)
	}
	if err := os.Rename(tmp.Name(), e.file); err != nil {
		return fmt.Errorf("snapshot: rename: %w", err)
	}
	return nil
}

// fixEmptyArrays turns the {} that Lua's cjson writes for an empty table into [].
func fixEmptyArrays(s string) string {
	s = strings.ReplaceAll(s, `"v":{}`, `"v":[]`)
	return strings.ReplaceAll(s, `"g":{}`, `"g":[]`)
}

// restore loads the snapshot file, if any, into the empty server.
func (e *Embedded) restore(ctx context.Context) error {
	data, err := os.ReadFile(e.file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("embedded store: restore: %w", err)
	}
	var entries []entry
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("embedded store: restore %s: %w", e.file, err)
	}
	_, err = e.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, en := range entries {
			if err := restoreEntry(ctx, p, en); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded store: restore %s: %w", e.file, err)
	}
	return nil
}

func restoreEntry(ctx context.Context, p redis.Pipeliner, en entry) error {
	switch en.T {
	case "string":
		if len(en.V) == 1 {
			p.Set(ctx, en.K, en.V[0], 0)
		}
	case "hash":
		p.HSet(ctx, en.K, toAny(en.V)...)
	case "set":
		p.SAdd(ctx, en.K, toAny(en.V)...)
	case "list":
		p.RPush(ctx, en.K, toAny(en.V)...)
	case "zset":
		for i := 0; i+1 < len(en.V); i += 2 {
			score, err := strconv.ParseFloat(en.V[i+1], 64)
			if err != nil {
				return fmt.Errorf("key %s: score %q: %w", en.K, en.V[i+1], err)
			}
			p.ZAdd(ctx, en.K, redis.Z{Score: score, Member: en.V[i]})
		}
	case "stream":
		return restoreStream(ctx, p, en)
	default:
		return fmt.Errorf("key %s: unknown type %q", en.K, en.T)
	}
	if en.TTL > 0 {
		p.PExpire(ctx, en.K, time.Duration(en.TTL)*time.Millisecond)
	}
	return nil
}

func restoreStream(ctx context.Context, p redis.Pipeliner, en entry) error {
	for i := 0; i+1 < len(en.V); i += 2 {
		var fields []string
		if err := json.Unmarshal([]byte(en.V[i+1]), &fields); err != nil && en.V[i+1] != "{}" {
			return fmt.Errorf("stream %s entry %s: %w", en.K, en.V[i], err)
		}
		p.XAdd(ctx, &redis.XAddArgs{Stream: en.K, ID: en.V[i], Values: fields})
	}
	for i := 0; i+2 < len(en.G); i += 3 {
		from := en.G[i+1]
		if en.G[i+2] == "1" {
			from = beforeID(from) // pending entries are delivered again
		}
		p.XGroupCreateMkStream(ctx, en.K, en.G[i], from)
	}
	return nil
}

// beforeID returns the stream id just before id.
func beforeID(id string) string {
	ms, seq, _ := strings.Cut(id, "-")
	n, _ := strconv.ParseUint(seq, 10, 64)
	if n > 0 {
		return ms + "-" + strconv.FormatUint(n-1, 10)
	}
	m, _ := strconv.ParseUint(ms, 10, 64)
	if m == 0 {
		return "0-0"
	}
	return strconv.FormatUint(m-1, 10) + "-18446744073709551615"
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
