package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/store"
)

// MustOpen opens a store and closes it when tb ends.
func MustOpen(tb testing.TB, o store.Options) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), o)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

// queueScript is how the delivery queue posts: a stream id made by the server.
var queueScript = redis.NewScript(`
if redis.call('SET', KEYS[1], 'queued', 'NX', 'EX', ARGV[2]) == false then return 0 end
return redis.call('XADD', KEYS[2], '*', 'm', ARGV[1])`)

// fill writes every kind of data herald keeps, under prefix p, the ways
// herald writes it: commands, pipelines, transactions and scripts.
func fill(tb testing.TB, r redis.UniversalClient, p string) {
	tb.Helper()
	ctx := context.Background()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(r.Set(ctx, p+"s", "héllo \"quoted\" {}", 0).Err())
	must(r.Set(ctx, p+"bin", "\xff\x00\xfe", 0).Err())
	must(r.Set(ctx, p+"ttl", "v", time.Hour).Err())
	must(r.HSet(ctx, p+"h", "a", "1", "b", `{"v":{}}`).Err())
	must(r.HIncrBy(ctx, p+"h", "a", 41).Err())
	must(r.SAdd(ctx, p+"set", "x", "y").Err())
	must(r.ZAdd(ctx, p+"z", redis.Z{Score: 1763802000123, Member: "m1"}, redis.Z{Score: 2.5, Member: "m2"}).Err())
	_, err := r.TxPipelined(ctx, func(tx redis.Pipeliner) error {
		tx.RPush(ctx, p+"l", "1", "2", "3")
		tx.ZIncrBy(ctx, p+"z", 1, "m2")
		return nil
	})
	must(err)
	_, err = r.Pipelined(ctx, func(pl redis.Pipeliner) error {
		pl.LPush(ctx, p+"l", "0")
		pl.Get(ctx, p+"s")
		return nil
	})
	must(err)
	for i := range 3 {
		must(queueScript.Run(ctx, r, []string{p + "idem:" + string(rune('a'+i)), p + "q"}, string(rune('a'+i)), 3600).Err())
	}
	must(r.XGroupCreate(ctx, p+"q", "workers", "0").Err())
	// One entry delivered and acknowledged, one delivered and pending, one never read.
	got, err := r.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "c1", Streams: []string{p + "q", ">"}, Count: 2, Block: 10 * time.Millisecond}).Result()
	must(err)
	must(r.XAck(ctx, p+"q", "workers", got[0].Messages[0].ID).Err())
	must(r.XDel(ctx, p+"q", got[0].Messages[0].ID).Err())
	must(r.Set(ctx, p+"gone", "x", 0).Err())
	must(r.Del(ctx, p+"gone").Err())
}

// check fails tb unless r holds what fill wrote. A pending stream entry may
// come back pending or as new, but is delivered again either way.
func check(tb testing.TB, r redis.UniversalClient, p string) {
	tb.Helper()
	ctx := context.Background()
	if v := r.Get(ctx, p+"s").Val(); v != "héllo \"quoted\" {}" {
		tb.Errorf("string: got %q", v)
	}
	if v := r.Get(ctx, p+"bin").Val(); v != "\xff\x00\xfe" {
		tb.Errorf("binary string: got %q", v)
	}
	if ttl := r.TTL(ctx, p+"ttl").Val(); ttl <= 0 || ttl > time.Hour {
		tb.Errorf("ttl: got %v, want (0, 1h]", ttl)
	}
	if h := r.HGetAll(ctx, p+"h").Val(); !maps.Equal(h, map[string]string{"a": "42", "b": `{"v":{}}`}) {
		tb.Errorf("hash: got %v", h)
	}
	if s := r.SMembers(ctx, p+"set").Val(); len(s) != 2 {
		tb.Errorf("set: got %v", s)
	}
	want := []redis.Z{{Score: 3.5, Member: "m2"}, {Score: 1763802000123, Member: "m1"}}
	if z := r.ZRangeWithScores(ctx, p+"z", 0, -1).Val(); !slices.Equal(z, want) {
		tb.Errorf("zset: got %v, want %v", z, want)
	}
	if l := r.LRange(ctx, p+"l", 0, -1).Val(); !slices.Equal(l, []string{"0", "1", "2", "3"}) {
		tb.Errorf("list: got %v", l)
	}
	if n := r.Exists(ctx, p+"gone").Val(); n != 0 {
		tb.Errorf("deleted key is back")
	}
	if n := r.XLen(ctx, p+"q").Val(); n != 2 {
		tb.Errorf("stream length: got %d, want 2", n)
	}
	var n int64 // one key at a time: in a Redis Cluster they lie in different slots
	for _, k := range []string{"idem:a", "idem:b", "idem:c"} {
		n += r.Exists(ctx, p+k).Val()
	}
	if n != 3 {
		tb.Errorf("script keys: got %d, want 3", n)
	}
	var ns []string
	pending, err := r.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: p + "q", Group: "workers", Start: "-", End: "+", Count: 10}).Result()
	if err != nil {
		tb.Fatalf("pending: %v", err)
	}
	for _, pe := range pending {
		msgs := r.XRange(ctx, p+"q", pe.ID, pe.ID).Val()
		for _, m := range msgs {
			ns = append(ns, m.Values["m"].(string))
		}
	}
	again, err := r.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "c2", Streams: []string{p + "q", ">"}, Count: 10, Block: -1}).Result()
	if err != nil && err != redis.Nil {
		tb.Fatalf("read again: %v", err)
	}
	for _, s := range again {
		for _, m := range s.Messages {
			ns = append(ns, m.Values["m"].(string))
		}
	}
	if slices.Sort(ns); !slices.Equal(ns, []string{"b", "c"}) {
		tb.Errorf("to deliver: got %v, want [b c]", ns)
	}
}

func TestEmbeddedKeepsWhatWasWritten(t *testing.T) {
	tests := []struct {
		name string
		give func(tb testing.TB, st *store.Store)
	}{
		{"from the journal", func(tb testing.TB, st *store.Store) {
			fill(tb, st.Client(), "herald:")
		}},
		{"from a snapshot", func(tb testing.TB, st *store.Store) {
			fill(tb, st.Client(), "herald:")
			if err := st.SnapshotNow(context.Background()); err != nil {
				tb.Fatal(err)
			}
		}},
		{"from a snapshot and the journal after it", func(tb testing.TB, st *store.Store) {
			fill(tb, st.Client(), "a:")
			if err := st.SnapshotNow(context.Background()); err != nil {
				tb.Fatal(err)
			}
			fill(tb, st.Client(), "herald:")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := store.Open(context.Background(), store.Options{DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			tt.give(t, st)
			if err := st.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			for round := range 2 { // and once more, after a start that wrote nothing
				st := MustOpen(t, store.Options{DataDir: dir})
				check(t, st.Client(), "herald:")
				if err := st.Close(); err != nil {
					t.Fatalf("close %d: %v", round, err)
				}
			}
		})
	}
}

// A key's time to live counts down in the embedded store as in Redis: a
// consent claim or a replay record expires.
func TestEmbeddedKeysExpire(t *testing.T) {
	t.Parallel() // it waits for the store's expiry sweep, every ten seconds
	st := MustOpen(t, store.Options{DataDir: t.TempDir()})
	ctx := context.Background()
	if ok, err := st.ClaimFile(ctx, "f1", time.Second); err != nil || !ok {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	if !bottest.Eventually(t, time.Minute, func() bool {
		ok, err := st.ClaimFile(ctx, "f1", time.Hour)
		return err == nil && ok
	}) {
		t.Error("a key with a one-second time to live was still there after a minute")
	}
}
