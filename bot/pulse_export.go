package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// export returns a closed round as CSV, holding only what its results show:
// rows in random order, free text in rows of its own apart from the scores,
// audience labels only for the groups the results show apart, and no cell a
// spreadsheet would run as a formula. Rounds still open are not exported, so
// that two exports can't be compared to single out the answers in between.
func (ps *pulses) export(ctx context.Context, lang string, p *Pulse, r *Round) (*Message, error) {
	pr := ps.cat.Printer(lang)
	if !r.Closed {
		return reply(Plain(pr.T("pulse.export.notyet", r.ID(), pr.When(r.Closes, ps.loc)))), nil
	}
	t, err := ps.store.Tally(ctx, p.Space, p.ID, r.N)
	if err != nil {
		return nil, fmt.Errorf("tally %s: %w", r.ID(), err)
	}
	d := ps.disclose(p, t)
	if !d.round {
		return reply(Plain(pr.T("pulse.res.withheld", t.Respondents, ps.anonymityMin))), nil
	}
	x := exporter{ps: ps, lang: lang, p: p, t: t, d: d, round: strconv.Itoa(r.N)}
	if d.groups != nil {
		x.labels = ps.segmentLabels(lang, p, t)
	}
	for i, q := range p.Questions {
		if d.question[i+1] || q.Role != "" && d.matrix {
			x.cols = append(x.cols, i+1)
		}
	}
	rows := x.rows()
	rand.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(x.head())
	for _, row := range rows {
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	done := "pulse.export.done"
	if !p.Anonymous {
		done = "pulse.export.done.named"
	}
	m := reply(Plain(pr.T(done, len(rows), r.ID())))
	m.File = &File{Name: fmt.Sprintf("pulse-%s-round-%d.csv", strings.ToLower(p.ID), r.N), Type: "text/csv", Content: buf.Bytes()}
	return m, nil
}

// exporter builds the rows of one export.
type exporter struct {
	ps     *pulses
	lang   string
	p      *Pulse
	t      *Tally
	d      disclosure
	round  string
	labels []string // segment labels; nil: no audience column
	cols   []int    // the questions exported, 1-based
}

func (x *exporter) head() []string {
	pr := x.ps.cat.Printer(x.lang)
	head := []string{pr.T("pulse.csv.round")}
	if x.labels != nil {
		head = append(head, pr.T("pulse.csv.segment"))
	}
	if !x.p.Anonymous {
		head = append(head, pr.T("pulse.csv.person"))
	}
	for _, q := range x.cols {
		head = append(head, fmt.Sprintf("%d. %s", q, questionText(pr, x.p, q)))
	}
	return head
}

// row is one CSV row: the segment's shown label (seg < 0: none), the person
// of a named pulse, and the values of the exported questions.
func (x *exporter) row(seg int, named string, vals map[int]string) []string {
	out := []string{x.round}
	if x.labels != nil {
		label := ""
		if g, ok := x.d.groupOf(seg); ok && seg >= 0 {
			label = x.ps.groupLabel(x.lang, g, x.labels)
		}
		out = append(out, label)
	}
	if !x.p.Anonymous {
		out = append(out, strings.TrimPrefix(refOfKey(named).Label(), "@"))
	}
	for _, q := range x.cols {
		v := vals[q]
		if v != "" && x.p.Questions[q-1].Type != QText {
			v = x.ps.valueLabel(x.lang, x.p.Questions[q-1], v)
		}
		out = append(out, v)
	}
	return out
}

// rows returns the rows of the export: a named pulse's tuples with their
// people; else the scores (from the counters when one question is scored,
// else the tuples) and each free-text answer in a row of its own.
func (x *exporter) rows() [][]string {
	var rows [][]string
	if !x.p.Anonymous {
		for _, tu := range x.t.Tuples {
			rows = append(rows, x.row(tu.Segment, tu.Named, tu.Values))
		}
		return rows
	}
	var scored []int
	for _, q := range x.cols {
		if x.p.Questions[q-1].Type != QText {
			scored = append(scored, q)
		}
	}
	switch {
	case len(scored) == 1:
		for k, n := range x.t.Counts {
			if k.Question == scored[0] {
				for range n {
					rows = append(rows, x.row(k.Segment, "", map[int]string{k.Question: k.Value}))
				}
			}
		}
	case len(scored) > 1:
		for _, tu := range x.t.Tuples {
			if vals, ok := x.scores(tu, scored); ok {
				for range tu.N {
					rows = append(rows, x.row(tu.Segment, "", vals))
				}
			}
		}
	}
	for _, q := range x.cols {
		if x.p.Questions[q-1].Type != QText {
			continue
		}
		for _, a := range x.t.Texts {
			if a.Question == q {
				rows = append(rows, x.row(-1, "", map[int]string{q: a.Text}))
			}
		}
	}
	return rows
}

// scores returns the scored answers of a tuple. A tuple with answers missing
// is left out when one of its answers is shown only through the can/want
// matrix: the results show too few such answers to tell them apart.
func (x *exporter) scores(tu Tuple, scored []int) (map[int]string, bool) {
	vals := map[int]string{}
	partial, hidden := false, false
	for _, q := range scored {
		v := tu.Values[q]
		if v == "" {
			partial = true
			continue
		}
		vals[q] = v
		hidden = hidden || !x.d.question[q]
	}
	return vals, len(vals) > 0 && !(partial && hidden)
}

// csvSafe neutralises a cell that a spreadsheet would read as a formula (one
// starting with = + - @, a tab or a carriage return) by putting a ' before it.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
