package bot_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/chart"
)

// mustRound starts a pulse (`def`, to=#team) for n people and returns them.
func mustRound(b *testing.B, h *harness, n int, def string) []bot.Ref {
	b.Helper()
	members := make([]bot.Ref, n)
	for i := range members {
		members[i] = user("U" + strconv.Itoa(100000+i))
	}
	h.dir.Set(team, members...)
	if got := h.run(h.owner, def+" to=#team", team).Text.String(); !strings.Contains(got, "P1") {
		b.Fatalf("start pulse: %s", got)
	}
	h.out.Reset()
	return members
}

// mustSegmentedRound starts a pulse (`def`) for n people in channels #s0, #s1, …
// of the given sizes and returns them.
func mustSegmentedRound(b *testing.B, h *harness, def string, sizes ...int) []bot.Ref {
	b.Helper()
	var members []bot.Ref
	var refs []bot.Ref
	to := " to="
	for s, size := range sizes {
		ch := channel("CS"+strconv.Itoa(s), "s"+strconv.Itoa(s))
		var in []bot.Ref
		for range size {
			in = append(in, user("U"+strconv.Itoa(100000+len(members)+len(in))))
		}
		h.dir.Set(ch, in...)
		members = append(members, in...)
		refs = append(refs, ch)
		to += "#s" + strconv.Itoa(s) + " "
	}
	if got := h.run(h.owner, def+to, refs...).Text.String(); !strings.Contains(got, "P1") {
		b.Fatalf("start pulse: %s", got)
	}
	h.out.Reset()
	return members
}

// answerAll has every member answer every question of P1.1 with values from
// value(i, q), from workers goroutines.
func answerAll(b *testing.B, h *harness, members []bot.Ref, questions, workers int, value func(i, q int) int) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(members); i = int(next.Add(1) - 1) {
				for q := 1; q <= questions; q++ {
					h.bot.AnswerPulse(context.Background(), bot.Request{User: members[i]}, "P1.1", q, strconv.Itoa(value(i, q)))
				}
			}
		}()
	}
	wg.Wait()
}

// mustRespondents fails unless the results count want respondents.
func mustRespondents(b *testing.B, h *harness, want, invited int) {
	b.Helper()
	got := h.run(h.owner, "pulse results P1").Text.String()
	if rate := h.t("pulse.res.rate", want, invited, want*100/invited); !strings.Contains(got, rate) {
		b.Fatalf("got %q, want %q", got, rate)
	}
}

// BenchmarkAnswer records answers through the core (button press → Handle →
// Lua script in Redis), 64 at a time; each is checked to count once.
func BenchmarkAnswer(b *testing.B) {
	h := MustHarness(b, func(c *bot.Config) { c.Outbox = discard{} })
	members := mustRound(b, h, b.N, `pulse new "Recommend us?" type=nps`)
	var next atomic.Int64
	b.SetParallelism(8) // 8 × GOMAXPROCS clients, as concurrent HTTP requests would be
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1) - 1)
			m := h.bot.Handle(context.Background(), bot.Request{User: members[i],
				Action: &bot.Action{Name: bot.ActionPulseAnswer, Value: "P1.1|1|" + strconv.Itoa(i%11)}})
			if !m.Replace {
				b.Errorf("answer %d: %s", i, m.Text.String())
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
	mustRespondents(b, h, b.N, b.N)
}

// BenchmarkAnswerMemory reports the Redis memory a round of 100,000 answers
// takes: invitees, respondents and answers together, per answer.
func BenchmarkAnswerMemory(b *testing.B) {
	for _, tt := range []struct {
		name      string
		def       string
		questions int
	}{
		{name: "nps", def: `pulse new "Recommend us?" type=nps`, questions: 1},
		{name: "canwant", def: "pulse template canwant", questions: 2},
	} {
		b.Run(tt.name, func(b *testing.B) {
			const n = 100_000
			for b.Loop() {
				h := MustHarness(b, func(c *bot.Config) { c.Outbox = discard{} })
				before := usedMemory(b, h)
				members := mustRound(b, h, n, tt.def)
				answerAll(b, h, members, tt.questions, 64, func(i, q int) int { return 1 + (i*7+q)%5 })
				mustRespondents(b, h, n, n)
				after := usedMemory(b, h)
				keys := h.roundMemory(b)
				b.ReportMetric(float64(keys)/float64(n*tt.questions), "keyB/answer")
				b.ReportMetric(float64(after-before)/float64(n*tt.questions), "usedB/answer")
			}
		})
	}
}

// BenchmarkResults computes the results of a round of 100,000 answers, with
// and without drawing the chart, and with five audiences of which two are
// too small to show apart (suppression merges them).
func BenchmarkResults(b *testing.B) {
	for _, tt := range []struct {
		name   string
		charts bot.Charter
		def    string
		qs     int
		sizes  []int // audience sizes; nil: one audience
	}{
		{name: "nps", def: `pulse new "Recommend us?" type=nps`, qs: 1},
		{name: "canwant", def: "pulse template canwant", qs: 2},
		{name: "nps+chart", charts: chart.Drawer{}, def: `pulse new "Recommend us?" type=nps`, qs: 1},
		{name: "nps/5 audiences", def: `pulse new "Recommend us?" type=nps`, qs: 1, sizes: []int{50_000, 30_000, 19_994, 4, 2}},
		{name: "canwant/5 audiences", def: "pulse template canwant", qs: 2, sizes: []int{50_000, 30_000, 19_994, 4, 2}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			const n = 100_000
			h := MustHarness(b, func(c *bot.Config) { c.Outbox = discard{}; c.Charts = tt.charts })
			var members []bot.Ref
			if tt.sizes == nil {
				members = mustRound(b, h, n, tt.def)
			} else {
				members = mustSegmentedRound(b, h, tt.def, tt.sizes...)
			}
			answerAll(b, h, members, tt.qs, 64, func(i, q int) int { return 1 + (i*7+q)%5 })
			mustRespondents(b, h, n, n)
			// An anonymous round shows its figures once it is closed.
			if m := h.run(h.owner, "pulse close P1"); !strings.Contains(m.Header+m.Text.String(), "P1.1") {
				b.Fatalf("close: %s", m.Text.String())
			}
			for b.Loop() {
				m := h.run(h.owner, "pulse results P1")
				if len(m.Fields) == 0 {
					b.Fatalf("no results: %s", m.Text.String())
				}
			}
		})
	}
}

// usedMemory returns Redis's used_memory.
func usedMemory(b *testing.B, h *harness) int64 {
	b.Helper()
	info, err := h.rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatalf("info: %v", err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatal("info: no used_memory")
	return 0
}

// roundMemory sums MEMORY USAGE of every key of round P1.1.
func (h *harness) roundMemory(b *testing.B) int64 {
	b.Helper()
	ctx := context.Background()
	var sum int64
	iter := h.rdb.Scan(ctx, 0, h.prefix+"*pulse:P1:r1*", 1000).Iterator()
	for iter.Next(ctx) {
		n, err := h.rdb.MemoryUsage(ctx, iter.Val(), 0).Result()
		if err != nil {
			b.Fatalf("memory usage %s: %v", iter.Val(), err)
		}
		sum += n
	}
	return sum
}

// discard is an Outbox that drops messages, so benchmarks measure herald.
type discard struct{}

func (discard) Post(context.Context, ...bot.Message) error { return nil }
