// Package scheduler fires herald's timed work: it keeps the core's triggers
// (key messages, the digest, pulse rounds, their reminders and closing), fires
// each run once across all replicas that share a Redis through one claim per
// run, and catches up on runs missed while no replica ran. The schedule
// language lives in package schedule, the delivery of messages in package
// outbox.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// Core is what the scheduler runs: *bot.Bot is one.
type Core interface {
	// Triggers returns every schedule to keep.
	Triggers(ctx context.Context) ([]bot.Trigger, error)
	// Fire runs one job; running it twice must be harmless.
	Fire(ctx context.Context, job bot.Job) error
}

// Versions tells the scheduler that schedules changed: store.Store is one.
type Versions interface {
	// SchedulesVersion returns a counter that goes up whenever a schedule is
	// added, changed or removed, on any replica.
	SchedulesVersion(ctx context.Context) (int64, error)
}

// Config configures a Scheduler.
type Config struct {
	Redis  redis.UniversalClient
	Prefix string // key prefix, HERALD_REDIS_PREFIX
	// Versions says when schedules changed; the scheduler reloads when the
	// version moves. Nil reloads only every Reload.
	Versions Versions
	Core     Core
	Clock    bot.Clock
	Logger   *slog.Logger
	// Grace is how late a missed run may still be sent (default 6h); older
	// runs are recorded as skipped.
	Grace time.Duration
	// LateAfter marks a run sent this long after its time as late (default 1m).
	LateAfter time.Duration
	// Tick is how often Run looks for due runs and schedule changes (default 1s).
	Tick time.Duration
	// Reload is how often Run reloads all schedules even without a change (default 5m).
	Reload time.Duration
}

// Timing of claims.
const (
	claimFiring = 2 * time.Minute // a replica that dies while firing loses its claim after this
	maxSkips    = 100             // skipped runs recorded per trigger and tick; older ones are jumped
	fireTimeout = time.Minute
)

// Scheduler fires each run of each trigger once across all replicas that
// share its Redis: every replica computes the same due times, and a claim per
// run (SET NX) decides which one fires it.
type Scheduler struct {
	cfg Config
	log *slog.Logger

	run1 sync.Mutex // one Start, Sync or Tick at a time

	mu       sync.Mutex
	entries  map[string]*entry // by kind|id
	version  int64
	lastTick time.Time
	loadedAt time.Time
}

// entry is a trigger and its next due run.
type entry struct {
	trigger bot.Trigger
	next    time.Time
}

// New returns a Scheduler; Start loads it.
func New(cfg Config) *Scheduler {
	if cfg.Clock == nil {
		cfg.Clock = bot.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 6 * time.Hour
	}
	if cfg.LateAfter <= 0 {
		cfg.LateAfter = time.Minute
	}
	if cfg.Tick <= 0 {
		cfg.Tick = time.Second
	}
	if cfg.Reload <= 0 {
		cfg.Reload = 5 * time.Minute
	}
	return &Scheduler{cfg: cfg, log: cfg.Logger, entries: map[string]*entry{}}
}

func (s *Scheduler) seenKey() string { return s.cfg.Prefix + "sched:seen" }

func (s *Scheduler) claimKey(j bot.Job) string {
	return s.cfg.Prefix + "sched:run:" + j.Kind + ":" + j.ID + ":" + strconv.FormatInt(j.Due.UnixMilli(), 10)
}

// Start loads every trigger. Runs missed while no replica ran, since the last
// time any replica looked, are due at the first Tick: sent late within the
// grace window, recorded as skipped before it. It fails on a schedule that
// can't be read and when Redis can't be reached.
func (s *Scheduler) Start(ctx context.Context) error {
	s.run1.Lock()
	defer s.run1.Unlock()
	now := s.cfg.Clock.Now()
	seen := now
	ms, err := s.cfg.Redis.Get(ctx, s.seenKey()).Int64()
	switch {
	case err == nil && ms < now.UnixMilli():
		seen = time.UnixMilli(ms)
	case err != nil && !errors.Is(err, redis.Nil):
		return fmt.Errorf("scheduler: last run: %w", err)
	}
	s.mu.Lock()
	s.lastTick = seen
	s.mu.Unlock()
	return s.reload(ctx, now)
}

// reload loads the triggers of the core. Triggers already known keep their next
// run; new ones count from the last tick or their Since, whichever is later.
func (s *Scheduler) reload(ctx context.Context, now time.Time) error {
	var version int64
	if s.cfg.Versions != nil {
		v, err := s.cfg.Versions.SchedulesVersion(ctx)
		if err != nil {
			return fmt.Errorf("scheduler: schedules version: %w", err)
		}
		version = v
	}
	ts, err := s.cfg.Core.Triggers(ctx)
	if err != nil {
		return fmt.Errorf("scheduler: load: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	entries := make(map[string]*entry, len(ts))
	for _, t := range ts {
		key := t.Kind + "|" + t.ID
		if old, ok := s.entries[key]; ok && old.trigger.Since.Equal(t.Since) {
			old.trigger = t
			entries[key] = old
			continue
		}
		from := s.lastTick
		if t.Since.After(from) {
			from = t.Since
		}
		entries[key] = &entry{trigger: t, next: t.Schedule.Next(from)}
	}
	s.entries, s.version, s.loadedAt = entries, version, now
	return nil
}

// Len returns how many triggers the scheduler keeps.
func (s *Scheduler) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// Run ticks until ctx ends. Start must have been called.
func (s *Scheduler) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now := s.cfg.Clock.Now()
		if err := s.Sync(ctx, now); err != nil {
			s.log.Warn("scheduler: reload failed; keeping the schedules it has", "err", err)
		}
		if err := s.Tick(ctx, now); err != nil {
			s.log.Warn("scheduler: some runs failed; they are tried again", "err", err)
		}
	}
}

// Sync reloads the triggers when a schedule changed on any replica, or when
// the last reload is older than the reload interval.
func (s *Scheduler) Sync(ctx context.Context, now time.Time) error {
	s.run1.Lock()
	defer s.run1.Unlock()
	s.mu.Lock()
	version, loadedAt := s.version, s.loadedAt
	s.mu.Unlock()
	if now.Sub(loadedAt) < s.cfg.Reload && s.cfg.Versions != nil {
		v, err := s.cfg.Versions.SchedulesVersion(ctx)
		if err != nil {
			return fmt.Errorf("schedules version: %w", err)
		}
		if v == version {
			return nil
		}
	}
	return s.reload(ctx, now)
}

// Tick fires every run due at now. A run whose claim is held by a replica
// that is still firing it is looked at again on the next tick; a run that
// failed is tried again on the next tick, until it falls out of the grace window.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) error {
	s.run1.Lock()
	defer s.run1.Unlock()
	s.mu.Lock()
	due := make([]*entry, 0)
	for _, e := range s.entries {
		if !e.next.IsZero() && !e.next.After(now) {
			due = append(due, e)
		}
	}
	s.mu.Unlock()
	var errs []error
	mark := now
	for _, e := range due {
		if ctx.Err() != nil {
			return nil
		}
		skips := 0
		for !e.next.IsZero() && !e.next.After(now) {
			job := bot.Job{Kind: e.trigger.Kind, ID: e.trigger.ID, Due: e.next}
			age := now.Sub(job.Due)
			job.Skip, job.Late = age > s.cfg.Grace, age > s.cfg.LateAfter
			if job.Skip {
				if skips++; skips > maxSkips {
					s.log.Warn("scheduler: too many missed runs to record each; jumping to the grace window",
						"kind", job.Kind, "id", job.ID, "from", job.Due, "to", now.Add(-s.cfg.Grace), "recorded", maxSkips)
					e.next = e.trigger.Schedule.Next(now.Add(-s.cfg.Grace))
					continue
				}
			}
			done, err := s.run(ctx, job)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s %s at %s: %w", job.Kind, job.ID, job.Due.Format(time.RFC3339), err))
			}
			if !done {
				if job.Due.Add(-time.Millisecond).Before(mark) {
					mark = job.Due.Add(-time.Millisecond)
				}
				break
			}
			s.mu.Lock()
			e.next = e.trigger.Schedule.Next(job.Due)
			s.mu.Unlock()
		}
	}
	s.mu.Lock()
	if mark.After(s.lastTick) {
		s.lastTick = mark
	}
	s.mu.Unlock()
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.cfg.Redis.Set(wctx, s.seenKey(), mark.UnixMilli(), 0).Err(); err != nil {
		errs = append(errs, fmt.Errorf("record last run: %w", err))
	}
	return errors.Join(errs...)
}

// run claims and fires one job. done is true when the run is finished, by
// this replica or another; false when it must be looked at again.
func (s *Scheduler) run(ctx context.Context, job bot.Job) (done bool, err error) {
	// A run that has begun is finished even when ctx ends: a stop drains.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fireTimeout)
	defer cancel()
	key := s.claimKey(job)
	ok, err := s.cfg.Redis.SetNX(ctx, key, "firing", claimFiring).Result()
	if err != nil {
		return false, fmt.Errorf("claim: %w", err)
	}
	if !ok {
		state, err := s.cfg.Redis.Get(ctx, key).Result()
		if errors.Is(err, redis.Nil) {
			return false, nil // released by a failed try: look again next tick
		}
		if err != nil {
			return false, fmt.Errorf("claim state: %w", err)
		}
		return state == "done", nil
	}
	if err := s.cfg.Core.Fire(ctx, job); err != nil {
		if derr := s.cfg.Redis.Del(ctx, key).Err(); derr != nil {
			err = errors.Join(err, fmt.Errorf("release claim: %w", derr))
		}
		return false, err
	}
	if err := s.cfg.Redis.Set(ctx, key, "done", s.cfg.Grace+24*time.Hour).Err(); err != nil {
		return true, fmt.Errorf("mark done: %w", err)
	}
	if job.Skip {
		s.log.Warn("scheduler: run skipped, older than the grace window", "kind", job.Kind, "id", job.ID, "due", job.Due)
	} else if job.Late {
		s.log.Info("scheduler: run sent late", "kind", job.Kind, "id", job.ID, "due", job.Due)
	}
	return true, nil
}
