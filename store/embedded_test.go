package store_test

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/store"
)

func TestEmbeddedSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	e, err := store.StartEmbedded(ctx, dir, log)
	if err != nil {
		t.Fatal(err)
	}
	r := e.Client()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Set(ctx, "s", "héllo \"quoted\" {}", 0).Err())
	must(r.Set(ctx, "ttl", "v", time.Hour).Err())
	must(r.HSet(ctx, "h", "a", "1", "b", `{"v":{}}`).Err())
	must(r.SAdd(ctx, "set", "x", "y").Err())
	must(r.ZAdd(ctx, "z", redis.Z{Score: 1763802000123, Member: "m1"}, redis.Z{Score: 2.5, Member: "m2"}).Err())
	must(r.RPush(ctx, "l", "1", "2", "3").Err())
	for i := range 3 {
		must(r.XAdd(ctx, &redis.XAddArgs{Stream: "q", ID: "", Values: []string{"n", string(rune('a' + i)), "body", "{}"}}).Err())
	}
	must(r.XGroupCreate(ctx, "q", "workers", "0").Err())
	// One entry delivered and acknowledged, one delivered and pending, one never read.
	got, err := r.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "c1", Streams: []string{"q", ">"}, Count: 2}).Result()
	must(err)
	must(r.XAck(ctx, "q", "workers", got[0].Messages[0].ID).Err())
	must(e.Snapshot(ctx))
	e.Close()

	e2, err := store.StartEmbedded(ctx, dir, log)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	r2 := e2.Client()
	if v := r2.Get(ctx, "s").Val(); v != "héllo \"quoted\" {}" {
		t.Errorf("string: got %q", v)
	}
	if ttl := r2.TTL(ctx, "ttl").Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("ttl: got %v, want (0, 1h]", ttl)
	}
	if h := r2.HGetAll(ctx, "h").Val(); !maps.Equal(h, map[string]string{"a": "1", "b": `{"v":{}}`}) {
		t.Errorf("hash: got %v", h)
	}
	if s := r2.SMembers(ctx, "set").Val(); len(s) != 2 {
		t.Errorf("set: got %v", s)
	}
	if z := r2.ZRangeWithScores(ctx, "z", 0, -1).Val(); len(z) != 2 || z[1].Score != 1763802000123 {
		t.Errorf("zset: got %v", z)
	}
	if l := r2.LRange(ctx, "l", 0, -1).Val(); !slices.Equal(l, []string{"1", "2", "3"}) {
		t.Errorf("list: got %v", l)
	}
	if n := r2.XLen(ctx, "q").Val(); n != 3 {
		t.Errorf("stream length: got %d, want 3", n)
	}
	// The pending entry and the unread one are delivered again; the acknowledged one is not.
	again, err := r2.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "c2", Streams: []string{"q", ">"}, Count: 10}).Result()
	if err != nil {
		t.Fatalf("read after restore: %v", err)
	}
	var ns []string
	for _, m := range again[0].Messages {
		ns = append(ns, m.Values["n"].(string))
	}
	if !slices.Equal(ns, []string{"b", "c"}) {
		t.Errorf("redelivered: got %v, want [b c]", ns)
	}
}

func TestEmbeddedRunSnapshotsOnStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	e, err := store.StartEmbedded(ctx, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- e.Run(ctx, time.Hour) }()
	if err := e.Client().Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	e.Close()
	e2, err := store.StartEmbedded(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if v := e2.Client().Get(context.Background(), "k").Val(); v != "v" {
		t.Errorf("got %q, want v", v)
	}
}
