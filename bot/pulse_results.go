package bot

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// allSegments selects every segment of a Tally.
const allSegments = -1

// trendRounds is how many earlier rounds the trend shows.
const trendRounds = 5

// maxTexts is how many free-text answers the results show.
const maxTexts = 15

// counts returns how often each value was given to question q in segment seg
// (allSegments for all).
func (t *Tally) counts(q, seg int) map[string]int {
	out := map[string]int{}
	for k, n := range t.Counts {
		if k.Question == q && (seg == allSegments || k.Segment == seg) {
			out[k.Value] += n
		}
	}
	return out
}

func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// NPS is the employee Net Promoter Score of 0–10 answers: the percentage of
// promoters (9–10) minus that of detractors (0–6).
type NPS struct {
	Score                           int
	Promoters, Passives, Detractors int
	Total                           int
}

// npsOf computes the eNPS of counts.
func npsOf(counts map[string]int) NPS {
	var s NPS
	for v, n := range counts {
		x, _ := strconv.Atoi(v)
		switch {
		case x >= 9:
			s.Promoters += n
		case x >= 7:
			s.Passives += n
		default:
			s.Detractors += n
		}
		s.Total += n
	}
	if s.Total > 0 {
		s.Score = int(math.Round(100 * float64(s.Promoters-s.Detractors) / float64(s.Total)))
	}
	return s
}

func average(counts map[string]int) float64 {
	sum, n := 0, 0
	for v, c := range counts {
		x, _ := strconv.Atoi(v)
		sum += x * c
		n += c
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

func pct(n, of int) int {
	if of == 0 {
		return 0
	}
	return int(math.Round(100 * float64(n) / float64(of)))
}

// Matrix is the can/want matrix: respondents by ability and willingness.
type Matrix struct {
	AbleWilling, AbleNotWilling, WillingNotAble, Neither int
}

// Total is the number of respondents in the matrix.
func (m Matrix) Total() int { return m.AbleWilling + m.AbleNotWilling + m.WillingNotAble + m.Neither }

// roleQuestion returns the question number (1-based) with the role, or 0.
func roleQuestion(p *Pulse, role string) int {
	for i, q := range p.Questions {
		if q.Role == role {
			return i + 1
		}
	}
	return 0
}

// matrixOf builds the can/want matrix from the tuples of seg: 4 or 5 on the
// 1–5 scale counts as able (can) or willing (want).
func matrixOf(p *Pulse, t *Tally, seg int) (Matrix, bool) {
	cq, wq := roleQuestion(p, RoleCan), roleQuestion(p, RoleWant)
	if cq == 0 || wq == 0 {
		return Matrix{}, false
	}
	var m Matrix
	for _, tu := range t.Tuples {
		if seg != allSegments && tu.Segment != seg {
			continue
		}
		cv, ok1 := tu.Values[cq]
		wv, ok2 := tu.Values[wq]
		if !ok1 || !ok2 || cv == "" || wv == "" {
			continue
		}
		c, _ := strconv.Atoi(cv)
		w, _ := strconv.Atoi(wv)
		switch {
		case c >= 4 && w >= 4:
			m.AbleWilling += tu.N
		case c >= 4:
			m.AbleNotWilling += tu.N
		case w >= 4:
			m.WillingNotAble += tu.N
		default:
			m.Neither += tu.N
		}
	}
	return m, true
}

// headline is the one number that sums up a round, with its name in lang, if
// it may be shown (see headlineKind).
func (ps *pulses) headline(lang string, p *Pulse, t *Tally) (label string, value float64, ok bool) {
	if !ps.headlineShown(p, ps.disclose(p, t)) {
		return "", 0, false
	}
	return ps.headlineOf(lang, p, t)
}

// headlineOf computes the headline of t with its name in lang, without asking
// whether it may be shown; ok is false when nobody answered its question.
func (ps *pulses) headlineOf(lang string, p *Pulse, t *Tally) (label string, value float64, ok bool) {
	kind, value, ok := headlineKind(p, t)
	if kind == "" {
		return "", 0, false
	}
	return ps.cat.T(lang, headlineKey(kind)), value, ok
}

// formatHeadline renders a headline value: eNPS with a sign, shares with %.
func formatHeadline(label string, v float64) string {
	switch {
	case label == "eNPS":
		return fmt.Sprintf("%+.0f", v)
	case v == math.Trunc(v) && v > 5:
		return fmt.Sprintf("%.0f%%", v)
	default:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
}

// withheld reports whether results with n respondents must stay hidden.
func (ps *pulses) withheld(p *Pulse, n int) bool { return p.Anonymous && n < ps.anonymityMin }

// segmentLabels names the segments of p, or nil when it has only one; the
// segments stored as one (t.Merged) are named together under the first.
func (ps *pulses) segmentLabels(lang string, p *Pulse, t *Tally) []string {
	var labels []string
	for _, g := range segmentTargets(p) {
		labels = append(labels, g.Label())
	}
	if slices.ContainsFunc(p.Audience, func(r Ref) bool { return r.Kind == UserRef }) {
		labels = append(labels, ps.cat.T(lang, "pulse.seg.direct"))
	}
	if len(labels) < 2 {
		return nil
	}
	if len(t.Merged) > 1 {
		names := make([]string, len(t.Merged))
		for i, seg := range t.Merged {
			names[i] = labels[seg]
		}
		labels[t.Merged[0]] = strings.Join(names, ", ")
	}
	return labels
}

// results renders the results of round r in lang: withheld below the
// anonymity threshold, else every question, the segments and the trend.
func (ps *pulses) results(ctx context.Context, lang string, p *Pulse, r *Round) (*Message, error) {
	pr := ps.cat.Printer(lang)
	t, err := ps.store.Tally(ctx, p.Space, p.ID, r.N)
	if err != nil {
		return nil, fmt.Errorf("tally %s: %w", r.ID(), err)
	}
	m := &Message{Ephemeral: true, Header: pr.T("pulse.res.header", title(pr, p), r.ID())}
	state := pr.T("pulse.res.open", pr.When(r.Closes, ps.loc))
	if r.Closed {
		state = pr.T("pulse.res.closed")
	}
	rate := pr.T("pulse.res.rate", t.Respondents, t.Invited, pct(t.Respondents, t.Invited))
	m.Fallback = m.Header
	d := ps.disclose(p, t)
	if d.open {
		m.Text = Plain(rate + "\n" + pr.T("pulse.res.open.anon", r.ID()))
		m.Context = state
		return m, nil
	}
	if !d.round {
		m.Text = Plain(rate + "\n" + pr.T("pulse.res.withheld", t.Respondents, ps.anonymityMin))
		m.Context = state
		return m, nil
	}
	m.Text = Plain(rate)
	for i := range p.Questions {
		m.Fields = append(m.Fields, ps.questionField(lang, p, t, i+1, d))
	}
	if mx, ok := matrixOf(p, t, allSegments); ok {
		text := ps.matrixText(lang, mx)
		if !d.matrix {
			text = pr.T("pulse.res.part.withheld", mx.Total(), ps.anonymityMin)
		}
		m.Fields = append(m.Fields, Field{Label: pr.T("pulse.res.matrix"), Value: Plain(text)})
	}
	if f, ok := ps.segmentField(lang, p, t, d); ok {
		m.Fields = append(m.Fields, f)
	}
	if !p.Anonymous {
		m.Fields = append(m.Fields, ps.namedField(lang, p, t))
	}
	trend, err := ps.trend(ctx, lang, p, r, t)
	if err != nil {
		return nil, err
	}
	if len(trend) > 1 {
		parts := make([]string, len(trend))
		for i, pt := range trend {
			parts[i] = pt.Label + ": " + formatHeadline(ps.trendLabel(lang, p, t), pt.Value)
		}
		m.Fields = append(m.Fields, Field{Label: pr.T("pulse.res.trend", ps.trendLabel(lang, p, t)), Value: Plain(strings.Join(parts, " → "))})
	}
	m.Image = ps.chart(lang, p, t, trend)
	m.Context = state
	return m, nil
}

func (ps *pulses) trendLabel(lang string, p *Pulse, t *Tally) string {
	l, _, _ := ps.headlineOf(lang, p, t)
	return l
}

// trend returns the headline of up to trendRounds earlier rounds that may be
// shown, and of r, oldest first.
func (ps *pulses) trend(ctx context.Context, lang string, p *Pulse, r *Round, cur *Tally) ([]ChartPoint, error) {
	var pts []ChartPoint
	for n := max(1, r.N-trendRounds); n < r.N; n++ {
		t, err := ps.store.Tally(ctx, p.Space, p.ID, n)
		if err != nil {
			return nil, fmt.Errorf("tally %s.%d: %w", p.ID, n, err)
		}
		if _, v, ok := ps.headline(lang, p, t); ok {
			pts = append(pts, ChartPoint{Label: ps.cat.T(lang, "pulse.res.round", n), Value: v})
		}
	}
	if _, v, ok := ps.headline(lang, p, cur); ok {
		pts = append(pts, ChartPoint{Label: ps.cat.T(lang, "pulse.res.round", r.N), Value: v})
	}
	return pts, nil
}

// chart draws the trend and the distribution of the headline question, or
// returns nil when there is no Charter or nothing to draw.
func (ps *pulses) chart(lang string, p *Pulse, t *Tally, trend []ChartPoint) *Image {
	if ps.charts == nil {
		return nil
	}
	pr := ps.cat.Printer(lang)
	c := Chart{Title: title(pr, p), TrendLabel: ps.trendLabel(lang, p, t), Trend: trend, DistLabel: pr.T("pulse.res.answers")}
	d := ps.disclose(p, t)
	mx, isMatrix := matrixOf(p, t, allSegments)
	switch {
	case isMatrix && d.matrix:
		c.Dist = []ChartPoint{
			{Label: pr.T("pulse.res.q.aw"), Value: float64(mx.AbleWilling)},
			{Label: pr.T("pulse.res.q.anw"), Value: float64(mx.AbleNotWilling)},
			{Label: pr.T("pulse.res.q.wna"), Value: float64(mx.WillingNotAble)},
			{Label: pr.T("pulse.res.q.none"), Value: float64(mx.Neither)},
		}
	case !isMatrix:
		c.Dist = ps.firstDistribution(lang, p, t, d)
	}
	if len(c.Dist) == 0 && len(c.Trend) < 2 { // one round is no trend
		return nil
	}
	png, err := ps.charts.Draw(c)
	if err != nil {
		ps.log.Error("results chart failed; results sent without it", "pulse", p.ID, "err", err)
		return nil
	}
	return &Image{PNG: png, Alt: pr.T("pulse.res.chart.alt", title(pr, p))}
}

// firstDistribution returns the answers to the first counted question, unless
// too few answered it.
func (ps *pulses) firstDistribution(lang string, p *Pulse, t *Tally, d disclosure) []ChartPoint {
	for i, q := range p.Questions {
		if q.Type == QText {
			continue
		}
		if !d.question[i+1] {
			return nil
		}
		counts := t.counts(i+1, allSegments)
		var out []ChartPoint
		for _, v := range values(q) {
			out = append(out, ChartPoint{Label: ps.valueLabel(lang, q, v), Value: float64(counts[v])})
		}
		return out
	}
	return nil
}

// values lists the possible answers of a question that is counted, in order.
func values(q Question) []string {
	switch q.Type {
	case QNPS, QScale5:
		lo, hi := scaleRange(q.Type)
		var out []string
		for v := lo; v <= hi; v++ {
			out = append(out, strconv.Itoa(v))
		}
		return out
	case QYesNo:
		return []string{"yes", "no"}
	case QChoice:
		out := make([]string, len(q.Options))
		for i := range q.Options {
			out[i] = strconv.Itoa(i + 1)
		}
		return out
	}
	return nil
}

// valueLabel is how a stored value reads: the option of a choice, yes/no in lang.
func (ps *pulses) valueLabel(lang string, q Question, v string) string {
	switch q.Type {
	case QYesNo:
		return ps.cat.T(lang, yesNoKey(v))
	case QChoice:
		if i, err := strconv.Atoi(v); err == nil && i >= 1 && i <= len(q.Options) {
			return q.Options[i-1]
		}
	}
	return v
}

// questionField renders the results of question q (1-based).
func (ps *pulses) questionField(lang string, p *Pulse, t *Tally, q int, d disclosure) Field {
	pr := ps.cat.Printer(lang)
	question := p.Questions[q-1]
	f := Field{Label: fmt.Sprintf("%d. %s", q, questionText(pr, p, q))}
	counts := t.counts(q, allSegments)
	n := total(counts)
	switch all := t.answers(q, allSegments); {
	case question.Type == QText && all == 0:
		f.Value = Plain(pr.T("pulse.res.texts.none"))
		return f
	case !d.question[q] && ps.withheld(p, all):
		// Enough people answered the round, but not this question.
		f.Value = Plain(pr.T("pulse.res.part.withheld", all, ps.anonymityMin))
		return f
	case !d.question[q]:
		f.Value = Plain(pr.T("pulse.res.part.matrix"))
		return f
	}
	var lines []string
	switch question.Type {
	case QNPS:
		s := npsOf(counts)
		lines = append(lines, pr.T("pulse.res.enps", s.Score, pct(s.Promoters, n), pct(s.Passives, n), pct(s.Detractors, n)))
		lines = append(lines, ps.bars(lang, question, counts)...)
	case QScale5:
		lines = append(lines, pr.T("pulse.res.avg", average(counts)))
		lines = append(lines, ps.bars(lang, question, counts)...)
	case QYesNo:
		lines = append(lines, pr.T("pulse.res.yesno", pct(counts["yes"], n), counts["yes"], pct(counts["no"], n), counts["no"]))
	case QChoice:
		vs := values(question)
		slices.SortStableFunc(vs, func(x, y string) int { return counts[y] - counts[x] })
		for _, v := range vs {
			lines = append(lines, fmt.Sprintf("%s: %d (%d%%)", ps.valueLabel(lang, question, v), counts[v], pct(counts[v], n)))
		}
	case QText:
		var texts []string
		for _, a := range t.Texts {
			if a.Question == q {
				texts = append(texts, a.Text)
			}
		}
		rand.Shuffle(len(texts), func(i, j int) { texts[i], texts[j] = texts[j], texts[i] })
		for i, x := range texts {
			if i == maxTexts {
				lines = append(lines, pr.T("pulse.res.texts.more", len(texts)-maxTexts))
				break
			}
			lines = append(lines, "• "+x)
		}
		if len(texts) == 0 {
			lines = append(lines, pr.T("pulse.res.texts.none"))
		}
		n = len(texts)
	}
	if question.Type != QText {
		lines = append(lines, pr.T("pulse.res.n", n))
	}
	f.Value = Plain(strings.Join(lines, "\n"))
	return f
}

// bars renders the distribution of a rating question as text bars.
func (ps *pulses) bars(lang string, q Question, counts map[string]int) []string {
	n := total(counts)
	var out []string
	for _, v := range values(q) {
		w := 0
		if n > 0 {
			w = int(math.Round(20 * float64(counts[v]) / float64(n)))
		}
		out = append(out, fmt.Sprintf("%2s %s %d", v, strings.Repeat("█", w)+strings.Repeat("·", 20-w), counts[v]))
	}
	return out
}

// matrixText renders the can/want matrix with what each quadrant needs.
func (ps *pulses) matrixText(lang string, m Matrix) string {
	pr := ps.cat.Printer(lang)
	n := m.Total()
	return strings.Join([]string{
		pr.T("pulse.res.q.aw") + fmt.Sprintf(": %d (%d%%)", m.AbleWilling, pct(m.AbleWilling, n)) + " · " + pr.T("pulse.res.need.aw"),
		pr.T("pulse.res.q.anw") + fmt.Sprintf(": %d (%d%%)", m.AbleNotWilling, pct(m.AbleNotWilling, n)) + " · " + pr.T("pulse.res.need.anw"),
		pr.T("pulse.res.q.wna") + fmt.Sprintf(": %d (%d%%)", m.WillingNotAble, pct(m.WillingNotAble, n)) + " · " + pr.T("pulse.res.need.wna"),
		pr.T("pulse.res.q.none") + fmt.Sprintf(": %d (%d%%)", m.Neither, pct(m.Neither, n)) + " · " + pr.T("pulse.res.need.none"),
	}, "\n")
}

// yesNoKey is the catalog key of a yes/no answer value ("yes" or "no").
func yesNoKey(v string) string { return "pulse." + v }
