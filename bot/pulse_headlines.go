package bot

import (
	"context"
	"fmt"
)

// PulseHeadline sums up one round of a pulse for the executive digest.
type PulseHeadline struct {
	Pulse       string
	Title       string
	Round       int
	Label       string  // what Value measures: "eNPS", "able & willing", …
	Value       float64 // the round's headline number
	Previous    float64 // the previous shown round's value, when HasPrevious
	HasPrevious bool
	Respondents int
	Invited     int
	Withheld    bool // too few answers to its headline question to show it: no Value
	// Open is set, with Withheld, for an anonymous round that still takes
	// answers: its headline shows once it closes.
	Open bool
}

// headlines returns the headline of each pulse round of a space opened
// in month, for the executive digest. Rounds whose headline may not be shown
// (too few answers, or nothing to sum up) come back Withheld, without values.
func (ps *pulses) headlines(ctx context.Context, space string, month Month) ([]PulseHeadline, error) {
	list, err := ps.store.Pulses(ctx, space)
	if err != nil {
		return nil, fmt.Errorf("list pulses: %w", err)
	}
	var out []PulseHeadline
	for i := range list {
		p := &list[i]
		var prev *PulseHeadline
		for n := 1; n <= p.Rounds; n++ {
			r, err := ps.store.Round(ctx, space, p.ID, n)
			if err != nil {
				return nil, fmt.Errorf("load round %s.%d: %w", p.ID, n, err)
			}
			t, err := ps.store.Tally(ctx, space, p.ID, n)
			if err != nil {
				return nil, fmt.Errorf("tally %s.%d: %w", p.ID, n, err)
			}
			h := PulseHeadline{Pulse: p.ID, Title: p.Title, Round: n, Respondents: t.Respondents, Invited: t.Invited}
			var ok bool
			h.Label, h.Value, ok = ps.headline("", p, t)
			h.Withheld = !ok
			h.Open = !ok && ps.disclose(p, t).open
			if ok {
				if prev != nil {
					h.Previous, h.HasPrevious = prev.Value, true
				}
			}
			if MonthOf(r.Opened, ps.loc) == month {
				out = append(out, h)
			}
			if !h.Withheld {
				prev = &h
			}
		}
	}
	return out, nil
}

// PulseHeadlines returns the headline of each pulse round of a space opened in
// month, as the executive digest shows them.
func (b *Bot) PulseHeadlines(ctx context.Context, space string, month Month) ([]PulseHeadline, error) {
	if b.pulses == nil {
		return nil, nil
	}
	return b.pulses.headlines(ctx, space, month)
}
