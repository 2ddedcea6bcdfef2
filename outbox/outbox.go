// Package outbox is herald's durable delivery queue, its bot.Outbox: one Redis
// Stream entry per message, read by workers in every replica through one
// consumer group, paced to each platform's limits, retried, and taken over
// from a replica that died. The outcome of each message goes to the core's
// bot.Outcomes after its last try.
package outbox

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

// Config configures an Outbox.
type Config struct {
	Redis  redis.UniversalClient
	Prefix string
	// Messenger delivers a message to its platform (bot.Messengers).
	Messenger bot.Messenger
	// Outcomes receives the outcome of every message after its last try (the
	// core); nil drops them.
	Outcomes bot.Outcomes
	Pace     map[bot.Platform]Pace // default DefaultPace
	Logger   *slog.Logger
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

// Outbox is the durable delivery queue, a bot.Outbox: Post adds one Redis
// Stream entry per message, workers in every replica (Run) read them through
// one consumer group, pace them per platform, retry and report. An entry is
// acknowledged only after its message was delivered or failed for good, so a
// process that dies leaves its entries to the others.
type Outbox struct {
	cfg    Config
	log    *slog.Logger
	stream string
	group  string

	mu       sync.Mutex
	inFlight map[string]bool // entry ids this consumer holds
}

var _ bot.Outbox = (*Outbox)(nil)

// Outbox timing.
const (
	idemTTL     = 7 * 24 * time.Hour // how long a delivery id is remembered
	postChunk   = 500
	maxRetryAft = 10 * time.Minute
	maxWaits    = 50        // 429s obeyed for one message before it counts as failed
	consumerTTL = time.Hour // an idle consumer holding nothing is removed after this
	// readBlock is how long a read waits for new entries; a stop waits at most this long for it.
	readBlock = 200 * time.Millisecond
)

// New returns an Outbox; Run starts its workers.
func New(cfg Config) *Outbox {
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
	return &Outbox{cfg: cfg, log: cfg.Logger, stream: cfg.Prefix + "{outbox}:stream", group: "workers", inFlight: map[string]bool{}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (o *Outbox) idemKey(id string) string { return o.cfg.Prefix + "{outbox}:idem:" + id }
func (o *Outbox) paceKey(scope string) string {
	return o.cfg.Prefix + "{outbox}:pace:" + scope
}

// postScript queues a message once per delivery id: KEYS idem, stream; ARGV message JSON, ttl (s).
var postScript = redis.NewScript(`
if redis.call('SET', KEYS[1], 'queued', 'NX', 'EX', ARGV[2]) == false then return 0 end
redis.call('XADD', KEYS[2], '*', 'm', ARGV[1])
return 1`)

// Post queues msgs durably, one entry per message. A message whose
// DeliveryID was queued before is dropped, so posting again after a crash
// neither loses nor duplicates. Returns EUNAVAILABLE when Redis can't be reached.
func (o *Outbox) Post(ctx context.Context, msgs ...bot.Message) error {
	if err := postScript.Load(ctx, o.cfg.Redis).Err(); err != nil {
		return bot.Unavailable("err.unavailable", fmt.Errorf("outbox: load script: %w", err))
	}
	for start := 0; start < len(msgs); start += postChunk {
		_, err := o.cfg.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, m := range msgs[start:min(start+postChunk, len(msgs))] {
				if m.DeliveryID == "" {
					m.DeliveryID = "r|" + randomHex(12)
				}
				data, err := json.Marshal(m)
				if err != nil {
					return fmt.Errorf("encode message: %w", err)
				}
				postScript.EvalSha(ctx, p, []string{o.idemKey(m.DeliveryID), o.stream}, data, int64(idemTTL/time.Second))
			}
			return nil
		})
		if err != nil {
			return bot.Unavailable("err.unavailable", fmt.Errorf("outbox: post: %w", err))
		}
	}
	return nil
}

// Run delivers queued messages until ctx ends, then finishes the messages
// being sent and returns; messages it read but had not started stay pending
// and are taken over by another replica, or by this one after a restart.
func (o *Outbox) Run(ctx context.Context) error {
	err := o.cfg.Redis.XGroupCreateMkStream(ctx, o.stream, o.group, "0").Err()
	if ctx.Err() != nil {
		return nil // stopped before it started: nothing to drain
	}
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("outbox: create group: %w", err)
	}
	jobs := make(chan redis.XMessage)
	var wg sync.WaitGroup
	for range o.cfg.Workers {
		wg.Go(func() {
			for msg := range jobs {
				o.process(ctx, msg)
				o.done(msg.ID)
			}
		})
	}
	wg.Go(func() { o.heartbeat(ctx) })
	err = o.read(ctx, jobs)
	close(jobs)
	wg.Wait()
	return err
}

// Drain waits until every queued message has been dealt with, or until ctx
// ends. The console uses it before it stops.
func (o *Outbox) Drain(ctx context.Context) error {
	for {
		n, err := o.cfg.Redis.XLen(ctx, o.stream).Result()
		if err != nil {
			return fmt.Errorf("outbox: drain: %w", err)
		}
		if n == 0 || !sleep(ctx, 20*time.Millisecond) {
			return nil
		}
	}
}

// read feeds entries to the workers: first entries idle too long with any
// consumer (a dead replica's), then new ones.
func (o *Outbox) read(ctx context.Context, jobs chan<- redis.XMessage) error {
	lastClaim := time.Time{}
	for ctx.Err() == nil {
		var batch []redis.XMessage
		if time.Since(lastClaim) > o.cfg.ClaimIdle/3 {
			lastClaim = time.Now()
			msgs, _, err := o.cfg.Redis.XAutoClaim(ctx, &redis.XAutoClaimArgs{
				Stream: o.stream, Group: o.group, Consumer: o.cfg.Consumer,
				MinIdle: o.cfg.ClaimIdle, Start: "0-0", Count: int64(o.cfg.Workers * 4),
			}).Result()
			if err != nil && ctx.Err() == nil && !errors.Is(err, redis.Nil) {
				o.log.Warn("outbox: take over pending entries failed", "err", err)
			}
			batch = msgs
			o.pruneConsumers(ctx)
		}
		if len(batch) == 0 {
			streams, err := o.cfg.Redis.XReadGroup(ctx, &redis.XReadGroupArgs{
				Group: o.group, Consumer: o.cfg.Consumer, Streams: []string{o.stream, ">"},
				Count: int64(o.cfg.Workers), Block: readBlock,
			}).Result()
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, redis.Nil):
				continue
			case err != nil:
				o.log.Warn("outbox: read failed", "err", err)
				sleep(ctx, time.Second)
				continue
			}
			for _, s := range streams {
				batch = append(batch, s.Messages...)
			}
		}
		o.mu.Lock()
		for _, m := range batch {
			o.inFlight[m.ID] = true
		}
		o.mu.Unlock()
		for i, m := range batch {
			select {
			case jobs <- m:
			case <-ctx.Done():
				o.release(batch[i:])
				return nil
			}
		}
	}
	return nil
}

// pruneConsumers removes consumers of the group that hold nothing and were
// idle for consumerTTL: stopped replicas, each of which had a name of its own.
func (o *Outbox) pruneConsumers(ctx context.Context) {
	cs, err := o.cfg.Redis.XInfoConsumers(ctx, o.stream, o.group).Result()
	if err != nil {
		return // pruning is housekeeping: try again next time
	}
	for _, c := range cs {
		if c.Name != o.cfg.Consumer && c.Pending == 0 && c.Idle > consumerTTL {
			o.cfg.Redis.XGroupDelConsumer(ctx, o.stream, o.group, c.Name)
		}
	}
}

// release forgets entries this consumer read but will not process; they stay
// pending and are taken over once idle.
func (o *Outbox) release(msgs []redis.XMessage) {
	for _, m := range msgs {
		o.done(m.ID)
	}
}

func (o *Outbox) done(id string) {
	o.mu.Lock()
	delete(o.inFlight, id)
	o.mu.Unlock()
}

// heartbeat keeps the entries this consumer holds from looking idle, so that
// no live replica's work is taken over.
func (o *Outbox) heartbeat(ctx context.Context) {
	t := time.NewTicker(o.cfg.ClaimIdle / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		o.mu.Lock()
		ids := make([]string, 0, len(o.inFlight))
		for id := range o.inFlight {
			ids = append(ids, id)
		}
		o.mu.Unlock()
		if len(ids) == 0 {
			continue
		}
		err := o.cfg.Redis.XClaimJustID(ctx, &redis.XClaimArgs{
			Stream: o.stream, Group: o.group, Consumer: o.cfg.Consumer, MinIdle: 0, Messages: ids,
		}).Err()
		if err != nil && ctx.Err() == nil {
			o.log.Warn("outbox: heartbeat failed", "err", err)
		}
	}
}

// process delivers one entry: paced, retried, and acknowledged once its
// outcome is final. When ctx ends while it waits, the entry stays pending.
func (o *Outbox) process(ctx context.Context, entry redis.XMessage) {
	data, _ := entry.Values["m"].(string)
	var m bot.Message
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		o.log.Error("outbox: dropping an entry that is not a message", "id", entry.ID, "err", err)
		o.finish(ctx, entry.ID, "", "failed")
		return
	}
	state, err := o.cfg.Redis.Get(ctx, o.idemKey(m.DeliveryID)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return // Redis is away: the entry stays pending and is tried again
	}
	if state == "sent" || state == "failed" { // done by a consumer that died before acknowledging
		o.finish(ctx, entry.ID, m.DeliveryID, state)
		return
	}
	pace := o.cfg.Pace[m.To.Platform]
	attempts, waits := 0, 0
	for {
		if !o.wait(ctx, m.To, pace) {
			return
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		err = o.cfg.Messenger.Send(sctx, m)
		cancel()
		var be *bot.Error
		isBot := errors.As(err, &be)
		switch {
		case err == nil:
			o.finish(ctx, entry.ID, m.DeliveryID, "sent")
			o.report(ctx, m, nil)
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
			o.holdOff(ctx, m.To, d)
			continue
		case isBot && be.Code != bot.EUNAVAILABLE && be.Code != bot.EINTERNAL:
			// Permanent: channel_not_found, not_in_channel, a deactivated user, …
		case attempts+1 < o.cfg.Attempts:
			attempts++
			if !sleep(ctx, min(o.cfg.Backoff<<(attempts-1), time.Minute)) {
				return
			}
			continue
		}
		o.log.Warn("outbox: message not delivered", "to", m.To.Key(), "id", m.DeliveryID, "err", err)
		o.finish(ctx, entry.ID, m.DeliveryID, "failed")
		o.report(ctx, m, err)
		return
	}
}

func (o *Outbox) report(ctx context.Context, m bot.Message, sendErr error) {
	if o.cfg.Outcomes == nil {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := o.cfg.Outcomes.Delivered(rctx, m, sendErr); err != nil {
		o.log.Warn("outbox: delivery report lost", "to", m.To.Key(), "id", m.DeliveryID, "err", err)
	}
}

// finish records the outcome of a delivery id and removes the entry.
func (o *Outbox) finish(ctx context.Context, entryID, deliveryID, state string) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, err := o.cfg.Redis.TxPipelined(fctx, func(p redis.Pipeliner) error {
		if deliveryID != "" {
			p.SetArgs(fctx, o.idemKey(deliveryID), state, redis.SetArgs{KeepTTL: true})
		}
		p.XAck(fctx, o.stream, o.group, entryID)
		p.XDel(fctx, o.stream, entryID)
		return nil
	})
	if err != nil {
		o.log.Warn("outbox: acknowledge failed; the entry will be looked at again", "entry", entryID, "err", err)
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
