package bot

import (
	"context"
	"fmt"
	"time"
)

// pulseJob is the job kind that opens the next round of a recurring pulse.
const pulseJob = "pulse"

// pulseTriggers returns a trigger for every recurring pulse that runs on.
func (b *Bot) pulseTriggers(ctx context.Context) ([]Trigger, error) {
	list, err := b.cfg.Pulses.RecurringPulses(ctx)
	if err != nil {
		return nil, fmt.Errorf("load recurring pulses: %w", err)
	}
	ts := make([]Trigger, 0, len(list))
	for _, p := range list {
		if p.Every == "" || p.Stopped {
			continue
		}
		s, err := b.parseSchedule(p.Every, p.Created)
		if err != nil {
			return nil, fmt.Errorf("pulse %s %s: schedule %q: %w", p.Space, p.ID, p.Every, err)
		}
		ts = append(ts, Trigger{Kind: pulseJob, ID: p.Space + "|" + p.ID, Schedule: s, Since: p.Created})
	}
	return ts, nil
}

// firePulse opens the round of a recurring pulse that is due. A run whose
// round is open already (a second replica, a retry) opens nothing, and a run
// too late to send is only logged: a survey opened hours late would read oddly.
func (b *Bot) firePulse(ctx context.Context, job Job) error {
	space, id, ok := splitID(job.ID)
	if !ok {
		return fmt.Errorf("pulse job %q: bad id", job.ID)
	}
	if job.Skip {
		b.log.Info("pulse round skipped: missed while herald was down", "pulse", job.ID, "due", job.Due)
		return nil
	}
	p, err := b.cfg.Pulses.Pulse(ctx, space, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load pulse %s: %w", id, err)
	}
	if p.Stopped {
		return nil
	}
	if p.Rounds > 0 {
		r, err := b.cfg.Pulses.Round(ctx, space, id, p.Rounds)
		if err != nil {
			return fmt.Errorf("load round %s.%d: %w", id, p.Rounds, err)
		}
		if !r.Opened.Before(job.Due) {
			return nil // this run's round is open already
		}
	}
	if _, err := b.OpenRound(ctx, space, id, job.Due); err != nil {
		return fmt.Errorf("open round of %s: %w", id, err)
	}
	return nil
}

// Job kinds of an open round's timed work: its one reminder before close, and
// closing it with the results to the owner. Each round has a one-off trigger
// of each kind, so that every replica's scheduler claims each run once.
const (
	remindJob = "pulse-remind"
	closeJob  = "pulse-close"
)

// addRoundJobs registers the job kinds of open rounds.
func (b *Bot) addRoundJobs() {
	b.jobs[remindJob] = jobKind{
		triggers: func(ctx context.Context) ([]Trigger, error) {
			return b.roundTriggers(ctx, remindJob, func(r *Round) time.Time {
				return r.Closes.Add(-remindBefore(r.Closes.Sub(r.Opened)))
			})
		},
		fire: b.fireRemind,
	}
	b.jobs[closeJob] = jobKind{
		triggers: func(ctx context.Context) ([]Trigger, error) {
			return b.roundTriggers(ctx, closeJob, func(r *Round) time.Time { return r.Closes })
		},
		fire: b.fireClose,
	}
}

// roundTriggers returns a one-off trigger of kind for every open round, due at
// the time at picks. Rounds close at most maxCloses after they open, so every
// open round closes before now + maxCloses. A round that can't be read is
// logged and left out, so that it holds up neither the other rounds nor any
// other schedule; an unreachable store fails the load.
func (b *Bot) roundTriggers(ctx context.Context, kind string, at func(r *Round) time.Time) ([]Trigger, error) {
	keys, err := b.cfg.Pulses.DueRounds(ctx, b.cfg.Clock.Now().Add(maxCloses))
	if err != nil {
		return nil, fmt.Errorf("open rounds: %w", err)
	}
	ts := make([]Trigger, 0, len(keys))
	for _, k := range keys {
		r, err := b.cfg.Pulses.Round(ctx, k.Space, k.Pulse, k.Round)
		switch ErrorCode(err) {
		case "":
		case ENOTFOUND:
			continue
		case EUNAVAILABLE:
			return nil, fmt.Errorf("load round %s.%d: %w", k.Pulse, k.Round, err)
		default:
			b.log.Error("pulse round left out of the schedule: it can't be read", "space", k.Space, "pulse", k.Pulse, "round", k.Round, "err", err)
			continue
		}
		if r.Closed {
			continue
		}
		ts = append(ts, Trigger{Kind: kind, ID: k.Space + "|" + r.ID(), Schedule: once{at(r)}, Since: r.Opened})
	}
	return ts, nil
}

// jobRound loads the pulse and round a round job names; both are nil when
// the round is gone.
func (b *Bot) jobRound(ctx context.Context, job Job) (*Pulse, *Round, error) {
	space, rid, ok := splitID(job.ID)
	pulseID, n, rok := parseRoundID(rid)
	if !ok || !rok {
		return nil, nil, fmt.Errorf("%s job %q: bad id", job.Kind, job.ID)
	}
	p, err := b.cfg.Pulses.Pulse(ctx, space, pulseID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load pulse %s: %w", pulseID, err)
	}
	r, err := b.cfg.Pulses.Round(ctx, space, pulseID, n)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load round %s: %w", rid, err)
	}
	return p, r, nil
}

// fireRemind sends the round's reminder to the people who have not answered
// every question yet, once, while the round is open; a run missed until after
// close sends nothing.
func (b *Bot) fireRemind(ctx context.Context, job Job) error {
	p, r, err := b.jobRound(ctx, job)
	if err != nil || r == nil || !r.IsOpen(b.cfg.Clock.Now()) {
		return err
	}
	first, err := b.cfg.Pulses.SetReminded(ctx, p.Space, p.ID, r.N)
	if err != nil || !first {
		return err
	}
	if _, err := b.remind(ctx, p, r); err != nil {
		return fmt.Errorf("remind %s: %w", r.ID(), err)
	}
	return nil
}

// fireClose closes the round and sends its results to the owner; a round
// closed already (by hand, or by an earlier run) is left alone. Late runs
// close too: a round must not stay open.
func (b *Bot) fireClose(ctx context.Context, job Job) error {
	p, r, err := b.jobRound(ctx, job)
	if err != nil || r == nil || r.Closed {
		return err
	}
	return b.closeRound(ctx, p, r, Ref{})
}
