package bot

import (
	"strings"
)

// segmentField renders the results by audience: one line per shown group of
// segments, or why they are not shown apart. ok is false when the pulse has
// one segment only.
func (ps *pulses) segmentField(lang string, p *Pulse, t *Tally, d disclosure) (Field, bool) {
	labels := ps.segmentLabels(lang, p, t)
	if labels == nil {
		return Field{}, false
	}
	pr := ps.cat.Printer(lang)
	f := Field{Label: pr.T("pulse.res.segments")}
	if d.merged {
		f.Value = Plain(pr.T("pulse.res.seg.merged", ps.anonymityMin))
		return f, true
	}
	lines := make([]string, len(d.groups))
	for i, g := range d.groups {
		sub := t.only(g.segs)
		line := ps.groupLabel(lang, g, labels) + ": "
		if hl, v, ok := ps.headlineOf(lang, p, sub); ok {
			line += pr.T("pulse.res.seg", hl, formatHeadline(hl, v), ps.headlineAnswers(p, sub, allSegments))
		} else {
			line += pr.T("pulse.res.seg.none", sub.Respondents)
		}
		lines[i] = line
	}
	f.Value = Plain(strings.Join(lines, "\n"))
	return f, true
}

// groupLabel names a shown group: its segment, or "others" with the segments
// merged into it.
func (ps *pulses) groupLabel(lang string, g segGroup, labels []string) string {
	if !g.others {
		return labels[g.segs[0]]
	}
	names := make([]string, len(g.segs))
	for i, seg := range g.segs {
		names[i] = labels[seg]
	}
	return ps.cat.T(lang, "pulse.res.seg.others", strings.Join(names, ", "))
}
