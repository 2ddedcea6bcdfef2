package bot

import (
	"context"
	"fmt"
	"strings"
)

// digestPulses is the digest's pulse section: each round opened in the month
// with its headline, its change against the round before and its response
// rate, in plain words. Rounds whose headline may not be shown say so.
func (dg *digest) digestPulses(ctx context.Context, d *digestRun) (*Field, error) {
	heads, err := dg.pulses.headlines(ctx, d.space, d.month, d.c.lang)
	if err != nil {
		return nil, err
	}
	if len(heads) == 0 {
		return nil, nil
	}
	var lines []string
	for _, h := range heads {
		name := fmt.Sprintf("%s (%s.%d)", h.Title, h.Pulse, h.Round)
		rate := d.t("digest.pulse.rate", h.Respondents, h.Invited, pct(h.Respondents, h.Invited))
		if h.Open {
			lines = append(lines, "• "+d.t("digest.pulse.open", name, rate))
			continue
		}
		if h.Withheld {
			lines = append(lines, "• "+d.t("digest.pulse.withheld", name, rate))
			continue
		}
		var line string
		switch h.Kind {
		case HeadChoice:
			line = d.t("digest.pulse.choice", name, h.Top, int(h.Value))
		case HeadTexts:
			line = d.t("digest.pulse.texts", int(h.Value), name)
		case HeadENPS:
			line = d.t("digest.pulse.value", name, d.t("digest.pulse.enps"), formatKind(h.Kind, h.Value)) // plain words for executives
		default:
			line = d.t("digest.pulse.value", name, d.t(headlineKey(h.Kind)), formatKind(h.Kind, h.Value))
		}
		if h.HasPrevious {
			switch delta := h.Value - h.Previous; {
			case delta > 0:
				line += " " + d.t("digest.pulse.up", formatDelta(delta))
			case delta < 0:
				line += " " + d.t("digest.pulse.down", formatDelta(-delta))
			default:
				line += " " + d.t("digest.pulse.same")
			}
		}
		lines = append(lines, "• "+line+" "+rate)
	}
	return &Field{Label: d.t("digest.pulses"), Value: Plain(strings.Join(lines, "\n"))}, nil
}

// formatKind renders a headline value of kind: the eNPS with a sign, an
// average with one decimal, shares with %.
func formatKind(kind string, v float64) string {
	switch kind {
	case HeadENPS:
		return fmt.Sprintf("%+.0f", v)
	case HeadAverage:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f%%", v)
}

// formatDelta renders a change of a headline: whole numbers without decimals.
func formatDelta(v float64) string {
	if v == float64(int(v)) {
		return fmt.Sprintf("%d", int(v))
	}
	return fmt.Sprintf("%.1f", v)
}

// digestGoals is the digest's goal section: each goal with where it stands.
func (dg *digest) digestGoals(ctx context.Context, d *digestRun) (*Field, error) {
	list, err := dg.goals.progress(ctx, d.space)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, nil
	}
	lines := make([]string, len(list))
	for i, s := range list {
		lines[i] = "• " + d.c.goalLine(s)
	}
	return &Field{Label: d.t("digest.goals"), Value: Plain(strings.Join(lines, "\n"))}, nil
}
