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

// BenchmarkFanout sends 2,000 DMs through three replicas to a platform whose
// workspace ceiling (not told to the outbox) is 200 or 50 messages per
// second, each call taking 20ms; it reports the time, 429s and doubles. The
// platform's Retry-After is the exact wait, or whole seconds like Slack's.
//
//	go test -run '^$' -bench Fanout -benchtime 1x ./outbox/
func BenchmarkFanout(b *testing.B) {
	for _, bb := range []struct {
		name  string
		rate  float64
		whole bool
	}{{"200/s", 200, false}, {"50/s", 50, false}, {"200/s-whole-seconds", 200, true}} {
		b.Run(bb.name, func(b *testing.B) {
			for range b.N {
				fanout(b, 2000, bb.rate, bb.whole)
			}
		})
	}
}

func fanout(b *testing.B, n int, rate float64, wholeSeconds bool) {
	b.StopTimer()
	rdb, prefix := storetest.MustRedis(b)
	p := &bottest.Platform{Rate: rate, PerTarget: time.Second, Latency: 20 * time.Millisecond, WholeSeconds: wholeSeconds}
	rep := &reports{}
	msgs := make([]bot.Message, n)
	for i := range msgs {
		msgs[i] = dm(i)
	}
	queue := func(name string) *outbox.Outbox {
		return outbox.New(outbox.Config{
			Logger: quiet, Redis: rdb, Prefix: prefix, Messenger: bot.Messengers{bot.Slack: p},
			Outcomes: rep, Consumer: name,
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
	for rep.len() < n && time.Since(began) < 2*time.Minute {
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(began)
	b.StopTimer()
	for _, stop := range stops {
		stop()
	}
	got := p.Got()
	lost, dup := n-len(got), 0
	for _, c := range got {
		dup += c - 1
	}
	calls := p.Total() + p.Throttled()
	b.ReportMetric(elapsed.Seconds(), "s/fanout")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(dup), "doubled")
	b.ReportMetric(100*float64(p.Throttled())/float64(calls), "%429")
	b.Logf("%d DMs at a %v/s ceiling in %s, lost %d, doubled %d, 429s %d of %d calls",
		n, rate, elapsed.Round(time.Millisecond), lost, dup, p.Throttled(), calls)
}
