// Package outbox is herald's durable delivery queue, its bot.Outbox. Each
// workspace has a queue in Redis of entries deferred to the moment they may be
// sent; workers in every replica take only what is due and free to send (no
// entry waiting for a busy channel ever holds a worker), under a lease they
// renew while they hold it. The pace of each workspace starts at the
// platform's published rate, rises while sends succeed and backs off on 429,
// with Retry-After obeyed by every replica at once. The outcome of each
// message goes to the core's bot.Outcomes after its last try.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// Config configures an Outbox.
type Config struct {
	Redis  redis.UniversalClient
	Prefix string
	// Messenger delivers a message to its platform (bot.Messengers).
	Messenger bot.Messenger
	// Outcomes receives the outcome of every message after its last try (the
	// core); nil drops them.
	Outcomes bot.Outcomes
	// Clock tells the time of due dates, leases and pacing (default the system clock).
	Clock  bot.Clock
	Pace   map[bot.Platform]Pace // default DefaultPace
	Logger *slog.Logger
	// Workers is how many messages one process sends at once (default 16).
	Workers int
	// Consumer names this process in logs (default: host, pid and a random part).
	Consumer string
	// Lease is how long an entry a worker took stays its own without being
	// renewed (default 8s): a dead replica's entries are taken over after it.
	// The worker renews it every Lease/16.
	Lease time.Duration
	// Poll is how often a worker looks for entries posted by other replicas
	// (default 100ms); entries posted here, and entries due later, wake it at once.
	Poll time.Duration
	// Attempts is how often a transient failure is tried (default 8), with
	// backoff from Backoff (default 1s) doubling up to a minute.
	Attempts int
	Backoff  time.Duration
}

// Outbox is the durable delivery queue, a bot.Outbox: Post queues one entry
// per message in its workspace's queue, Run delivers them.
type Outbox struct {
	cfg   Config
	log   *slog.Logger
	stats *stats

	wake chan struct{} // a send finished or a message was posted here

	mu      sync.Mutex
	held    map[string]string // entries this process holds a lease on → their workspace
	pending []record          // outcomes sent but not yet recorded in Redis
	spaces  map[string]bool   // workspaces known to have a queue
	busy    int               // sends under way
}

var _ bot.Outbox = (*Outbox)(nil)

// Outbox limits.
const (
	idemTTL     = 7 * 24 * time.Hour // how long a delivery id is remembered
	postChunk   = 500
	maxRetryAft = 10 * time.Minute
	maxWaits    = 50               // 429s obeyed for one message before it counts as failed
	sendTimeout = 30 * time.Second // one call to the platform
	stopWait    = 10 * time.Second // how long a stop waits for Redis to record the last outcomes
)

// New returns an Outbox; Run starts its workers.
func New(cfg Config) *Outbox {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = bot.SystemClock{}
	}
	if cfg.Pace == nil {
		cfg.Pace = DefaultPace
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.Consumer == "" {
		host, _ := os.Hostname()
		cfg.Consumer = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), randomHex(4))
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 8 * time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 100 * time.Millisecond
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 8
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	return &Outbox{
		cfg: cfg, log: cfg.Logger.With("consumer", cfg.Consumer), stats: newStats(),
		wake: make(chan struct{}, 1), held: map[string]string{}, spaces: map[string]bool{},
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// keys are the Redis keys of one workspace's queue, all in one cluster slot.
type keys struct{ base, due, lease, msg, enq, pace string }

func (o *Outbox) keys(space string) keys {
	b := o.cfg.Prefix + "{" + space + "}:outbox:"
	return keys{base: b, due: b + "due", lease: b + "lease", msg: b + "msg", enq: b + "enq", pace: b + "pace"}
}

func (k keys) idem(deliveryID string) string { return k.base + "idem:" + deliveryID }
func (k keys) inFlight(target string) string { return k.base + "f:" + target }
func (k keys) nextFree(target string) string { return k.base + "t:" + target }

// spacesKey is the set of workspaces that have a queue.
func (o *Outbox) spacesKey() string { return o.cfg.Prefix + "{outbox}:spaces" }

// Post queues msgs durably, one entry per message. A message whose
// DeliveryID was queued before is dropped, so posting again after a crash
// neither loses nor duplicates. Returns EUNAVAILABLE when Redis can't be reached.
func (o *Outbox) Post(ctx context.Context, msgs ...bot.Message) error {
	now := micros(o.cfg.Clock.Now())
	for start := 0; start < len(msgs); start += postChunk {
		chunk := msgs[start:min(start+postChunk, len(msgs))]
		_, err := o.cfg.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
			seen := map[string]bool{}
			for _, m := range chunk {
				if sp := m.To.Space(); !seen[sp] {
					seen[sp] = true
					p.SAdd(ctx, o.spacesKey(), sp)
				}
			}
			for _, m := range chunk {
				e, err := encode(m)
				if err != nil {
					return err
				}
				o.queue(ctx, p, e, now)
			}
			return nil
		})
		if err != nil {
			return bot.Unavailable("err.unavailable", fmt.Errorf("outbox: post: %w", err))
		}
	}
	o.mu.Lock()
	for _, m := range msgs {
		o.spaces[m.To.Space()] = true
	}
	o.mu.Unlock()
	o.signal()
	return nil
}

// entry is a message as the queue keeps it, with its DeliveryID.
type entry struct {
	m    bot.Message
	data []byte
}

// encode gives m a DeliveryID when it has none and encodes it for the queue.
func encode(m bot.Message) (entry, error) {
	if m.DeliveryID == "" {
		m.DeliveryID = "r|" + randomHex(12)
	}
	data, err := json.Marshal(m)
	if err != nil {
		return entry{}, fmt.Errorf("encode message: %w", err)
	}
	return entry{m: m, data: data}, nil
}

// queue adds the commands that queue e to p.
func (o *Outbox) queue(ctx context.Context, p redis.Pipeliner, e entry, now int64) {
	k := o.keys(e.m.To.Space())
	// Eval, not EvalSha: a pipeline can't load a script that a restarted or
	// failed-over server forgot.
	postScript.Eval(ctx, p, []string{k.idem(e.m.DeliveryID), k.due, k.msg, k.enq, k.pace},
		e.data, int64(idemTTL/time.Second), now, e.m.To.Key(), now)
}

// Prepare returns a function that adds to a transaction the commands that
// queue msgs, so that a store writes data and the messages that announce it
// in one atomic step: both or neither. Every message must be of the
// workspace whose hash tag the transaction's other keys have. Like Post, it
// queues a DeliveryID once. Returns EUNAVAILABLE when Redis can't be reached.
func (o *Outbox) Prepare(ctx context.Context, msgs ...bot.Message) (func(redis.Pipeliner), error) {
	o.mu.Lock()
	var fresh []any
	for _, m := range msgs {
		if sp := m.To.Space(); !o.spaces[sp] {
			fresh = append(fresh, sp)
		}
	}
	o.mu.Unlock()
	if len(fresh) > 0 { // outside the transaction: the set of workspaces is in another slot
		if err := o.cfg.Redis.SAdd(ctx, o.spacesKey(), fresh...).Err(); err != nil {
			return nil, bot.Unavailable("err.unavailable", fmt.Errorf("outbox: prepare: %w", err))
		}
		o.mu.Lock()
		for _, sp := range fresh {
			o.spaces[sp.(string)] = true
		}
		o.mu.Unlock()
	}
	now := micros(o.cfg.Clock.Now())
	// Encoded once, here: the transaction may be built again on a retry, and
	// must queue the same entries.
	entries := make([]entry, len(msgs))
	for i, m := range msgs {
		e, err := encode(m)
		if err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		entries[i] = e
	}
	return func(p redis.Pipeliner) {
		for _, e := range entries {
			o.queue(ctx, p, e, now)
		}
	}, nil
}

// Drain waits until every queued message has been dealt with, or until ctx
// ends. The console uses it before it stops.
func (o *Outbox) Drain(ctx context.Context) error {
	for {
		n := int64(0)
		for _, b := range o.knownSpaces(ctx) {
			k := o.keys(b)
			q, err := o.cfg.Redis.ZCard(ctx, k.enq).Result()
			if err != nil {
				return fmt.Errorf("outbox: drain: %w", err)
			}
			n += q
		}
		if n == 0 || !sleep(ctx, 20*time.Millisecond) {
			return nil
		}
	}
}

// signal wakes the dispatcher.
func (o *Outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// micros is t in microseconds since 1970, the time unit of the queue in Redis.
func micros(t time.Time) int64 { return t.UnixMicro() }

// sleep waits d or until ctx ends; it is false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
