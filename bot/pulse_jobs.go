package bot

import (
	"context"
	"fmt"
	"time"
)

// pulseJob is the job kind that opens the next round of a recurring pulse.
const pulseJob = "pulse"

// job is the pulses' kind of scheduled work: the next round of a recurring pulse.
func (ps *pulses) job() jobKind { return jobKind{triggers: ps.pulseTriggers, fire: ps.firePulse} }

// pulseTriggers returns a trigger for every recurring pulse that runs on.
func (ps *pulses) pulseTriggers(ctx context.Context) ([]Trigger, error) {
	list, err := ps.store.RecurringPulses(ctx)
	if err != nil {
		return nil, fmt.Errorf("load recurring pulses: %w", err)
	}
	ts := make([]Trigger, 0, len(list))
	for _, p := range list {
		if p.Every == "" || p.Stopped {
			continue
		}
		s, err := ps.sched.parse(p.Every, p.Created)
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
func (ps *pulses) firePulse(ctx context.Context, job Job) error {
	space, id, ok := splitID(job.ID)
	if !ok {
		return fmt.Errorf("pulse job %q: bad id", job.ID)
	}
	if job.Skip {
		ps.log.Info("pulse round skipped: missed while herald was down", "pulse", job.ID, "due", job.Due)
		return nil
	}
	p, err := ps.store.Pulse(ctx, space, id)
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
		r, err := ps.store.Round(ctx, space, id, p.Rounds)
		if err != nil {
			return fmt.Errorf("load round %s.%d: %w", id, p.Rounds, err)
		}
		if !r.Opened.Before(job.Due) {
			return nil // this run's round is open already
		}
	}
	if _, err := ps.openNextRound(ctx, space, id, job.Due); err != nil {
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
func (ps *pulses) addRoundJobs(jobs jobKinds) {
	jobs[remindJob] = jobKind{
		triggers: func(ctx context.Context) ([]Trigger, error) {
			return ps.roundTriggers(ctx, remindJob, func(r *Round) time.Time {
				return r.Closes.Add(-remindBefore(r.Closes.Sub(r.Opened)))
			})
		},
		fire: ps.fireRemind,
	}
	jobs[closeJob] = jobKind{
		triggers: func(ctx context.Context) ([]Trigger, error) {
			return ps.roundTriggers(ctx, closeJob, func(r *Round) time.Time { return r.Closes })
		},
		fire: ps.fireClose,
	}
}

// roundTriggers returns a one-off trigger of kind for every open round, due at
// the time at picks. Rounds close at most maxCloses after they open, so every
// open round closes before now + maxCloses. A round that can't be read is
// logged and left out, so that it holds up neither the other rounds nor any
// other schedule; an unreachable store fails the load.
func (ps *pulses) roundTriggers(ctx context.Context, kind string, at func(r *Round) time.Time) ([]Trigger, error) {
	keys, err := ps.store.DueRounds(ctx, ps.clock.Now().Add(maxCloses))
	if err != nil {
		return nil, fmt.Errorf("open rounds: %w", err)
	}
	ts := make([]Trigger, 0, len(keys))
	for _, k := range keys {
		r, err := ps.store.Round(ctx, k.Space, k.Pulse, k.Round)
		switch ErrorCode(err) {
		case "":
		case ENOTFOUND:
			continue
		case EUNAVAILABLE:
			return nil, fmt.Errorf("load round %s.%d: %w", k.Pulse, k.Round, err)
		default:
			ps.log.Error("pulse round left out of the schedule: it can't be read", "space", k.Space, "pulse", k.Pulse, "round", k.Round, "err", err)
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
func (ps *pulses) jobRound(ctx context.Context, job Job) (*Pulse, *Round, error) {
	space, rid, ok := splitID(job.ID)
	pulseID, n, rok := parseRoundID(rid)
	if !ok || !rok {
		return nil, nil, fmt.Errorf("%s job %q: bad id", job.Kind, job.ID)
	}
	p, err := ps.store.Pulse(ctx, space, pulseID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load pulse %s: %w", pulseID, err)
	}
	r, err := ps.store.Round(ctx, space, pulseID, n)
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
func (ps *pulses) fireRemind(ctx context.Context, job Job) error {
	p, r, err := ps.jobRound(ctx, job)
	if err != nil || r == nil || !r.IsOpen(ps.clock.Now()) {
		return err
	}
	first, err := ps.store.SetReminded(ctx, p.Space, p.ID, r.N)
	if err != nil || !first {
		return err
	}
	if _, err := ps.remind(ctx, p, r); err != nil {
		return fmt.Errorf("remind %s: %w", r.ID(), err)
	}
	return nil
}

// fireClose closes the round and sends its results to the owner; a round
// closed already (by hand, or by an earlier run) is left alone. Late runs
// close too: a round must not stay open.
func (ps *pulses) fireClose(ctx context.Context, job Job) error {
	p, r, err := ps.jobRound(ctx, job)
	if err != nil || r == nil || r.Closed {
		return err
	}
	return ps.closeRound(ctx, p, r, Ref{})
}
