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

// headlineKind measures the one number that sums up a round, without asking
// whether it may be shown: the can/want share of able and willing, else the
// eNPS, else the first scale's average, else the first yes/no question's share
// of yes (headlineQuestion). kind is "" when the pulse has none of these; ok
// is false when nobody answered its question.
func headlineKind(p *Pulse, t *Tally) (kind string, value float64, ok bool) {
	if m, isMatrix := matrixOf(p, t, allSegments); isMatrix {
		return HeadAbleWilling, float64(pct(m.AbleWilling, m.Total())), m.Total() > 0
	}
	q := headlineQuestion(p)
	if q == 0 {
		return "", 0, false
	}
	c := t.counts(q, allSegments)
	switch p.Questions[q-1].Type {
	case QNPS:
		return HeadENPS, float64(npsOf(c).Score), total(c) > 0
	case QScale5:
		return HeadAverage, math.Round(average(c)*10) / 10, total(c) > 0
	default:
		return HeadYes, float64(pct(c["yes"], total(c))), total(c) > 0
	}
}

// wordsHeadline sums up a round of a pulse without a rating, if d lets it be
// shown: the most chosen option of its first choice question, else how many
// wrote an answer to its first free-text question.
func wordsHeadline(p *Pulse, t *Tally, d disclosure) (kind, top string, value float64, ok bool) {
	if i := slices.IndexFunc(p.Questions, func(q Question) bool { return q.Type == QChoice }); i >= 0 {
		c := t.counts(i+1, allSegments)
		if total(c) == 0 || !d.question[i+1] {
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
	if i := slices.IndexFunc(p.Questions, func(q Question) bool { return q.Type == QText }); i >= 0 && d.question[i+1] {
		return HeadTexts, "", float64(t.answers(i+1, allSegments)), true
	}
	return "", "", 0, false
}

// digestHeadline is the headline of a round as the digest shows it, if d lets
// it be shown: the rating of headlineKind, else for a pulse without a rating
// the one of wordsHeadline.
func (ps *pulses) digestHeadline(p *Pulse, t *Tally, d disclosure) (kind, top string, value float64, ok bool) {
	if kind, value, ok := headlineKind(p, t); kind != "" {
		return kind, "", value, ok && ps.headlineShown(p, d)
	}
	return wordsHeadline(p, t, d)
}

// PulseHeadline sums up one round of a pulse for the executive digest.
type PulseHeadline struct {
	Pulse       string
	Title       string
	Round       int
	Kind        string  // what Value measures: HeadENPS, HeadAverage, …; "" when Withheld
	Top         string  // HeadChoice: the most chosen option
	Value       float64 // the round's headline number
	Previous    float64 // the previous shown round's value, when HasPrevious
	HasPrevious bool
	Respondents int
	Invited     int
	Withheld    bool // its headline may not be shown (see headlines): no Kind, no Value
	// Open is set, with Withheld, for an anonymous round that still takes
	// answers: its headline shows once it closes.
	Open bool
}

// headlines returns the headline of each pulse round of a space opened
// in month, for the executive digest, with titles in lang. Rounds whose
// headline may not be shown (too few answers, an anonymous round still open,
// or nothing to sum up) come back Withheld, without values.
func (ps *pulses) headlines(ctx context.Context, space string, month Month, lang string) ([]PulseHeadline, error) {
	list, err := ps.store.Pulses(ctx, space)
	if err != nil {
		return nil, fmt.Errorf("list pulses: %w", err)
	}
	pr := ps.cat.Printer(lang)
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
			h := PulseHeadline{Pulse: p.ID, Title: title(pr, p), Round: n, Respondents: t.Respondents, Invited: t.Invited}
			d := ps.disclose(p, t)
			var ok bool
			h.Kind, h.Top, h.Value, ok = ps.digestHeadline(p, t, d)
			h.Withheld = !ok
			h.Open = !ok && d.open
			if ok && prev != nil && prev.Kind == h.Kind && prev.Kind != HeadChoice && prev.Kind != HeadTexts {
				h.Previous, h.HasPrevious = prev.Value, true
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
