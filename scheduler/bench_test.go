package scheduler_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/scheduler"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// Figures of the issue: 10,000 recipients against a platform that takes R = 200
// messages per second, done within 1.1 × 10,000 / R seconds, none lost or doubled.
const (
	benchRecipients = 10000
	benchRate       = 200
)

// BenchmarkFanout10k fans a message out to 10,000 people through three replicas.
//
//	go test -run '^$' -bench Fanout -benchtime 1x ./scheduler/
func BenchmarkFanout10k(b *testing.B) {
	for range b.N {
		fanout(b, false)
	}
}

// BenchmarkFanout10kKillOne does the same and kills one of the three replicas halfway.
func BenchmarkFanout10kKillOne(b *testing.B) {
	for range b.N {
		fanout(b, true)
	}
}

func fanout(b *testing.B, kill bool) {
	b.StopTimer()
	rdb, prefix := storetest.MustRedis(b)
	p := &bottest.Platform{Rate: benchRate, PerTarget: time.Second}
	rep := &reports{}
	msgs := make([]bot.Message, benchRecipients)
	for i := range msgs {
		msgs[i] = dm(i)
	}
	pace := scheduler.Pace{PerTarget: time.Second, PerSpace: time.Second / benchRate}
	queue := func(name string) *scheduler.Queue {
		return scheduler.NewQueue(scheduler.QueueConfig{
			Logger: quiet, Redis: rdb, Prefix: prefix, Messenger: bot.Messengers{bot.Slack: p},
			Report: rep.report, Pace: map[bot.Platform]scheduler.Pace{bot.Slack: pace},
			Consumer: name, ClaimIdle: 3 * time.Second,
		})
	}
	b.StartTimer()
	began := time.Now()
	if err := queue("poster").Post(context.Background(), msgs...); err != nil {
		b.Fatalf("post: %v", err)
	}
	var stops []func()
	for _, name := range []string{"w1", "w2", "w3"} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		q := queue(name)
		go func() { defer close(done); _ = q.Run(ctx) }()
		stops = append(stops, func() { cancel(); <-done })
	}
	killed := false
	budget := time.Duration(1.1 * benchRecipients / benchRate * float64(time.Second))
	for rep.len() < benchRecipients && time.Since(began) < 3*budget {
		if kill && !killed && p.Total() >= benchRecipients/2 {
			stops[0]()
			killed = true
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(began)
	b.StopTimer()
	for i, stop := range stops {
		if i > 0 || !killed {
			stop()
		}
	}
	got := p.Got()
	lost, dup := benchRecipients-len(got), 0
	for _, n := range got {
		dup += n - 1
	}
	b.ReportMetric(elapsed.Seconds(), "s/fanout")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(dup), "duplicated")
	b.ReportMetric(float64(p.Throttled()), "429s")
	b.Logf("%d recipients in %s (budget %s), lost %d, duplicated %d, 429s %d, killed a replica: %v",
		benchRecipients, elapsed.Round(time.Millisecond), budget, lost, dup, p.Throttled(), killed)
	if lost != 0 || dup != 0 {
		b.Errorf("got %d lost and %d duplicated, want 0 and 0", lost, dup)
	}
}

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
	b, err := bot.New(bot.Config{Shoutouts: st, KeyMessages: st, Outbox: &bottest.Messenger{}, Schedules: scheduler.Parser{},
		Directory: &bottest.Directory{}, Lang: "en", Logger: quiet})
	if err != nil {
		tb.Fatalf("bot: %v", err)
	}
	return b
}
