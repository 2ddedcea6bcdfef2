package bot

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
)

// namedField lists, for a pulse with anonymous=no, each person's answers next
// to their name, as the respondents were told. People midway through show up
// when they finish or the round closes.
func (ps *pulses) namedField(lang string, p *Pulse, t *Tally) Field {
	pr := ps.cat.Printer(lang)
	f := Field{Label: pr.T("pulse.res.named")}
	tuples := slices.Clone(t.Tuples)
	slices.SortFunc(tuples, func(a, b Tuple) int { return cmp.Compare(a.Named, b.Named) })
	var text Text
	for i, tu := range tuples {
		if i == maxTexts {
			text = append(text, Str("\n"+pr.T("pulse.res.texts.more", len(tuples)-maxTexts)))
			break
		}
		if i > 0 {
			text = append(text, Str("\n"))
		}
		text = append(text, Str("• "), Mention(refOfKey(tu.Named)), Str(": "+ps.tupleText(lang, p, tu)))
	}
	if len(text) == 0 {
		text = Plain(pr.T("pulse.res.named.none"))
	}
	f.Value = text
	return f
}

// tupleText renders the answers of one tuple, question by question.
func (ps *pulses) tupleText(lang string, p *Pulse, tu Tuple) string {
	var parts []string
	for i, q := range p.Questions {
		if v := tu.Values[i+1]; v != "" {
			parts = append(parts, ps.valueLabel(lang, q, v))
		}
	}
	return strings.Join(parts, " · ")
}

// namedAs is how a respondent of a named pulse is stored next to their
// answers: their Ref as JSON, display name included, so that results and
// export show the name people were told the owner sees.
func namedAs(u Ref) string {
	data, _ := json.Marshal(u)
	return string(data)
}

// refOfKey reads what namedAs stored (or, from before, a Ref.Key) back
// into a Ref.
func refOfKey(key string) Ref {
	var r Ref
	if json.Unmarshal([]byte(key), &r) == nil {
		return r
	}
	parts := strings.SplitN(key, ":", 4)
	if len(parts) != 4 {
		return Ref{Kind: UserRef, ID: key}
	}
	return Ref{Platform: Platform(parts[0]), Workspace: parts[1], Kind: RefKind(parts[2]), ID: parts[3]}
}
