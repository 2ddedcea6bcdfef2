package bot

import (
	"cmp"
	"slices"
)

// MinAnonymity is the lowest anonymity threshold herald accepts: with fewer
// answers behind a figure, an answer can be told from it.
const MinAnonymity = 3

// disclosure is what of a round's answers may leave herald. Every figure that
// results, charts, the trend, exports, goals and the digest show is read
// through it, so that each one stands for at least the anonymity threshold of
// answers, and no two shown figures differ by fewer (complementary
// suppression).
type disclosure struct {
	// round is false when too few people answered to show anything, or when
	// an anonymous round still takes answers (open).
	round bool
	// open is set for an anonymous round that still takes answers: its
	// figures, read before and after one person answers, would tell that
	// answer, so they show once it closes.
	open bool
	// question[q] is true when question q (1-based; index 0 unused) may be
	// shown on its own.
	question []bool
	// matrix is true when the can/want matrix may be shown.
	matrix bool
	// groups are the audience segments as shown, each at least the threshold
	// big; small segments are merged into one "others" group. Nil when the
	// pulse has one segment or they can't be shown apart.
	groups []segGroup
	// merged is true when the segments exist but can't be shown apart.
	merged bool
}

// segGroup is one line of the results by audience: one segment, or the
// segments merged into "others" (here, or when the round was stored).
type segGroup struct {
	segs   []int
	others bool
}

// has reports whether segment seg is in g.
func (g segGroup) has(seg int) bool { return slices.Contains(g.segs, seg) }

// groupOf returns the shown group that holds segment seg.
func (d disclosure) groupOf(seg int) (segGroup, bool) {
	for _, g := range d.groups {
		if g.has(seg) {
			return g, true
		}
	}
	return segGroup{}, false
}

// enough reports whether a figure of n answers may be shown for p: always for
// a named pulse, else from the threshold on. Zero answers reveal nothing.
func (ps *pulses) enough(p *Pulse, n int) bool { return !p.Anonymous || n == 0 || n >= ps.anonymityMin }

// disclose decides what of tally t of pulse p may be shown.
func (ps *pulses) disclose(p *Pulse, t *Tally) disclosure {
	d := disclosure{round: !ps.withheld(p, t.Respondents), question: make([]bool, len(p.Questions)+1)}
	if d.round && p.Anonymous && !t.Closed && ps.clock.Now().Before(t.Closes) {
		d.round, d.open = false, true
	}
	if !d.round {
		return d
	}
	mx, isMatrix := matrixOf(p, t, allSegments)
	d.matrix = isMatrix && mx.Total() > 0 && !ps.withheld(p, mx.Total())
	for i, q := range p.Questions {
		n := t.answers(i+1, allSegments)
		d.question[i+1] = !ps.withheld(p, n)
		// The matrix counts those who answered both its questions; shown next
		// to a question's own figures, the difference would show the answers
		// of those who answered only one.
		if d.matrix && q.Role != "" && !ps.enough(p, n-mx.Total()) {
			d.question[i+1] = false
		}
	}
	d.groups, d.merged = ps.segmentGroups(p, t, d)
	return d
}

// segmentGroups splits the segments of p into groups that may be shown apart:
// each at least the threshold big by the answers behind its headline, the
// small ones merged into "others", and the smallest shown ones folded into
// "others" too while it is smaller than the threshold, since the total minus
// the shown groups would reveal it.
func (ps *pulses) segmentGroups(p *Pulse, t *Tally, d disclosure) ([]segGroup, bool) {
	nsegs := len(segmentTargets(p))
	if slices.ContainsFunc(p.Audience, func(r Ref) bool { return r.Kind == UserRef }) {
		nsegs++
	}
	if nsegs < 2 {
		return nil, false
	}
	size := func(seg int) int { return ps.headlineAnswers(p, t, seg) }
	if ps.headlineAnswers(p, t, allSegments) == 0 || !ps.headlineShown(p, d) {
		return nil, true
	}
	var big []int
	others := segGroup{others: true}
	small := 0
	for seg := range nsegs {
		if len(t.Merged) > 1 && slices.Contains(t.Merged[1:], seg) {
			continue // stored under t.Merged[0]
		}
		if ps.enough(p, size(seg)) && size(seg) > 0 {
			big = append(big, seg)
			continue
		}
		others.segs = append(others.segs, seg)
		small += size(seg)
	}
	slices.SortStableFunc(big, func(a, b int) int { return cmp.Compare(size(a), size(b)) })
	for len(big) > 0 && !ps.enough(p, small) {
		others.segs = append(others.segs, big[0])
		small += size(big[0])
		big = big[1:]
	}
	slices.Sort(big)
	var groups []segGroup
	for _, seg := range big {
		// The segments stored as one read as "others" too.
		groups = append(groups, segGroup{segs: []int{seg}, others: len(t.Merged) > 1 && seg == t.Merged[0]})
	}
	if small > 0 {
		slices.Sort(others.segs)
		groups = append(groups, others)
	}
	if len(groups) < 2 {
		return nil, true
	}
	return groups, false
}

// headlineShown reports whether the figure the segments are compared by may
// be shown for the whole round.
func (ps *pulses) headlineShown(p *Pulse, d disclosure) bool {
	if roleQuestion(p, RoleCan) > 0 && roleQuestion(p, RoleWant) > 0 {
		return d.matrix
	}
	q := headlineQuestion(p)
	return q > 0 && d.question[q]
}

// headlineAnswers returns how many answers the headline of segment seg stands on.
func (ps *pulses) headlineAnswers(p *Pulse, t *Tally, seg int) int {
	if mx, ok := matrixOf(p, t, seg); ok {
		return mx.Total()
	}
	if q := headlineQuestion(p); q > 0 {
		return t.answers(q, seg)
	}
	return 0
}

// headlineQuestion returns the question (1-based) whose answers are a round's
// headline: the first eNPS, else scale, else yes/no question; 0 when none.
func headlineQuestion(p *Pulse) int {
	for _, typ := range []QuestionType{QNPS, QScale5, QYesNo} {
		for i, q := range p.Questions {
			if q.Type == typ {
				return i + 1
			}
		}
	}
	return 0
}

// answers returns how many answers question q got in segment seg (allSegments
// for all); for a free-text question, how many texts.
func (t *Tally) answers(q, seg int) int {
	n := total(t.counts(q, seg))
	if seg == allSegments {
		for _, a := range t.Texts {
			if a.Question == q {
				n++
			}
		}
	}
	return n
}

// only returns the part of t given by the segments segs: their counters and
// tuples, no texts.
func (t *Tally) only(segs []int) *Tally {
	out := &Tally{Counts: map[TallyKey]int{}, SegRespondents: map[int]int{}}
	for k, n := range t.Counts {
		if slices.Contains(segs, k.Segment) {
			out.Counts[k] = n
		}
	}
	for _, tu := range t.Tuples {
		if slices.Contains(segs, tu.Segment) {
			out.Tuples = append(out.Tuples, tu)
		}
	}
	for _, seg := range segs {
		out.SegRespondents[seg] = t.SegRespondents[seg]
		out.Respondents += t.SegRespondents[seg]
	}
	return out
}

// mergeSmall maps the segments (one per invitee) of an anonymous pulse that
// have fewer people than the threshold onto one, with the smallest others
// while that one is still too small, and returns the merged segments (nil
// when none are). Counted apart, a segment of one person named directly
// would hold that person's answers at rest.
func (ps *pulses) mergeSmall(p *Pulse, segs []int) []int {
	if !p.Anonymous {
		return nil
	}
	size := map[int]int{}
	for _, s := range segs {
		size[s]++
	}
	var small, big []int
	n := 0
	for s, k := range size {
		if k < ps.anonymityMin {
			small = append(small, s)
			n += k
		} else {
			big = append(big, s)
		}
	}
	if len(small) == 0 {
		return nil
	}
	slices.SortFunc(big, func(a, b int) int { return cmp.Or(cmp.Compare(size[a], size[b]), cmp.Compare(a, b)) })
	for ; n < ps.anonymityMin && len(big) > 0; big = big[1:] {
		small = append(small, big[0])
		n += size[big[0]]
	}
	slices.Sort(small)
	if len(small) < 2 {
		return nil
	}
	for i, s := range segs {
		if slices.Contains(small, s) {
			segs[i] = small[0]
		}
	}
	return small
}
