package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/outbox"
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
//	go test -run '^$' -bench Fanout -benchtime 1x ./outbox/
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
	pace := outbox.Pace{PerTarget: time.Second, PerSpace: time.Second / benchRate}
	queue := func(name string) *outbox.Outbox {
		return outbox.New(outbox.Config{
			Logger: quiet, Redis: rdb, Prefix: prefix, Messenger: bot.Messengers{bot.Slack: p},
			Outcomes: rep, Pace: map[bot.Platform]outbox.Pace{bot.Slack: pace},
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
