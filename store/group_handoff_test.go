package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// gate holds every transaction written to Redis until the test lets it go.
type gate struct {
	started chan int // the number of keys in each held write
	release chan struct{}
}

func (g *gate) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (g *gate) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (g *gate) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) == 0 || cmds[0].Name() != "multi" {
			return next(ctx, cmds) // a new connection's handshake
		}
		g.started <- len(cmds) - 2 // without MULTI and EXEC
		<-g.release
		return next(ctx, cmds)
	}
}

func gated(t *testing.T) (*store.GroupCommit, *gate, func(key string) int64, string) {
	t.Helper()
	rdb, prefix := storetest.MustRedis(t)
	if _, ok := rdb.(*redis.ClusterClient); ok {
		prefix += "{g}" // one slot for every key of the test
	}
	g := &gate{started: make(chan int, 16), release: make(chan struct{})}
	rdb.AddHook(g)
	exists := func(key string) int64 {
		n, err := rdb.Exists(context.Background(), prefix+key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return store.NewGroupCommitFor(rdb), g, exists, prefix
}

// A caller waits for the write under way and its own, never for batches of
// callers who came after it: whoever writes a batch hands the next one to
// the first caller still waiting.
func TestGroupCommitHandsOnTheNextBatch(t *testing.T) {
	g, gate, exists, prefix := gated(t)
	ctx := context.Background()
	set := func(key string) func(redis.Pipeliner) {
		return func(p redis.Pipeliner) { p.Set(ctx, prefix+key, 1, time.Hour) }
	}
	done := map[string]chan error{"a": make(chan error, 1), "b": make(chan error, 1), "c": make(chan error, 1)}
	go func() { done["a"] <- g.Do(ctx, "", set("a")) }()
	if n := <-gate.started; n != 1 {
		t.Fatalf("first write carries %d transactions, want a's alone", n)
	}
	go func() { done["b"] <- g.Do(ctx, "", set("b")) }()
	go func() { done["c"] <- g.Do(ctx, "", set("c")) }()
	bottest.Eventually(t, 10*time.Second, func() bool { return g.Waiting() == 2 })

	gate.release <- struct{}{}
	if n := <-gate.started; n != 2 {
		t.Fatalf("second write carries %d transactions, want b's and c's", n)
	}
	// The second write is held, and a has its answer already.
	select {
	case err := <-done["a"]:
		if err != nil {
			t.Fatalf("a: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a still waits while b and c are written: it wrote their batch too")
	}
	gate.release <- struct{}{}
	for _, k := range []string{"b", "c"} {
		if err := <-done[k]; err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	for _, k := range []string{"a", "b", "c"} {
		if exists(k) != 1 {
			t.Errorf("%s was not written", k)
		}
	}
}

// A caller that gives up while it waits is not written, and whoever waits
// behind it still is.
func TestGroupCommitCallerGivesUp(t *testing.T) {
	g, gate, exists, prefix := gated(t)
	ctx := context.Background()
	set := func(key string) func(redis.Pipeliner) {
		return func(p redis.Pipeliner) { p.Set(ctx, prefix+key, 1, time.Hour) }
	}
	a, b, c := make(chan error, 1), make(chan error, 1), make(chan error, 1)
	go func() { a <- g.Do(ctx, "", set("a")) }()
	<-gate.started
	bctx, cancel := context.WithCancel(ctx)
	go func() { b <- g.Do(bctx, "", set("b")) }()
	bottest.Eventually(t, 10*time.Second, func() bool { return g.Waiting() == 1 })
	go func() { c <- g.Do(ctx, "", set("c")) }()
	bottest.Eventually(t, 10*time.Second, func() bool { return g.Waiting() == 2 })
	cancel()
	if err := <-b; !errors.Is(err, context.Canceled) {
		t.Fatalf("b: got %v, want context.Canceled", err)
	}
	gate.release <- struct{}{}
	if n := <-gate.started; n != 1 {
		t.Fatalf("second write carries %d transactions, want c's alone", n)
	}
	gate.release <- struct{}{}
	if err := <-a; err != nil {
		t.Fatal(err)
	}
	if err := <-c; err != nil {
		t.Fatal(err)
	}
	if exists("a") != 1 || exists("b") != 0 || exists("c") != 1 {
		t.Errorf("got a=%d b=%d c=%d, want a and c written, b not", exists("a"), exists("b"), exists("c"))
	}
}

// Many callers at once, some giving up at random moments: every caller that
// did not give up is written once, and no one is left waiting.
func TestGroupCommitUnderLoad(t *testing.T) {
	rdb, prefix := storetest.MustRedis(t)
	if _, ok := rdb.(*redis.ClusterClient); ok {
		prefix += "{g}"
	}
	g := store.NewGroupCommitFor(rdb)
	ctx := context.Background()
	const callers = 2000
	var wg sync.WaitGroup
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			cctx := ctx
			if i%7 == 0 {
				var cancel context.CancelFunc
				cctx, cancel = context.WithTimeout(ctx, time.Duration(rand.IntN(300))*time.Microsecond)
				defer cancel()
			}
			errs[i] = g.Do(cctx, "", func(p redis.Pipeliner) { p.Incr(ctx, fmt.Sprintf("%sn%d", prefix, i)) })
		})
	}
	wg.Wait()
	for i, err := range errs {
		n, gerr := rdb.Get(ctx, fmt.Sprintf("%sn%d", prefix, i)).Int()
		if errors.Is(gerr, redis.Nil) {
			n, gerr = 0, nil
		}
		if gerr != nil {
			t.Fatal(gerr)
		}
		switch {
		case err == nil && n != 1:
			t.Errorf("caller %d: written %d times, want once", i, n)
		case err != nil && !errors.Is(err, context.DeadlineExceeded):
			t.Errorf("caller %d: %v", i, err)
		case err != nil && n > 1:
			t.Errorf("caller %d gave up and was written %d times", i, n)
		}
	}
}
