package scheduler_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/scheduler"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// BenchmarkLoad10kSchedules loads 10,000 active key messages into a scheduler.
//
//	go test -run '^$' -bench Load10k -benchtime 1x ./scheduler/
func BenchmarkLoad10kSchedules(b *testing.B) {
	st := storetest.MustStore(b)
	ctx := context.Background()
	specs := []string{"every weekday at 9:00 Europe/Berlin", "0 9 * * 1-5", "every 2 weeks on friday at 15:00",
		"every month on the first monday at 9:00 America/New_York", "*/15 * * * *"}
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10000 {
		k := &bot.KeyMessage{Space: fmt.Sprintf("slack:T%03d", i%100), Schedule: specs[i%len(specs)], Zone: "UTC",
			Targets: []bot.Ref{{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: "T1", ID: "C1"}},
			Text:    bot.Plain("Remember the rollout"), Created: created, Since: created}
		if err := st.AddKeyMessage(ctx, k); err != nil {
			b.Fatalf("add: %v", err)
		}
	}
	core := mustBot(b, st)
	b.ResetTimer()
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		began := time.Now()
		s := scheduler.New(scheduler.Config{Logger: quiet, Redis: st.Client(), Prefix: st.Prefix(), Core: core,
			Clock: bottest.NewClock(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))})
		if err := s.Start(ctx); err != nil {
			b.Fatalf("start: %v", err)
		}
		elapsed := time.Since(began)
		runtime.GC()
		runtime.ReadMemStats(&after)
		if s.Len() != 10000 {
			b.Fatalf("got %d schedules, want 10000", s.Len())
		}
		heldMB := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		b.ReportMetric(elapsed.Seconds(), "s/load")
		b.ReportMetric(heldMB, "MB-held")
		b.Logf("10000 schedules loaded in %s, holding %.1f MB", elapsed.Round(time.Millisecond), heldMB)
		runtime.KeepAlive(s)
	}
}

func mustBot(tb testing.TB, st *store.Store) *bot.Bot {
	tb.Helper()
	b, err := bot.New(bot.Config{Shoutouts: st, KeyMessages: st, Outbox: &bottest.Messenger{}, Schedules: schedule.Parser{},
		Directory: &bottest.Directory{}, Lang: "en", Logger: quiet})
	if err != nil {
		tb.Fatalf("bot: %v", err)
	}
	return b
}
