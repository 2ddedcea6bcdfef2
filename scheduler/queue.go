package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// QueueConfig configures a Queue.
type QueueConfig struct {
	Redis  redis.UniversalClient
	Prefix string
	// Messenger delivers a message to its platform (bot.Messengers).
	Messenger bot.Messenger
	// Report receives the outcome of every message after its last try (Bot.Delivered).
	Report func(ctx context.Context, m bot.Message, err error) error
	Pace   map[bot.Platform]Pace // default DefaultPace
	Logger *slog.Logger
	// Workers is how many messages one process sends at once (default 16).
	Workers int
	// Consumer names this process in the consumer group (default: host, pid and a random part).
	Consumer string
	// ClaimIdle is how long an entry may sit unacknowledged with a consumer
	// before another takes it over (default 30s).
	ClaimIdle time.Duration
	// Attempts is how often a transient failure is tried (default 8), with
	// backoff from Backoff (default 1s) doubling up to a minute.
	Attempts int
	Backoff  time.Duration
}

// Queue is the durable delivery queue, a bot.Outbox: Post adds one Redis
// Stream entry per message, workers in every replica (Run) read them through
// one consumer group, pace them per platform, retry and report. An entry is
// acknowledged only after its message was delivered or failed for good, so a
// process that dies leaves its entries to the others.
type Queue struct {
	cfg    QueueConfig
	log    *slog.Logger
	stream string
	group  string

	mu       sync.Mutex
	inFlight map[string]bool // entry ids this consumer holds
}

var _ bot.Outbox = (*Queue)(nil)

// Queue timing.
const (
	idemTTL     = 7 * 24 * time.Hour // how long a delivery id is remembered
	postChunk   = 500
	maxRetryAft = 10 * time.Minute
	maxWaits    = 50        // 429s obeyed for one message before it counts as failed
	consumerTTL = time.Hour // an idle consumer holding nothing is removed after this
	// readBlock is how long a read waits for new entries; a stop waits at most this long for it.
	readBlock = 200 * time.Millisecond
)

// NewQueue returns a Queue; Run starts its workers.
func NewQueue(cfg QueueConfig) *Queue {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
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
	if cfg.ClaimIdle <= 0 {
		cfg.ClaimIdle = 30 * time.Second
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 8
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Report == nil {
		cfg.Report = func(context.Context, bot.Message, error) error { return nil }
	}
	return &Queue{cfg: cfg, log: cfg.Logger, stream: cfg.Prefix + "{outbox}:stream", group: "workers", inFlight: map[string]bool{}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (q *Queue) idemKey(id string) string { return q.cfg.Prefix + "{outbox}:idem:" + id }
func (q *Queue) paceKey(scope string) string {
	return q.cfg.Prefix + "{outbox}:pace:" + scope
}

// postScript queues a message once per delivery id: KEYS idem, stream; ARGV message JSON, ttl (s).
var postScript = redis.NewScript(`
if redis.call('SET', KEYS[1], 'queued', 'NX', 'EX', ARGV[2]) == false then return 0 end
redis.call('XADD', KEYS[2], '*', 'm', ARGV[1])
return 1`)

// Post queues msgs durably, one entry per message. A message whose
// DeliveryID was queued before is dropped, so posting again after a crash
// neither loses nor duplicates. Returns EUNAVAILABLE when Redis can't be reached.
func (q *Queue) Post(ctx context.Context, msgs ...bot.Message) error {
	if err := postScript.Load(ctx, q.cfg.Redis).Err(); err != nil {
		return bot.Unavailable("err.unavailable", fmt.Errorf("queue: load script: %w", err))
	}
	for start := 0; start < len(msgs); start += postChunk {
		_, err := q.cfg.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, m := range msgs[start:min(start+postChunk, len(msgs))] {
				if m.DeliveryID == "" {
					m.DeliveryID = "r|" + randomHex(12)
				}
				data, err := json.Marshal(m)
				if err != nil {
					return fmt.Errorf("encode message: %w", err)
				}
				postScript.EvalSha(ctx, p, []string{q.idemKey(m.DeliveryID), q.stream}, data, int64(idemTTL/time.Second))
			}
			return nil
		})
		if err != nil {
			return bot.Unavailable("err.unavailable", fmt.Errorf("queue: post: %w", err))
		}
	}
	return nil
}

// Run delivers queued messages until ctx ends, then finishes the messages
// being sent and returns; messages it read but had not started stay pending
// and are taken over by another replica, or by this one after a restart.
func (q *Queue) Run(ctx context.Context) error {
	err := q.cfg.Redis.XGroupCreateMkStream(ctx, q.stream, q.group, "0").Err()
	if ctx.Err() != nil {
		return nil // stopped before it started: nothing to drain
	}
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("queue: create group: %w", err)
	}
	jobs := make(chan redis.XMessage)
	var wg sync.WaitGroup
	for range q.cfg.Workers {
		wg.Go(func() {
			for msg := range jobs {
				q.process(ctx, msg)
				q.done(msg.ID)
			}
		})
	}
	wg.Go(func() { q.heartbeat(ctx) })
	err = q.read(ctx, jobs)
	close(jobs)
	wg.Wait()
	return err
}

// Drain waits until every queued message has been dealt with, or until ctx
// ends. The console uses it before it stops.
func (q *Queue) Drain(ctx context.Context) error {
	for {
		n, err := q.cfg.Redis.XLen(ctx, q.stream).Result()
		if err != nil {
			return fmt.Errorf("queue: drain: %w", err)
		}
		if n == 0 || !sleep(ctx, 20*time.Millisecond) {
			return nil
		}
	}
}

// read feeds entries to the workers: first entries idle too long with any
// consumer (a dead replica's), then new ones.
func (q *Queue) read(ctx context.Context, jobs chan<- redis.XMessage) error {
	lastClaim := time.Time{}
	for ctx.Err() == nil {
		var batch []redis.XMessage
		if time.Since(lastClaim) > q.cfg.ClaimIdle/3 {
			lastClaim = time.Now()
			msgs, _, err := q.cfg.Redis.XAutoClaim(ctx, &redis.XAutoClaimArgs{
				Stream: q.stream, Group: q.group, Consumer: q.cfg.Consumer,
				MinIdle: q.cfg.ClaimIdle, Start: "0-0", Count: int64(q.cfg.Workers * 4),
			}).Result()
			if err != nil && ctx.Err() == nil && !errors.Is(err, redis.Nil) {
				q.log.Warn("queue: take over pending entries failed", "err", err)
			}
			batch = msgs
			q.pruneConsumers(ctx)
		}
		if len(batch) == 0 {
			streams, err := q.cfg.Redis.XReadGroup(ctx, &redis.XReadGroupArgs{
				Group: q.group, Consumer: q.cfg.Consumer, Streams: []string{q.stream, ">"},
				Count: int64(q.cfg.Workers), Block: readBlock,
			}).Result()
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, redis.Nil):
				continue
			case err != nil:
				q.log.Warn("queue: read failed", "err", err)
				sleep(ctx, time.Second)
				continue
			}
			for _, s := range streams {
				batch = append(batch, s.Messages...)
			}
		}
		q.mu.Lock()
		for _, m := range batch {
			q.inFlight[m.ID] = true
		}
		q.mu.Unlock()
		for i, m := range batch {
			select {
			case jobs <- m:
			case <-ctx.Done():
				q.release(batch[i:])
				return nil
			}
		}
	}
	return nil
}

// pruneConsumers removes consumers of the group that hold nothing and were
// idle for consumerTTL: stopped replicas, each of which had a name of its own.
func (q *Queue) pruneConsumers(ctx context.Context) {
	cs, err := q.cfg.Redis.XInfoConsumers(ctx, q.stream, q.group).Result()
	if err != nil {
		return // pruning is housekeeping: try again next time
	}
	for _, c := range cs {
		if c.Name != q.cfg.Consumer && c.Pending == 0 && c.Idle > consumerTTL {
			q.cfg.Redis.XGroupDelConsumer(ctx, q.stream, q.group, c.Name)
		}
	}
}

// release forgets entries this consumer read but will not process; they stay
// pending and are taken over once idle.
func (q *Queue) release(msgs []redis.XMessage) {
	for _, m := range msgs {
		q.done(m.ID)
	}
}

func (q *Queue) done(id string) {
	q.mu.Lock()
	delete(q.inFlight, id)
	q.mu.Unlock()
}

// heartbeat keeps the entries this consumer holds from looking idle, so that
// no live replica's work is taken over.
func (q *Queue) heartbeat(ctx context.Context) {
	t := time.NewTicker(q.cfg.ClaimIdle / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		q.mu.Lock()
		ids := make([]string, 0, len(q.inFlight))
		for id := range q.inFlight {
			ids = append(ids, id)
		}
		q.mu.Unlock()
		if len(ids) == 0 {
			continue
		}
		err := q.cfg.Redis.XClaimJustID(ctx, &redis.XClaimArgs{
			Stream: q.stream, Group: q.group, Consumer: q.cfg.Consumer, MinIdle: 0, Messages: ids,
		}).Err()
		if err != nil && ctx.Err() == nil {
			q.log.Warn("queue: heartbeat failed", "err", err)
		}
	}
}

// process delivers one entry: paced, retried, and acknowledged once its
// outcome is final. When ctx ends while it waits, the entry stays pending.
func (q *Queue) process(ctx context.Context, entry redis.XMessage) {
	data, _ := entry.Values["m"].(string)
	var m bot.Message
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		q.log.Error("queue: dropping an entry that is not a message", "id", entry.ID, "err", err)
		q.finish(ctx, entry.ID, "", "failed")
		return
	}
	state, err := q.cfg.Redis.Get(ctx, q.idemKey(m.DeliveryID)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return // Redis is away: the entry stays pending and is tried again
	}
	if state == "sent" || state == "failed" { // done by a consumer that died before acknowledging
		q.finish(ctx, entry.ID, m.DeliveryID, state)
		return
	}
	pace := q.cfg.Pace[m.To.Platform]
	attempts, waits := 0, 0
	for {
		if !q.wait(ctx, m.To, pace) {
			return
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		err = q.cfg.Messenger.Send(sctx, m)
		cancel()
		var be *bot.Error
		isBot := errors.As(err, &be)
		switch {
		case err == nil:
			q.finish(ctx, entry.ID, m.DeliveryID, "sent")
			q.report(ctx, m, nil)
			return
		case isBot && be.RetryAfter > 0 && waits < maxWaits:
			waits++
			d := min(be.RetryAfter, maxRetryAft)
			if pace.PerSpace <= 0 && pace.PerTarget <= 0 {
				if !sleep(ctx, d) {
					return
				}
				continue
			}
			q.holdOff(ctx, m.To, d)
			continue
		case isBot && be.Code != bot.EUNAVAILABLE && be.Code != bot.EINTERNAL:
			// Permanent: channel_not_found, not_in_channel, a deactivated user, …
		case attempts+1 < q.cfg.Attempts:
			attempts++
			if !sleep(ctx, min(q.cfg.Backoff<<(attempts-1), time.Minute)) {
				return
			}
			continue
		}
		q.log.Warn("queue: message not delivered", "to", m.To.Key(), "id", m.DeliveryID, "err", err)
		q.finish(ctx, entry.ID, m.DeliveryID, "failed")
		q.report(ctx, m, err)
		return
	}
}

func (q *Queue) report(ctx context.Context, m bot.Message, sendErr error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := q.cfg.Report(rctx, m, sendErr); err != nil {
		q.log.Warn("queue: delivery report lost", "to", m.To.Key(), "id", m.DeliveryID, "err", err)
	}
}

// finish records the outcome of a delivery id and removes the entry.
func (q *Queue) finish(ctx context.Context, entryID, deliveryID, state string) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, err := q.cfg.Redis.TxPipelined(fctx, func(p redis.Pipeliner) error {
		if deliveryID != "" {
			p.SetArgs(fctx, q.idemKey(deliveryID), state, redis.SetArgs{KeepTTL: true})
		}
		p.XAck(fctx, q.stream, q.group, entryID)
		p.XDel(fctx, q.stream, entryID)
		return nil
	})
	if err != nil {
		q.log.Warn("queue: acknowledge failed; the entry will be looked at again", "entry", entryID, "err", err)
	}
}

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
