package store

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
)

// The dump format holds keys with their type, value and time to live, one JSON
// object a line, so that it moves between the embedded store and any Redis
// server or cluster: a header line, one line per key, and an end line with the
// number of keys (a file without it was cut short). Backups and the embedded
// store's snapshots both use it.
const dumpFormat = "herald-dump"

// dumpHeader is the first line of a dump.
type dumpHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Prefix is the prefix the keys were found under; keys in the file
	// are stored without it.
	Prefix  string `json:"prefix"`
	Created string `json:"created"`
}

// record is one key of a dump.
type record struct {
	Key  string `json:"key"`
	Type string `json:"type"`          // string, hash, list, set, zset or stream
	TTL  int64  `json:"ttl,omitempty"` // milliseconds left; 0: none
	// Base64 says that the key, values and stream fields are base64, because
	// some of them are not UTF-8 text.
	Base64 bool `json:"base64,omitempty"`
	// Value is [value] of a string, field, value… of a hash, the items of a
	// list or set, member, score… of a sorted set.
	Value   []string      `json:"value,omitempty"`
	Entries []streamEntry `json:"entries,omitempty"`
	Groups  []streamGroup `json:"groups,omitempty"`
	End     *int          `json:"end,omitempty"` // set on the end line only: keys in the file
}

// streamEntry is one entry of a stream.
type streamEntry struct {
	ID     string   `json:"id"`
	Fields []string `json:"fields"` // field, value…
}

// streamGroup is a consumer group of a stream. Entries delivered but not yet
// acknowledged are delivered again after a restore: the group starts just
// before the first of them.
type streamGroup struct {
	Name string `json:"name"`
	From string `json:"from"`
}

// dumpBatch is how many keys are read, or commands written, in one round trip.
const dumpBatch = 256

// dumpTo writes every key under prefix to w in the dump format and returns how
// many it wrote. The keys are read in batches, not in one atomic step.
func dumpTo(ctx context.Context, rdb redis.UniversalClient, prefix string, w io.Writer, now time.Time) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(dumpHeader{Format: dumpFormat, Version: 1, Prefix: prefix, Created: now.UTC().Format(time.RFC3339)}); err != nil {
		return 0, err
	}
	n, err := eachRecord(ctx, rdb, prefix, func(r record) error {
		r.Key = strings.TrimPrefix(r.Key, prefix)
		return enc.Encode(r.encoded())
	})
	if err != nil {
		return n, err
	}
	if err := enc.Encode(record{End: &n}); err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// eachRecord calls fn with every key under prefix, in key order, and returns
// how many there were.
func eachRecord(ctx context.Context, rdb redis.UniversalClient, prefix string, fn func(record) error) (int, error) {
	keys, err := scanKeys(ctx, rdb, prefix)
	if err != nil {
		return 0, err
	}
	slices.Sort(keys)
	n := 0
	for start := 0; start < len(keys); start += dumpBatch {
		recs, err := readRecords(ctx, rdb, keys[start:min(start+dumpBatch, len(keys))])
		if err != nil {
			return n, err
		}
		for _, r := range recs {
			if err := fn(r); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// scanKeys returns every key under prefix, from every master of a cluster.
func scanKeys(ctx context.Context, rdb redis.UniversalClient, prefix string) ([]string, error) {
	match := globEscape(prefix) + "*"
	var keys []string
	scan := func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, match, 1000).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		return iter.Err()
	}
	var err error
	if cc, ok := rdb.(*redis.ClusterClient); ok {
		var mu sync.Mutex // ForEachMaster runs the masters at once
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			return scan(ctx, c)
		})
	} else {
		err = scan(ctx, rdb)
	}
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return keys, nil
}

// globEscape escapes the characters SCAN MATCH treats as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// readRecords reads the type, time to live and value of keys; keys gone
// meanwhile are left out.
func readRecords(ctx context.Context, rdb redis.UniversalClient, keys []string) ([]record, error) {
	types := make([]*redis.StatusCmd, len(keys))
	ttls := make([]*redis.DurationCmd, len(keys))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			types[i] = p.Type(ctx, k)
			ttls[i] = p.PTTL(ctx, k)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read key types: %w", err)
	}
	recs := make([]record, 0, len(keys))
	reads := make([]func() error, 0, len(keys))
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			t := types[i].Val()
			if t == "none" {
				continue
			}
			recs = append(recs, record{Key: k, Type: t, TTL: max(ttls[i].Val().Milliseconds(), 0)})
			r := &recs[len(recs)-1]
			read, err := queueRead(ctx, p, r)
			if err != nil {
				return err
			}
			reads = append(reads, read)
		}
		return nil
	}); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read keys: %w", err)
	}
	for _, read := range reads {
		if err := read(); err != nil {
			return nil, err
		}
	}
	recs = slices.DeleteFunc(recs, func(r record) bool { return r.Type == "none" })
	return streamGroups(ctx, rdb, recs)
}

// queueRead queues the read of r's value on p and returns what fills r in.
func queueRead(ctx context.Context, p redis.Pipeliner, r *record) (func() error, error) {
	switch r.Type {
	case "string":
		c := p.Get(ctx, r.Key)
		return func() error {
			if errors.Is(c.Err(), redis.Nil) {
				r.Type = "none" // expired meanwhile
				return nil
			}
			r.Value = []string{c.Val()}
			return c.Err()
		}, nil
	case "hash":
		c := p.HGetAll(ctx, r.Key)
		return func() error {
			for _, f := range slices.Sorted(maps.Keys(c.Val())) {
				r.Value = append(r.Value, f, c.Val()[f])
			}
			return c.Err()
		}, nil
	case "list":
		c := p.LRange(ctx, r.Key, 0, -1)
		return func() error { r.Value = c.Val(); return c.Err() }, nil
	case "set":
		c := p.SMembers(ctx, r.Key)
		return func() error { r.Value = c.Val(); slices.Sort(r.Value); return c.Err() }, nil
	case "zset":
		c := p.ZRangeWithScores(ctx, r.Key, 0, -1)
		return func() error {
			for _, z := range c.Val() {
				r.Value = append(r.Value, z.Member.(string), strconv.FormatFloat(z.Score, 'g', -1, 64))
			}
			return c.Err()
		}, nil
	case "stream":
		c := p.XRange(ctx, r.Key, "-", "+")
		return func() error {
			for _, m := range c.Val() {
				e := streamEntry{ID: m.ID}
				for _, f := range slices.Sorted(maps.Keys(m.Values)) {
					e.Fields = append(e.Fields, f, fmt.Sprint(m.Values[f]))
				}
				r.Entries = append(r.Entries, e)
			}
			return c.Err()
		}, nil
	default:
		return nil, fmt.Errorf("key %s: type %s is not one herald writes", r.Key, r.Type)
	}
}

// streamGroups fills in the consumer groups of the streams among recs.
func streamGroups(ctx context.Context, rdb redis.UniversalClient, recs []record) ([]record, error) {
	for i := range recs {
		r := &recs[i]
		if r.Type != "stream" {
			continue
		}
		groups, err := rdb.XInfoGroups(ctx, r.Key).Result()
		if err != nil {
			return nil, fmt.Errorf("stream %s: groups: %w", r.Key, err)
		}
		for _, g := range groups {
			from := g.LastDeliveredID
			if g.Pending > 0 {
				p, err := rdb.XPending(ctx, r.Key, g.Name).Result()
				if err != nil {
					return nil, fmt.Errorf("stream %s group %s: pending: %w", r.Key, g.Name, err)
				}
				from = beforeID(p.Lower)
			}
			r.Groups = append(r.Groups, streamGroup{Name: g.Name, From: from})
		}
	}
	return recs, nil
}

// encoded returns r with its strings in base64 when some are not UTF-8.
func (r record) encoded() record {
	texts := []string{r.Key}
	texts = append(texts, r.Value...)
	for _, e := range r.Entries {
		texts = append(texts, e.Fields...)
	}
	if !slices.ContainsFunc(texts, func(s string) bool { return !utf8.ValidString(s) }) {
		return r
	}
	r.Base64 = true
	return r.mapStrings(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) })
}

// decoded undoes encoded.
func (r record) decoded() (record, error) {
	if !r.Base64 {
		return r, nil
	}
	var err error
	r.Base64 = false
	r = r.mapStrings(func(s string) string {
		b, e := base64.StdEncoding.DecodeString(s)
		err = errors.Join(err, e)
		return string(b)
	})
	return r, err
}

// mapStrings returns r with f applied to its key, values and stream fields.
func (r record) mapStrings(f func(string) string) record {
	each := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = f(s)
		}
		return out
	}
	r.Key = f(r.Key)
	r.Value = each(r.Value)
	entries := make([]streamEntry, len(r.Entries))
	for i, e := range r.Entries {
		entries[i] = streamEntry{ID: e.ID, Fields: each(e.Fields)}
	}
	r.Entries = entries
	return r
}

// readDump reads a dump from r, calling fn for each key, and returns its
// header. It fails on a file that is not a dump or was cut short.
func readDump(r io.Reader, fn func(record) error) (dumpHeader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var h dumpHeader
	line, err := br.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return h, err
	}
	if json.Unmarshal(line, &h) != nil || h.Format != dumpFormat {
		return h, fmt.Errorf("%w: not a herald dump (no %q header line)", errDamaged, dumpFormat)
	}
	if h.Version != 1 {
		return h, fmt.Errorf("dump version %d: this herald reads version 1", h.Version)
	}
	for n := 0; ; n++ {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return h, fmt.Errorf("%w: cut short after %d keys (no end line)", errDamaged, n)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return h, err
		}
		var rec record
		if err := json.Unmarshal(line, &rec); err != nil {
			return h, fmt.Errorf("%w: line %d: %v", errDamaged, n+2, err)
		}
		if rec.End != nil {
			if *rec.End != n {
				return h, fmt.Errorf("%w: the end line says %d keys, found %d", errDamaged, *rec.End, n)
			}
			return h, nil
		}
		if rec, err = rec.decoded(); err != nil {
			return h, fmt.Errorf("%w: line %d: %v", errDamaged, n+2, err)
		}
		if err := fn(rec); err != nil {
			return h, err
		}
	}
}

// loader writes records to Redis in pipelined batches.
type loader struct {
	rdb    redis.UniversalClient
	prefix string
	pipe   redis.Pipeliner
	n      int // keys written
}

func newLoader(rdb redis.UniversalClient, prefix string) *loader {
	return &loader{rdb: rdb, prefix: prefix, pipe: rdb.Pipeline()}
}

// add queues the commands that recreate rec under the loader's prefix.
func (l *loader) add(ctx context.Context, rec record) error {
	cmds, err := restoreCommands(rec, l.prefix)
	if err != nil {
		return err
	}
	for _, c := range cmds {
		l.pipe.Do(ctx, toAny(c)...)
	}
	l.n++
	if l.pipe.Len() >= dumpBatch {
		return l.flush(ctx)
	}
	return nil
}

// restoreCommands returns the commands that recreate rec under prefix.
func restoreCommands(rec record, prefix string) ([][]string, error) {
	k := prefix + rec.Key
	cmds := [][]string{{"DEL", k}}
	chunks := func(name string, vals []string, size int) {
		for c := range slices.Chunk(vals, size) {
			cmds = append(cmds, append([]string{name, k}, c...))
		}
	}
	switch rec.Type {
	case "string":
		if len(rec.Value) != 1 {
			return nil, fmt.Errorf("key %s: a string needs one value, got %d", rec.Key, len(rec.Value))
		}
		cmds = append(cmds, []string{"SET", k, rec.Value[0]})
	case "hash":
		chunks("HSET", rec.Value, 2*dumpBatch)
	case "list":
		chunks("RPUSH", rec.Value, dumpBatch)
	case "set":
		chunks("SADD", rec.Value, dumpBatch)
	case "zset":
		zs := make([]string, 0, len(rec.Value))
		for i := 0; i+1 < len(rec.Value); i += 2 {
			if _, err := strconv.ParseFloat(rec.Value[i+1], 64); err != nil {
				return nil, fmt.Errorf("key %s: score %q: %w", rec.Key, rec.Value[i+1], err)
			}
			zs = append(zs, rec.Value[i+1], rec.Value[i])
		}
		chunks("ZADD", zs, 2*dumpBatch)
	case "stream":
		for _, e := range rec.Entries {
			cmds = append(cmds, append([]string{"XADD", k, e.ID}, e.Fields...))
		}
		for _, g := range rec.Groups {
			cmds = append(cmds, []string{"XGROUP", "CREATE", k, g.Name, g.From, "MKSTREAM"})
		}
	default:
		return nil, fmt.Errorf("key %s: unknown type %q", rec.Key, rec.Type)
	}
	if rec.TTL > 0 {
		cmds = append(cmds, []string{"PEXPIRE", k, strconv.FormatInt(rec.TTL, 10)})
	}
	return cmds, nil
}

// flush writes the queued commands.
func (l *loader) flush(ctx context.Context) error {
	cmds, err := l.pipe.Exec(ctx)
	if err != nil {
		for _, c := range cmds {
			if c.Err() != nil {
				return fmt.Errorf("write %v: %w", c.Args()[:min(2, len(c.Args()))], c.Err())
			}
		}
		return fmt.Errorf("write keys: %w", err)
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

func toAny[T any](ss []T) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
