package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/outbox"
	"github.com/herald-chat/herald/store/storetest"
)

// quiet is a logger for tests that expect warnings.
var quiet = slog.New(slog.DiscardHandler)

var (
	t0      = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	channel = bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: "T1", ID: "C1"}
)

// dm returns a direct message to user n of a fake workspace.
func dm(n int) bot.Message {
	to := bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: fmt.Sprintf("U%05d", n)}
	return bot.Message{To: to, Text: bot.Plain("hello"), DeliveryID: "test|" + to.Key()}
}

// post returns message n to the channel.
func post(n int) bot.Message {
	return bot.Message{To: channel, Text: bot.Plain("x"), DeliveryID: fmt.Sprint("ch|", n)}
}

// reports records the outcomes the outbox reported, by delivery id.
type reports struct {
	mu  sync.Mutex
	got map[string][]string
}

func (r *reports) Delivered(_ context.Context, m bot.Message, err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got == nil {
		r.got = map[string][]string{}
	}
	r.got[m.DeliveryID] = append(r.got[m.DeliveryID], bot.ErrorCode(err))
	return nil
}

func (r *reports) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// rig is several replicas' outboxes on one Redis and one fake clock,
// delivering to one fake platform.
type rig struct {
	rdb      redis.UniversalClient
	prefix   string
	clock    *bottest.Clock
	platform *bottest.Platform
	reports  *reports
	pace     outbox.Pace
}

func newRig(t *testing.T, p *bottest.Platform, pace outbox.Pace) *rig {
	rdb, prefix := storetest.MustRedis(t)
	clock := bottest.NewClock(t0)
	p.Clock = clock
	return &rig{rdb: rdb, prefix: prefix, clock: clock, platform: p, reports: &reports{}, pace: pace}
}

func (r *rig) replica(name string, workers int, ms bot.Messenger) *outbox.Outbox {
	if ms == nil {
		ms = r.platform
	}
	return outbox.New(outbox.Config{
		Logger: quiet, Redis: r.rdb, Prefix: r.prefix, Clock: r.clock, Messenger: bot.Messengers{bot.Slack: ms},
		Outcomes: r.reports, Pace: map[bot.Platform]outbox.Pace{bot.Slack: r.pace},
		Workers: workers, Consumer: name, Backoff: time.Second, Attempts: 4,
	})
}

// steps runs Step on every replica, moving the clock to the next moment one
// of them named, until done or until limit of fake time passed. It returns
// the fake time it took.
func (r *rig) steps(t *testing.T, limit time.Duration, done func() bool, replicas ...*outbox.Outbox) time.Duration {
	t.Helper()
	ctx := context.Background()
	start := r.clock.Now()
	for !done() {
		now := r.clock.Now()
		if now.Sub(start) > limit {
			t.Fatalf("not done after %s of fake time", limit)
		}
		next := now.Add(time.Hour)
		for _, q := range replicas {
			if w := q.Step(ctx); w.Before(next) {
				next = w
			}
		}
		if done() {
			break
		}
		if next.Before(now.Add(time.Millisecond)) {
			next = now.Add(time.Millisecond)
		}
		r.clock.Set(next)
	}
	return r.clock.Now().Sub(start)
}

func mustPost(t *testing.T, q *outbox.Outbox, msgs ...bot.Message) {
	t.Helper()
	if err := q.Post(context.Background(), msgs...); err != nil {
		t.Fatalf("post: %v", err)
	}
}

func TestABusyChannelHoldsNoOneElseBack(t *testing.T) {
	r := newRig(t, &bottest.Platform{PerTarget: time.Second}, outbox.Pace{Start: 10, Max: 100, PerTarget: time.Second})
	q := r.replica("w1", 4, nil)
	for i := range 60 {
		mustPost(t, q, post(i))
	}
	mustPost(t, q, dm(1))
	q.Step(context.Background())
	if got := r.platform.Got()[dm(1).To.Key()]; got != 1 {
		t.Errorf("DM behind 60 channel posts: got %d delivered at once, want 1", got)
	}
	took := r.steps(t, 2*time.Minute, func() bool { return r.reports.len() == 61 }, q)
	if took < 59*time.Second {
		t.Errorf("60 posts to one channel took %s, want at least 59s (1 per second)", took)
	}
	if got := r.platform.Throttled(); got != 0 {
		t.Errorf("got %d 429s, want 0", got)
	}
	var want []string
	for i := range 60 {
		want = append(want, post(i).DeliveryID)
	}
	got := slices.DeleteFunc(r.platform.Order(), func(id string) bool { return id == dm(1).DeliveryID })
	if !slices.Equal(got, want) {
		t.Errorf("channel posts out of order: got %v", got)
	}
}

func TestPaceFindsTheCeiling(t *testing.T) {
	tests := []struct {
		name     string
		give     float64 // the platform's ceiling, not told to the outbox
		whole    bool    // Retry-After in whole seconds, as Slack's header
		wantTook time.Duration
	}{
		{"200 per second", 200, false, 11 * time.Second},
		{"50 per second", 50, false, 44 * time.Second},
		// Each 429 then stops the workspace for a second, so the pace must
		// settle below the ceiling after the first: 11.4s of fake time (18.6s
		// before); the 11s is not met.
		{"200 per second, whole-second Retry-After", 200, true, 12 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 2000
			r := newRig(t, &bottest.Platform{Rate: tt.give, PerTarget: time.Second, WholeSeconds: tt.whole}, outbox.DefaultPace[bot.Slack])
			replicas := []*outbox.Outbox{r.replica("w1", 16, nil), r.replica("w2", 16, nil), r.replica("w3", 16, nil)}
			var msgs []bot.Message
			for i := range n {
				msgs = append(msgs, dm(i))
			}
			mustPost(t, replicas[0], msgs...)
			took := r.steps(t, time.Minute, func() bool { return r.reports.len() == n }, replicas...)
			if took > tt.wantTook {
				t.Errorf("%d DMs took %s at a ceiling of %v/s, want at most %s", n, took, tt.give, tt.wantTook)
			}
			if got := r.platform.Throttled(); got > n*2/100 {
				t.Errorf("got %d 429s for %d messages, want at most 2%%", got, n)
			}
			if got := r.platform.Ignored(); got != 0 {
				t.Errorf("got %d sends during a Retry-After, want 0", got)
			}
			if got := r.platform.Total(); got != n {
				t.Errorf("got %d delivered, want %d", got, n)
			}
			t.Logf("%d DMs at %v/s: %s of fake time, %d 429s", n, tt.give, took, r.platform.Throttled())
		})
	}
}

func TestAWholeSecond429KeepsAQuietWorkspacesPace(t *testing.T) {
	// Two DMs ten seconds apart in a quiet workspace each meet a 429 with
	// Retry-After: 1 (Slack's per-channel limit answers so too): what the
	// workspace accepted before the second says nothing about the
	// platform's ceiling, it sent next to nothing.
	pace := outbox.DefaultPace[bot.Slack]
	f := &flaky{Fail: 1, Err: &bot.Error{Code: bot.EUNAVAILABLE, RetryAfter: time.Second}, Platform: &bottest.Platform{}}
	r := newRig(t, f.Platform, pace)
	q := r.replica("w1", 1, f)
	mustPost(t, q, dm(1))
	r.steps(t, time.Minute, func() bool { return r.reports.len() == 1 }, q)
	r.clock.Add(10 * time.Second)
	mustPost(t, q, dm(2))
	r.steps(t, time.Minute, func() bool { return r.reports.len() == 2 }, q)
	bs, err := q.Backlogs(context.Background())
	if err != nil || len(bs) != 1 {
		t.Fatalf("backlogs: got %v, %v, want one workspace", bs, err)
	}
	if want := 0.9 * 0.9 * pace.Start; bs[0].Pace < want {
		t.Errorf("pace after two 429s: got %.2f/s, want at least %.2f/s (two slow-downs from the start)", bs[0].Pace, want)
	}
}

// faults makes every Redis command fail while down is set.
type faults struct{ down atomic.Bool }

var errDown = errors.New("redis: connection refused (test)")

func (f *faults) DialHook(next redis.DialHook) redis.DialHook { return next }
func (f *faults) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if f.down.Load() {
			cmd.SetErr(errDown)
			return errDown
		}
		return next(ctx, cmd)
	}
}
func (f *faults) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if f.down.Load() {
			return errDown
		}
		return next(ctx, cmds)
	}
}

func TestNoDoublesThroughARedisOutage(t *testing.T) {
	const n = 40
	f := &faults{}
	r := newRig(t, &bottest.Platform{}, outbox.Pace{})
	r.rdb.AddHook(f)
	accepted := atomic.Int64{}
	r.platform.Accepted = func(bot.Message) {
		if accepted.Add(1) == 5 {
			f.down.Store(true) // Redis goes away in the middle of the fan-out
		}
	}
	a, b := r.replica("a", 16, nil), r.replica("b", 16, nil)
	var msgs []bot.Message
	for i := range n {
		msgs = append(msgs, dm(i))
	}
	mustPost(t, a, msgs...)
	a.Step(context.Background()) // sends 16; Redis records at most 4 of them
	for range 5 {                // 5 s without Redis; a keeps what the platform accepted
		r.clock.Add(time.Second)
		a.Step(context.Background())
	}
	f.down.Store(false)
	b.Step(context.Background()) // b must not take what a holds
	r.steps(t, time.Minute, func() bool { return r.reports.len() == n }, a, b)
	r.clock.Add(time.Minute) // every lease long over: a double would show now
	a.Step(context.Background())
	b.Step(context.Background())
	for i := range n {
		if got := r.platform.Got()[dm(i).To.Key()]; got != 1 {
			t.Errorf("%s got %d messages, want 1", dm(i).To.Key(), got)
		}
	}
	if got := a.Counts().PossibleDoubles[bot.Slack] + b.Counts().PossibleDoubles[bot.Slack]; got != 0 {
		t.Errorf("got %d possible doubles, want 0", got)
	}
}

func TestADeadReplicasEntriesAreTakenOverInOrder(t *testing.T) {
	r := newRig(t, &bottest.Platform{}, outbox.Pace{PerTarget: time.Second})
	inFlight, dead := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(dead) })
	killed := &bottest.Platform{Clock: r.clock, Accepted: func(bot.Message) {
		close(inFlight)
		<-dead // killed after the platform accepted, before Redis heard of it
	}}
	a, b := r.replica("a", 4, killed), r.replica("b", 4, nil)
	mustPost(t, a, post(0), post(1), post(2))
	go a.Step(context.Background())
	<-inFlight
	b.Step(context.Background())
	if got := r.platform.Total(); got != 0 {
		t.Fatalf("b sent %d messages while a's lease ran, want 0", got)
	}
	took := r.steps(t, time.Minute, func() bool { return r.platform.Total() > 0 }, b)
	if took > 10*time.Second {
		t.Errorf("took over after %s, want at most 10s", took)
	}
	r.steps(t, time.Minute, func() bool { return r.reports.len() == 3 }, b)
	want := []string{post(0).DeliveryID, post(1).DeliveryID, post(2).DeliveryID}
	if got := r.platform.Order(); !slices.Equal(got, want) {
		t.Errorf("got order %v, want %v", got, want)
	}
	if got := b.Counts().PossibleDoubles[bot.Slack]; got != 1 {
		t.Errorf("got %d possible doubles, want 1 (the message in flight)", got)
	}
}

// gate blocks each send until it is let through.
type gate struct {
	entered chan bot.Message
	through chan struct{}
	*bottest.Platform
}

func (g *gate) Send(ctx context.Context, m bot.Message) error {
	g.entered <- m
	<-g.through
	return g.Platform.Send(ctx, m)
}

func TestAStopFinishesInFlightAndHandsBackTheRest(t *testing.T) {
	rdb, prefix := storetest.MustRedis(t)
	p := &bottest.Platform{}
	g := &gate{entered: make(chan bot.Message), through: make(chan struct{}), Platform: p}
	rep := &reports{}
	newQ := func(ms bot.Messenger, workers int) *outbox.Outbox {
		return outbox.New(outbox.Config{Logger: quiet, Redis: rdb, Prefix: prefix, Messenger: bot.Messengers{bot.Slack: ms},
			Outcomes: rep, Pace: map[bot.Platform]outbox.Pace{}, Workers: workers})
	}
	a := newQ(g, 1)
	mustPost(t, a, dm(1), dm(2), dm(3))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	first := <-g.entered
	stop()
	close(g.through) // the send in flight completes after the stop
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if got := rep.got[first.DeliveryID]; len(got) != 1 || got[0] != "" {
		t.Errorf("message in flight at the stop: got reports %q, want one success", got)
	}
	b := newQ(p, 4)
	b.Step(context.Background()) // no lease to wait for: the rest is b's at once
	if got := p.Total(); got != 3 {
		t.Errorf("got %d delivered, want 3", got)
	}
}

// flaky fails the first Fail sends to each target with err, then delivers.
type flaky struct {
	mu   sync.Mutex
	Fail int
	Err  error
	seen map[string]int
	*bottest.Platform
}

func (f *flaky) Send(ctx context.Context, m bot.Message) error {
	f.mu.Lock()
	if f.seen == nil {
		f.seen = map[string]int{}
	}
	f.seen[m.To.Key()]++
	n := f.seen[m.To.Key()]
	f.mu.Unlock()
	if n <= f.Fail {
		return f.Err
	}
	return f.Platform.Send(ctx, m)
}

func (f *flaky) tries(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[key]
}

func TestRetriesAndReports(t *testing.T) {
	gone := dm(9)
	tests := []struct {
		name      string
		give      *flaky
		to        bot.Message
		wantCode  string
		wantTries int
	}{
		{"transient failures are retried", &flaky{Fail: 2, Err: bot.Unavailable("err.platform", fmt.Errorf("connection reset")), Platform: &bottest.Platform{}}, dm(1), "", 3},
		{"permanent failures are not", &flaky{Platform: &bottest.Platform{Gone: map[string]string{gone.To.Key(): bot.ENOTFOUND}}}, gone, bot.ENOTFOUND, 1},
		{"transient failures give up", &flaky{Fail: 100, Err: bot.Unavailable("err.platform", fmt.Errorf("timeout")), Platform: &bottest.Platform{}}, dm(2), bot.EUNAVAILABLE, 4},
		{"a 429 is waited out", &flaky{Fail: 1, Err: &bot.Error{Code: bot.EUNAVAILABLE, RetryAfter: 3 * time.Second}, Platform: &bottest.Platform{}}, dm(3), "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.give.Platform, outbox.Pace{})
			q := r.replica("w1", 1, tt.give)
			mustPost(t, q, tt.to)
			r.steps(t, time.Hour, func() bool { return r.reports.len() == 1 }, q)
			if got := r.reports.got[tt.to.DeliveryID]; len(got) != 1 || got[0] != tt.wantCode {
				t.Errorf("got reports %q, want one %q", got, tt.wantCode)
			}
			if n := tt.give.tries(tt.to.To.Key()); n != tt.wantTries {
				t.Errorf("got %d tries, want %d", n, tt.wantTries)
			}
		})
	}
}

func TestPostingAgainQueuesOnce(t *testing.T) {
	r := newRig(t, &bottest.Platform{}, outbox.Pace{})
	q := r.replica("w1", 4, nil)
	mustPost(t, q, dm(1), dm(2))
	mustPost(t, q, dm(1), dm(2), dm(3)) // a crash mid fan-out means posting again
	r.steps(t, time.Minute, func() bool { return r.reports.len() == 3 }, q)
	if got := r.platform.Total(); got != 3 {
		t.Errorf("got %d delivered, want 3", got)
	}
}
