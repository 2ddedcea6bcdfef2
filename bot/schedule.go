package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Schedule says when something recurs, in local wall-clock time of its zone.
type Schedule interface {
	// Next returns the first run strictly after after, or the zero time when
	// there is none. A local time that does not exist on a day (a spring
	// daylight-saving gap) runs at the next valid minute; a local time that
	// happens twice (autumn) runs once, at its first occurrence.
	Next(after time.Time) time.Time
	// Location is the zone the schedule's times are read in.
	Location() *time.Location
}

// Schedules reads herald's schedule language: 5-field cron, or
// phrases such as "every weekday at 10:00", each optionally ending with an
// IANA zone. Package schedule implements it.
type Schedules interface {
	// Parse reads spec. loc is the zone when spec names none; anchor is when the
	// schedule was made: "every 2 weeks" counts from anchor's week, and a one-off
	// date before anchor is refused. Returns EINVALID, with a message that says
	// what is wrong and gives an example, when spec can't be read.
	Parse(spec string, loc *time.Location, anchor time.Time) (Schedule, error)
}

// once is a Schedule with one run, at at: the timed work of one thing, such
// as a round's close.
type once struct{ at time.Time }

// Next returns the run if it is after after, else the zero time.
func (o once) Next(after time.Time) time.Time {
	if o.at.After(after) {
		return o.at
	}
	return time.Time{}
}

// Location is the zone of the run.
func (o once) Location() *time.Location { return o.at.Location() }

// Job is one run of something scheduled, handed to Bot.Fire by the scheduler.
type Job struct {
	Kind string    // what runs: "keymsg", "digest", …
	ID   string    // which one, unique within Kind
	Due  time.Time // when it was due
	// Late is set when the run is sent after its time (catch-up after downtime).
	Late bool
	// Skip is set when the run is too old to send; the core records it as skipped.
	Skip bool
}

// Trigger is a schedule the scheduler keeps: a Job of Kind and ID is due at
// every run of Schedule after Since.
type Trigger struct {
	Kind     string
	ID       string
	Schedule Schedule
	Since    time.Time
}

// jobKind is one kind of scheduled work: where its triggers come from and how
// a run is done.
type jobKind struct {
	triggers func(ctx context.Context) ([]Trigger, error)
	fire     func(ctx context.Context, job Job) error
}

// jobKinds are the kinds of scheduled work of the features that are on, by Job.Kind.
type jobKinds map[string]jobKind

// Triggers returns every schedule of every job kind, for the scheduler to load.
func (b *Bot) Triggers(ctx context.Context) ([]Trigger, error) {
	var all []Trigger
	for _, kind := range b.jobs.names() {
		ts, err := b.jobs[kind].triggers(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s triggers: %w", kind, err)
		}
		all = append(all, ts...)
	}
	return all, nil
}

// Fire runs one scheduled job. Running the same job twice is harmless: each
// kind records a run once and the Outbox delivers each message once.
func (b *Bot) Fire(ctx context.Context, job Job) error {
	k, ok := b.jobs[job.Kind]
	if !ok {
		return fmt.Errorf("fire %s %s: unknown job kind", job.Kind, job.ID)
	}
	return k.fire(ctx, job)
}

// names returns the job kinds in a stable order.
func (jk jobKinds) names() []string {
	kinds := make([]string, 0, len(jk))
	for k := range jk {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// scheduleParser reads schedules with herald's default zone.
type scheduleParser struct {
	schedules Schedules // nil when nothing is scheduled
	loc       *time.Location
	minGap    time.Duration // shortest time between runs; 0 means defaultMinInterval
}

// parse reads spec with the default zone.
func (sp scheduleParser) parse(spec string, anchor time.Time) (Schedule, error) {
	if sp.schedules == nil {
		return nil, errors.New("parse schedule: no Schedules configured")
	}
	return sp.schedules.Parse(spec, sp.loc, anchor)
}

// splitID splits a job id "space|id".
func splitID(s string) (space, id string, ok bool) {
	i := strings.LastIndexByte(s, '|')
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}
