package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/scheduler"
	"github.com/herald-chat/herald/store/storetest"
)

// fakeCore records the jobs fired; FailOnce makes the first fire of each run
// of the trigger with that id fail. It is also the schedules' version, which
// add bumps.
type fakeCore struct {
	mu       sync.Mutex
	version  int64
	triggers []bot.Trigger
	jobs     []bot.Job
	FailOnce string
	failed   map[string]bool
}

func (f *fakeCore) Triggers(context.Context) ([]bot.Trigger, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Trigger(nil), f.triggers...), nil
}

func (f *fakeCore) Fire(_ context.Context, job bot.Job) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := jobKey(job)
	if f.FailOnce == job.ID && !f.failed[key] {
		if f.failed == nil {
			f.failed = map[string]bool{}
		}
		f.failed[key] = true
		return bot.Unavailable("err.unavailable", errors.New("redis down"))
	}
	f.jobs = append(f.jobs, job)
	return nil
}

func (f *fakeCore) add(t bot.Trigger) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.triggers = append(f.triggers, t)
	f.version++
}

func (f *fakeCore) SchedulesVersion(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.version, nil
}

func (f *fakeCore) fired() []bot.Job {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Job(nil), f.jobs...)
}

// quiet is a logger for tests that expect warnings.
var quiet = slog.New(slog.DiscardHandler)

func jobKey(j bot.Job) string { return j.Kind + "|" + j.ID + "|" + j.Due.UTC().Format(time.RFC3339) }

func trigger(t *testing.T, id, spec string, since time.Time) bot.Trigger {
	t.Helper()
	s, err := schedule.Parser{}.Parse(spec, time.UTC, since)
	if err != nil {
		t.Fatalf("parse %q: %v", spec, err)
	}
	return bot.Trigger{Kind: "test", ID: id, Schedule: s, Since: since}
}

// want lists the runs of the triggers in (from, to].
func want(ts []bot.Trigger, from, to time.Time) map[string]bool {
	out := map[string]bool{}
	for _, tr := range ts {
		for t := tr.Schedule.Next(from); !t.IsZero() && !t.After(to); t = tr.Schedule.Next(t) {
			out[jobKey(bot.Job{Kind: tr.Kind, ID: tr.ID, Due: t})] = true
		}
	}
	return out
}

func TestThreeSchedulersFireEachRunOnce(t *testing.T) {
	rdb, prefix := storetest.MustRedis(t)
	start := time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(start)
	core := &fakeCore{FailOnce: "hourly"}
	core.add(trigger(t, "morning", "every day at 9:00 Europe/Berlin", start))
	core.add(trigger(t, "night", "*/30 2 * * * Europe/Berlin", start)) // the spring gap
	core.add(trigger(t, "hourly", "0 * * * *", start))
	ctx := context.Background()
	var scheds []*scheduler.Scheduler
	for range 3 {
		s := scheduler.New(scheduler.Config{Logger: quiet, Redis: rdb, Prefix: prefix, Core: core, Clock: clock})
		if err := s.Start(ctx); err != nil {
			t.Fatalf("start: %v", err)
		}
		scheds = append(scheds, s)
	}
	for now := start; !now.After(end.Add(30 * time.Minute)); now = now.Add(10 * time.Minute) { // a failed last run is retried after end
		clock.Set(now)
		var wg sync.WaitGroup
		for _, s := range scheds {
			wg.Go(func() { _ = s.Tick(ctx, now) }) // the failing first fires report errors; they are retried
		}
		wg.Wait()
	}
	got := map[string]int{}
	for _, j := range core.fired() {
		got[jobKey(j)]++
		// A failed try is retried by another replica in the same tick, or late in the next.
		if j.ID != "hourly" && (j.Late || j.Skip) {
			t.Errorf("run %s: got late %v skipped %v, want on time", jobKey(j), j.Late, j.Skip)
		}
	}
	wantRuns := want(core.triggers, start, end.Add(30*time.Minute))
	if len(got) != len(wantRuns) {
		t.Errorf("got %d runs, want %d", len(got), len(wantRuns))
	}
	for k := range wantRuns {
		if got[k] != 1 {
			t.Errorf("run %s fired %d times, want 1", k, got[k])
		}
	}
	for _, k := range []string{"test|night|2026-03-29T01:00:00Z", "test|morning|2026-03-29T07:00:00Z", "test|morning|2026-03-28T08:00:00Z"} {
		if !wantRuns[k] || got[k] != 1 {
			t.Errorf("run %s: expected %v, fired %d times; want expected and fired once", k, wantRuns[k], got[k])
		}
	}
}

func TestSchedulerCatchesUpAfterDowntime(t *testing.T) {
	rdb, prefix := storetest.MustRedis(t)
	down := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	now := down.Add(10*time.Hour + 30*time.Minute)
	if err := rdb.Set(context.Background(), prefix+"sched:seen", down.UnixMilli(), 0).Err(); err != nil {
		t.Fatalf("seen: %v", err)
	}
	core := &fakeCore{}
	core.add(trigger(t, "hourly", "0 * * * *", down.Add(-time.Hour)))
	s := scheduler.New(scheduler.Config{Logger: quiet, Redis: rdb, Prefix: prefix, Core: core, Clock: bottest.NewClock(now), Grace: 6 * time.Hour})
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	if err := s.Tick(context.Background(), now); err != nil {
		t.Fatalf("tick: %v", err)
	}
	var got []string
	for _, j := range core.fired() {
		state := "on time"
		switch {
		case j.Skip:
			state = "skipped"
		case j.Late:
			state = "late"
		}
		got = append(got, fmt.Sprintf("%s %s", j.Due.Format("15:04"), state))
	}
	wantJobs := []string{"01:00 skipped", "02:00 skipped", "03:00 skipped", "04:00 skipped",
		"05:00 late", "06:00 late", "07:00 late", "08:00 late", "09:00 late", "10:00 late"}
	if fmt.Sprint(got) != fmt.Sprint(wantJobs) {
		t.Errorf("got %v, want %v", got, wantJobs)
	}
}

func TestSchedulerReloadsWhenASchedulesChanges(t *testing.T) {
	rdb, prefix := storetest.MustRedis(t)
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	core := &fakeCore{}
	s := scheduler.New(scheduler.Config{Logger: quiet, Redis: rdb, Prefix: prefix, Versions: core, Core: core, Clock: bottest.NewClock(now)})
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	// Another replica adds a schedule, which bumps the version.
	core.add(trigger(t, "new", "every day at 9:00", now))
	if err := s.Sync(ctx, now.Add(time.Second)); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if got := s.Len(); got != 1 {
		t.Fatalf("got %d triggers after the change, want 1", got)
	}
	if err := s.Tick(ctx, now.Add(time.Hour)); err != nil {
		t.Fatalf("tick: %v", err)
	}
	if got := core.fired(); len(got) != 1 || !got[0].Due.Equal(now.Add(time.Hour)) {
		t.Errorf("got %v, want one run at 09:00", got)
	}
}
