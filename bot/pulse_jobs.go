package bot

import (
	"context"
	"fmt"
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
