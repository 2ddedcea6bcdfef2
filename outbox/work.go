package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// Run delivers queued messages until ctx ends. Then it takes nothing more,
// finishes the sends under way, records their outcomes and returns: it
// holds no entry it has not started, so the rest is anyone's at once.
func (o *Outbox) Run(ctx context.Context) error {
	keepCtx, stopKeep := context.WithCancel(context.WithoutCancel(ctx))
	var keeper sync.WaitGroup
	keeper.Go(func() { o.keep(keepCtx) })
	var sends sync.WaitGroup
	for ctx.Err() == nil {
		wake := o.round(ctx, o.cfg.Clock.Now(), func(e taken) {
			sends.Go(func() { o.deliver(ctx, e) })
		})
		d := min(time.Until(wake), o.cfg.Poll)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-o.wake:
		}
		t.Stop()
	}
	sends.Wait()
	fctx, cancel := context.WithTimeout(keepCtx, stopWait)
	for o.flush(fctx) > 0 && sleep(fctx, 100*time.Millisecond) {
	}
	cancel()
	stopKeep()
	keeper.Wait()
	if n := o.unrecorded(); n > 0 {
		return fmt.Errorf("outbox: stopped with %d outcomes Redis did not record; those messages may be sent again", n)
	}
	return nil
}

// Step records outcomes still waiting for Redis, renews this process's
// leases, delivers every message due at the clock's time that pacing allows,
// waits for those sends, and returns when a message may next be due. Tests
// drive the outbox with it on a fake clock; Run does the same on the real one.
func (o *Outbox) Step(ctx context.Context) time.Time {
	o.flush(ctx)
	o.renew(ctx, o.cfg.Clock.Now())
	var sends sync.WaitGroup
	wake := o.round(ctx, o.cfg.Clock.Now(), func(e taken) {
		sends.Go(func() { o.deliver(ctx, e) })
	})
	sends.Wait()
	return wake
}

// taken is an entry a worker holds a lease on.
type taken struct {
	space, entry, data string
}

// round takes what is due in every workspace, as many as there are free
// workers, and starts each with start. It returns when to look again.
func (o *Outbox) round(ctx context.Context, now time.Time, start func(taken)) time.Time {
	wake := now.Add(time.Minute)
	for _, space := range o.knownSpaces(ctx) {
		o.mu.Lock()
		free := o.cfg.Workers - o.busy
		o.mu.Unlock()
		if free <= 0 {
			return now.Add(o.cfg.Poll)
		}
		got, next, err := o.take(ctx, space, now, free)
		if err != nil {
			if ctx.Err() == nil {
				o.log.Warn("outbox: take failed", "space", space, "err", err)
			}
			wake = now.Add(time.Second)
			continue
		}
		if next.Before(wake) {
			wake = next
		}
		for _, e := range got {
			start(e)
		}
	}
	return wake
}

// knownSpaces returns the workspaces that have a queue, in a changing order
// so that no workspace always goes first.
func (o *Outbox) knownSpaces(ctx context.Context) []string {
	names, err := o.cfg.Redis.SMembers(ctx, o.spacesKey()).Result()
	o.mu.Lock()
	defer o.mu.Unlock()
	if err == nil {
		for _, n := range names {
			o.spaces[n] = true
		}
	}
	out := make([]string, 0, len(o.spaces))
	for n := range o.spaces {
		out = append(out, n)
	}
	sort.Strings(out)
	if len(out) > 1 {
		r := int(time.Now().UnixNano() % int64(len(out)))
		out = append(out[r:], out[:r]...)
	}
	return out
}

// take leases up to n due entries of space.
func (o *Outbox) take(ctx context.Context, space string, now time.Time, n int) ([]taken, time.Time, error) {
	k := o.keys(space)
	pace := o.cfg.Pace[platformOf(space)]
	res, err := takeScript.Run(ctx, o.cfg.Redis, []string{k.due, k.lease, k.msg, k.pace},
		micros(now), o.cfg.Lease.Microseconds(), n, pace.Start, pace.Max, pace.PerTarget.Microseconds(), k.base).Slice()
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(res) < 2 {
		return nil, time.Time{}, fmt.Errorf("take: short reply %v", res)
	}
	if over, _ := res[0].(int64); over > 0 {
		o.stats.takenOver(platformOf(space), int(over))
		o.log.Warn("outbox: took over entries whose lease ended", "space", space, "entries", over)
	}
	wakeUS, _ := strconv.ParseInt(fmt.Sprint(res[1]), 10, 64)
	var got []taken
	o.mu.Lock()
	for i := 2; i+1 < len(res); i += 2 {
		e := taken{space: space, entry: fmt.Sprint(res[i]), data: fmt.Sprint(res[i+1])}
		o.held[e.entry] = space
		o.busy++
		got = append(got, e)
	}
	o.mu.Unlock()
	return got, time.UnixMicro(wakeUS), nil
}

// platformOf returns the platform of a workspace key ("slack:T1").
func platformOf(space string) bot.Platform {
	p, _, _ := strings.Cut(space, ":")
	return bot.Platform(p)
}

// deliver sends one entry and records what became of it.
func (o *Outbox) deliver(ctx context.Context, e taken) {
	defer func() {
		o.mu.Lock()
		o.busy--
		o.mu.Unlock()
		o.signal()
	}()
	var m bot.Message
	if err := json.Unmarshal([]byte(e.data), &m); err != nil {
		o.log.Error("outbox: dropping an entry that is not a message", "entry", e.entry, "err", err)
		o.settle(ctx, record{taken: e, state: "failed"})
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	err := o.cfg.Messenger.Send(sctx, m)
	cancel()
	platform := m.To.Platform
	var be *bot.Error
	isBot := errors.As(err, &be)
	switch {
	case err == nil:
		o.stats.sent(platform)
		o.settle(ctx, record{taken: e, msg: m, state: "sent"})
	case isBot && be.RetryAfter > 0:
		o.stats.throttled(platform)
		ra := min(be.RetryAfter.Round(time.Microsecond)+time.Microsecond, maxRetryAft) // never early
		o.settle(ctx, record{taken: e, msg: m, again: ra, retryAfter: ra, kind: "r", err: err})
	case isBot && be.Code != bot.EUNAVAILABLE && be.Code != bot.EINTERNAL:
		// Permanent: channel_not_found, not_in_channel, a deactivated user, …
		o.log.Warn("outbox: message not delivered", "to", m.To.Key(), "id", m.DeliveryID, "err", err)
		o.settle(ctx, record{taken: e, msg: m, state: "failed", err: err})
	default:
		o.settle(ctx, record{taken: e, msg: m, again: o.cfg.Backoff, kind: "e", err: err})
	}
}

// record is the outcome of one try, to be written to Redis: a final state
// ("sent" or "failed"), or a try again after the delay again.
type record struct {
	taken
	msg        bot.Message
	state      string
	again      time.Duration
	retryAfter time.Duration
	kind       string // "r": a 429; "e": a transient failure
	err        error
}

// settle writes r to Redis; when Redis can't take it now, the process keeps
// it and tries again (flush) while it renews the entry's lease, so that a
// message the platform accepted is never taken by another worker and sent
// twice.
func (o *Outbox) settle(ctx context.Context, r record) {
	if err := o.write(ctx, r); err != nil {
		o.log.Warn("outbox: outcome not recorded yet; kept until Redis takes it", "entry", r.entry, "err", err)
		o.mu.Lock()
		o.pending = append(o.pending, r)
		o.mu.Unlock()
	}
}

// write records r and, once final, reports it.
func (o *Outbox) write(ctx context.Context, r record) error {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	k := o.keys(r.space)
	target := r.entry[min(17, len(r.entry)):]
	platform := platformOf(r.space)
	pace := o.cfg.Pace[platform]
	if r.again > 0 {
		now := o.cfg.Clock.Now()
		count, err := againScript.Run(wctx, o.cfg.Redis, []string{k.due, k.lease, k.msg, k.pace},
			r.entry, k.inFlight(target), r.again.Microseconds(), r.retryAfter.Microseconds(),
			micros(now), slowDown, slowWindow.Microseconds(), minRate, r.kind, k.nextFree(target), accWindow.Microseconds(), pace.Start).Int64()
		if err != nil {
			return fmt.Errorf("outbox: retry later: %w", err)
		}
		limit := int64(o.cfg.Attempts)
		if r.kind == "r" {
			limit = maxWaits
		}
		if count == 0 || count < limit {
			if count > 0 {
				o.stats.retried(platform, reason(r.err))
			}
			o.release(r.entry)
			return nil
		}
		o.log.Warn("outbox: message not delivered", "to", r.msg.To.Key(), "id", r.msg.DeliveryID, "tries", count, "err", r.err)
		r.state, r.again = "failed", 0
	}
	had, err := doneScript.Run(wctx, o.cfg.Redis, []string{k.due, k.lease, k.msg, k.pace, k.enq, k.idem(r.msg.DeliveryID)},
		r.entry, r.state, k.inFlight(target), pace.Max, growStart, growAfter, micros(o.cfg.Clock.Now()), probeWindow.Microseconds(), pace.Start, probeCount, slowWindow.Microseconds(), accWindow.Microseconds(), settleCount, settleBelow).Int64()
	if err != nil {
		return fmt.Errorf("outbox: record %s: %w", r.state, err)
	}
	if r.state == "failed" {
		o.stats.failed(platform, reason(r.err))
	}
	if had == 1 && r.msg.DeliveryID != "" {
		o.report(ctx, r.msg, r.err)
	}
	o.release(r.entry)
	return nil
}

// release forgets the lease of entry: its outcome is in Redis.
func (o *Outbox) release(entry string) {
	o.mu.Lock()
	delete(o.held, entry)
	o.mu.Unlock()
}

// reason is the label of a failure in the metrics: "429" or its error code.
func reason(err error) string {
	var be *bot.Error
	if errors.As(err, &be) && be.RetryAfter > 0 {
		return "429"
	}
	if err == nil {
		return ""
	}
	return bot.ErrorCode(err)
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

// keep renews this process's leases and records kept outcomes every
// Lease/16 until ctx ends.
func (o *Outbox) keep(ctx context.Context) {
	t := time.NewTicker(o.cfg.Lease / 16)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		o.flush(ctx)
		o.renew(ctx, o.cfg.Clock.Now())
	}
}

// flush tries to record the outcomes Redis could not take before, and
// returns how many are still waiting.
func (o *Outbox) flush(ctx context.Context) int {
	o.mu.Lock()
	rs := o.pending
	o.pending = nil
	o.mu.Unlock()
	var left []record
	for i, r := range rs {
		if err := o.write(ctx, r); err != nil {
			left = append(left, rs[i:]...)
			break
		}
	}
	o.mu.Lock()
	o.pending = append(left, o.pending...)
	n := len(o.pending)
	o.mu.Unlock()
	return n
}

// unrecorded returns how many outcomes are waiting for Redis.
func (o *Outbox) unrecorded() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.pending)
}

// renew extends the leases this process holds, so that no live worker's
// entry is taken over.
func (o *Outbox) renew(ctx context.Context, now time.Time) {
	o.mu.Lock()
	bySpace := map[string][]any{}
	for e, space := range o.held {
		bySpace[space] = append(bySpace[space], e)
	}
	o.mu.Unlock()
	until := micros(now.Add(o.cfg.Lease))
	for space, entries := range bySpace {
		args := slices.Insert(entries, 0, any(until))
		err := renewScript.Run(ctx, o.cfg.Redis, []string{o.keys(space).lease}, args...).Err()
		if err != nil && !errors.Is(err, redis.Nil) && ctx.Err() == nil {
			o.log.Warn("outbox: renewing leases failed", "space", space, "err", err)
		}
	}
}
