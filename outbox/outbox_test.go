package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
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

// dm returns a direct message to user n of a fake workspace.
func dm(n int) bot.Message {
	to := bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: fmt.Sprintf("U%05d", n)}
	return bot.Message{To: to, Text: bot.Plain("hello"), DeliveryID: "test|" + to.Key()}
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

// queueRig is queues of several replicas on one Redis, delivering to one platform.
type queueRig struct {
	rdb      redis.UniversalClient
	prefix   string
	platform *bottest.Platform
	reports  *reports
}

func newRig(t *testing.T, p *bottest.Platform) *queueRig {
	rdb, prefix := storetest.MustRedis(t)
	return &queueRig{rdb: rdb, prefix: prefix, platform: p, reports: &reports{}}
}

func (r *queueRig) queue(name string, workers int, pace outbox.Pace) *outbox.Outbox {
	return outbox.New(outbox.Config{
		Logger: quiet, Redis: r.rdb, Prefix: r.prefix, Messenger: bot.Messengers{bot.Slack: r.platform},
		Outcomes: r.reports, Pace: map[bot.Platform]outbox.Pace{bot.Slack: pace},
		Workers: workers, Consumer: name, ClaimIdle: 600 * time.Millisecond, Backoff: 10 * time.Millisecond,
	})
}

// start runs o until the returned stop is called; stop waits for it to end.
func start(t *testing.T, o *outbox.Outbox) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("outbox run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestQueueEachRecipientOnceWhenAWorkerIsKilled(t *testing.T) {
	const n = 300
	r := newRig(t, &bottest.Platform{Latency: 2 * time.Millisecond})
	msgs := make([]bot.Message, n)
	for i := range msgs {
		msgs[i] = dm(i)
	}
	ctx := context.Background()
	post := r.queue("poster", 1, outbox.Pace{})
	// A crash mid-fan-out means posting again: half, then everything.
	if err := post.Post(ctx, msgs[:n/2]...); err != nil {
		t.Fatalf("post: %v", err)
	}
	if err := post.Post(ctx, msgs...); err != nil {
		t.Fatalf("post again: %v", err)
	}
	pace := outbox.Pace{PerSpace: time.Millisecond}
	kill := start(t, r.queue("w1", 4, pace))
	start(t, r.queue("w2", 4, pace))
	start(t, r.queue("w3", 4, pace))
	if !bottest.Eventually(t, 20*time.Second, func() bool { return r.platform.Total() >= n/3 }) {
		t.Fatalf("timed out waiting for a third delivered")
	}
	kill()
	if !bottest.Eventually(t, 30*time.Second, func() bool { return r.reports.len() == n }) {
		t.Fatalf("timed out waiting for all delivered")
	}
	time.Sleep(time.Second) // longer than ClaimIdle: a duplicate would show now
	got := r.platform.Got()
	if len(got) != n {
		t.Errorf("got %d recipients, want %d", len(got), n)
	}
	for key, c := range got {
		if c != 1 {
			t.Errorf("%s got %d messages, want 1", key, c)
		}
	}
	if left, _ := r.rdb.XLen(ctx, r.prefix+"{outbox}:stream").Result(); left != 0 {
		t.Errorf("got %d entries left in the stream, want 0", left)
	}
}

func TestQueueTakesOverADeadConsumersEntries(t *testing.T) {
	r := newRig(t, &bottest.Platform{})
	ctx := context.Background()
	q := r.queue("live", 2, outbox.Pace{})
	if err := r.rdb.XGroupCreateMkStream(ctx, r.prefix+"{outbox}:stream", "workers", "0").Err(); err != nil {
		t.Fatalf("group: %v", err)
	}
	if err := q.Post(ctx, dm(1), dm(2)); err != nil {
		t.Fatalf("post: %v", err)
	}
	// A consumer reads both entries and dies; it had delivered the second
	// one already and recorded that, but not acknowledged it.
	read, err := r.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "dead", Streams: []string{r.prefix + "{outbox}:stream", ">"}, Count: 2}).Result()
	if err != nil || len(read[0].Messages) != 2 {
		t.Fatalf("dead consumer read: %v %v", read, err)
	}
	if err := r.rdb.Set(ctx, r.prefix+"{outbox}:idem:"+dm(2).DeliveryID, "sent", 0).Err(); err != nil {
		t.Fatalf("mark sent: %v", err)
	}
	start(t, q)
	taken := bottest.Eventually(t, 10*time.Second, func() bool {
		n, _ := r.rdb.XLen(ctx, r.prefix+"{outbox}:stream").Result()
		return n == 0
	})
	if !taken {
		t.Fatalf("timed out waiting for the pending entries taken over")
	}
	got := r.platform.Got()
	if g, w := got[dm(1).To.Key()], 1; g != w {
		t.Errorf("undelivered entry: got %d messages, want %d", g, w)
	}
	if g, w := got[dm(2).To.Key()], 0; g != w {
		t.Errorf("entry delivered before the crash: got %d messages, want %d", g, w)
	}
}

func TestQueueObeysRetryAfterAndLimits(t *testing.T) {
	p := &bottest.Platform{Rate: 40, PerTarget: 100 * time.Millisecond}
	r := newRig(t, p)
	channel := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: "T1", ID: "C1"}
	var msgs []bot.Message
	for i := range 5 {
		msgs = append(msgs, bot.Message{To: channel, Text: bot.Plain("x"), DeliveryID: fmt.Sprint("ch|", i)})
	}
	for i := range 30 {
		msgs = append(msgs, dm(i))
	}
	q := r.queue("w1", 1, outbox.Pace{}) // no pacing of its own: the platform says when
	if err := q.Post(context.Background(), msgs...); err != nil {
		t.Fatalf("post: %v", err)
	}
	start(t, q)
	if !bottest.Eventually(t, 20*time.Second, func() bool { return r.reports.len() == len(msgs) }) {
		t.Fatalf("timed out waiting for all delivered")
	}
	if got, want := p.Total(), len(msgs); got != want {
		t.Errorf("got %d delivered, want %d", got, want)
	}
	if got := p.Got()[channel.Key()]; got != 5 {
		t.Errorf("channel got %d messages, want 5", got)
	}
	if p.Throttled() == 0 {
		t.Errorf("got no 429s; the test must drive the platform over its limits")
	}
	if got := p.Ignored(); got != 0 {
		t.Errorf("got %d sends during a Retry-After, want 0", got)
	}
}

func TestQueuePacesPerTarget(t *testing.T) {
	p := &bottest.Platform{PerTarget: 100 * time.Millisecond}
	r := newRig(t, p)
	channel := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: "T1", ID: "C1"}
	var msgs []bot.Message
	for i := range 6 {
		msgs = append(msgs, bot.Message{To: channel, Text: bot.Plain("x"), DeliveryID: fmt.Sprint("ch|", i)})
	}
	if err := r.queue("poster", 1, outbox.Pace{}).Post(context.Background(), msgs...); err != nil {
		t.Fatalf("post: %v", err)
	}
	for _, name := range []string{"w1", "w2", "w3"} {
		start(t, r.queue(name, 4, outbox.Pace{PerTarget: 110 * time.Millisecond}))
	}
	if !bottest.Eventually(t, 20*time.Second, func() bool { return r.reports.len() == len(msgs) }) {
		t.Fatalf("timed out waiting for all delivered")
	}
	if got := p.Throttled(); got != 0 {
		t.Errorf("got %d 429s from three paced replicas, want 0", got)
	}
	if got := p.Got()[channel.Key()]; got != 6 {
		t.Errorf("channel got %d messages, want 6", got)
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

func TestQueueRetriesAndReports(t *testing.T) {
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rdb, prefix := storetest.MustRedis(t)
			rep := &reports{}
			q := outbox.New(outbox.Config{
				Logger: quiet, Redis: rdb, Prefix: prefix, Messenger: bot.Messengers{bot.Slack: tt.give}, Outcomes: rep,
				Workers: 1, Attempts: 4, Backoff: 5 * time.Millisecond, Pace: map[bot.Platform]outbox.Pace{},
			})
			if err := q.Post(context.Background(), tt.to); err != nil {
				t.Fatalf("post: %v", err)
			}
			start(t, q)
			if !bottest.Eventually(t, 10*time.Second, func() bool { return rep.len() == 1 }) {
				t.Fatalf("timed out waiting for a report")
			}
			rep.mu.Lock()
			got := rep.got[tt.to.DeliveryID]
			rep.mu.Unlock()
			if len(got) != 1 || got[0] != tt.wantCode {
				t.Errorf("got reports %q, want one %q", got, tt.wantCode)
			}
			if n := tt.give.tries(tt.to.To.Key()); n != tt.wantTries {
				t.Errorf("got %d tries, want %d", n, tt.wantTries)
			}
		})
	}
}
