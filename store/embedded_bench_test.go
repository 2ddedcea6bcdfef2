package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/store"
)

// benchStored is how many shout-outs the embedded store holds in the benchmarks.
const benchStored = 100_000

// fillShoutouts stores n shout-outs among 1,000 people over the ten months
// before November 2026, 16 writers at once.
func fillShoutouts(tb testing.TB, st *store.Store, n int) {
	tb.Helper()
	ctx := context.Background()
	start := time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < n; i += 16 {
				from, to := user("T1", fmt.Sprintf("U%d", i%1000)), user("T1", fmt.Sprintf("U%d", (i*7+1)%1000))
				at := start.AddDate(0, i*10/n, 0)
				if err := st.AddShoutout(ctx, shoutout(from, to, at, "teamwork"), nil); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// BenchmarkEmbeddedShoutoutLatency measures one shout-out stored in the
// embedded store that holds 100,000, while it writes a snapshot every second:
// the journal on every write, the fsync and the compaction included. It
// reports the p99 and the slowest.
//
//	go test -run '^$' -bench EmbeddedShoutoutLatency -benchtime 20000x ./store/
func BenchmarkEmbeddedShoutoutLatency(b *testing.B) {
	dir := b.TempDir()
	st := MustOpen(b, store.Options{DataDir: dir, SnapshotEvery: time.Nanosecond})
	fillShoutouts(b, st, benchStored)
	ctx := context.Background()
	at := time.Date(2026, 11, 4, 9, 0, 0, 0, time.UTC)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		sh := shoutout(user("T1", fmt.Sprintf("U%d", i%1000)), user("T1", "UANNA"), at, "teamwork")
		start := time.Now()
		if err := st.AddShoutout(ctx, sh, nil); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		if i%20 == 0 {
			time.Sleep(time.Millisecond) // a steady stream, so that snapshots happen meanwhile
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
	snaps, _, err := store.Files(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(snaps)), "snapshots-kept")
}

// BenchmarkEmbeddedStart measures opening the embedded store that holds
// 100,000 shout-outs in its snapshot and 5,000 more in the journal after it
// (a busy five minutes between two snapshots).
//
//	go test -run '^$' -bench EmbeddedStart -benchtime 5x ./store/
func BenchmarkEmbeddedStart(b *testing.B) {
	dir := b.TempDir()
	st, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	fillShoutouts(b, st, benchStored)
	if err := st.SnapshotNow(context.Background()); err != nil {
		b.Fatal(err)
	}
	fillShoutouts(b, st, benchStored/20)
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		st, err := store.Open(context.Background(), store.Options{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
}
