package bot

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Headline kinds: what the one number that sums up a round measures.
const (
	HeadAbleWilling = "aw"     // the share of able & willing in the can/want matrix, in %
	HeadENPS        = "enps"   // the eNPS, −100 … +100
	HeadAverage     = "avg"    // the average of a 1–5 scale
	HeadYes         = "yes"    // the share of yes, in %
	HeadChoice      = "choice" // the share of the most chosen option, in %; Top names it
	HeadTexts       = "texts"  // how many written answers came in
)

// headlineKinds lists the headline kinds, for tests of the catalog.
func headlineKinds() []string {
	return []string{HeadAbleWilling, HeadENPS, HeadAverage, HeadYes, HeadChoice, HeadTexts}
}

// headlineKey is the catalog key of a headline kind's short name: "pulse.res.avg.short".
func headlineKey(kind string) string { return "pulse.res." + kind + ".short" }

// headlineKind is the one number that sums up a round and what it measures:
// the can/want share of able and willing, else the eNPS, else the first
// scale's average, else the first yes/no question's share of yes.
func (ps *pulses) headlineKind(p *Pulse, t *Tally, seg int) (kind string, value float64, ok bool) {
	if m, ok := matrixOf(p, t, seg); ok {
		return HeadAbleWilling, float64(pct(m.AbleWilling, m.Total())), m.Total() > 0 && !ps.withheld(p, m.Total())
	}
	for _, typ := range []QuestionType{QNPS, QScale5, QYesNo} {
		i := slices.IndexFunc(p.Questions, func(q Question) bool { return q.Type == typ })
		if i < 0 {
			continue
		}
		c := t.counts(i+1, seg)
		if total(c) == 0 || ps.withheld(p, total(c)) {
			return "", 0, false
		}
		switch typ {
		case QNPS:
			return HeadENPS, float64(npsOf(c).Score), true
		case QScale5:
			return HeadAverage, math.Round(average(c)*10) / 10, true
		default:
			return HeadYes, float64(pct(c["yes"], total(c))), true
		}
	}
	return "", 0, false
}

// wordsHeadline sums up a round of a pulse without a rating: the most chosen
// option of its first choice question, else how many wrote an answer.
func (ps *pulses) wordsHeadline(p *Pulse, t *Tally) (kind, top string, value float64, ok bool) {
	if i := slices.IndexFunc(p.Questions, func(q Question) bool { return q.Type == QChoice }); i >= 0 {
		c := t.counts(i+1, allSegments)
		if total(c) == 0 || ps.withheld(p, total(c)) {
			return "", "", 0, false
		}
		best := 0
		for n := 1; n <= len(p.Questions[i].Options); n++ {
			if best == 0 || c[strconv.Itoa(n)] > c[strconv.Itoa(best)] {
				best = n
			}
		}
		return HeadChoice, p.Questions[i].Options[best-1], float64(pct(c[strconv.Itoa(best)], total(c))), true
	}
	if slices.ContainsFunc(p.Questions, func(q Question) bool { return q.Type == QText }) {
		return HeadTexts, "", float64(len(t.Texts)), true
	}
	return "", "", 0, false
}

// PulseHeadline sums up one round of a pulse for the executive digest.
type PulseHeadline struct {
	Pulse       string
	Title       string
	Round       int
	Kind        string  // what Value measures: HeadENPS, HeadAverage, …; "" when nothing can be said
	Top         string  // HeadChoice: the most chosen option
	Value       float64 // the round's headline number
	Previous    float64 // the previous shown round's value, when HasPrevious
	HasPrevious bool
	Respondents int
	Invited     int
	Withheld    bool // fewer respondents than the anonymity threshold: no Value
}

// headlines returns the headline of each pulse round of a space opened
// in month, for the executive digest, with titles in lang. Rounds below the
// anonymity threshold come back Withheld, without values.
func (ps *pulses) headlines(ctx context.Context, space string, month Month, lang string) ([]PulseHeadline, error) {
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
			h := PulseHeadline{Pulse: p.ID, Title: title(ps.cat.Printer(lang), p), Round: n, Respondents: t.Respondents, Invited: t.Invited,
				Withheld: ps.withheld(p, t.Respondents)}
			if !h.Withheld {
				var ok bool
				if h.Kind, h.Value, ok = ps.headlineKind(p, t, allSegments); !ok {
					h.Kind, h.Top, h.Value, _ = ps.wordsHeadline(p, t)
				}
				if prev != nil && prev.Kind == h.Kind && prev.Kind != HeadChoice && prev.Kind != HeadTexts {
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
// month, as the executive digest shows them, with titles in lang.
func (b *Bot) PulseHeadlines(ctx context.Context, space string, month Month, lang string) ([]PulseHeadline, error) {
	if b.pulses == nil {
		return nil, nil
	}
	return b.pulses.headlines(ctx, space, month, lang)
}
