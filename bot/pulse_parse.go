package bot

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of a pulse definition.
const (
	maxQuestionText = 300
	maxOptionText   = 75
	minChoices      = 2
	maxChoices      = 10
	maxQuestions    = 10
	defaultCloses   = 3 * 24 * time.Hour
	minCloses       = time.Hour
	maxCloses       = 30 * 24 * time.Hour
	maxTextAnswer   = 2000
)

// Templates are the ready-made pulses of "pulse template".
var templates = []string{"enps", "canwant", "adoption"}

// pulseOptions are the key=value settings shared by "pulse new" and "pulse template".
type pulseOptions struct {
	typ       string
	audience  []Ref
	every     string
	repeat    time.Duration // the shortest time between two rounds of every
	closes    time.Duration
	anonymous bool
}

// parseOptions reads key=value words. allowType says whether type= is allowed.
// A to= value may go on in the following words: "to=#team @anna".
func (ps *pulses) parseOptions(c *call, cmd string, words []string, allowType bool) (pulseOptions, error) {
	o := pulseOptions{closes: defaultCloses, anonymous: true}
	seen := map[string]bool{}
	for i := 0; i < len(words); i++ {
		key, val, ok := strings.Cut(words[i], "=")
		key = strings.ToLower(key)
		if !ok {
			return o, usageError(cmd, "pulse.err.word", words[i])
		}
		if seen[key] {
			return o, usageError(cmd, "pulse.err.twice", key).on(key)
		}
		seen[key] = true
		switch key {
		case "type":
			if !allowType {
				return o, usageError(cmd, "pulse.err.key", key).on(key)
			}
			o.typ = val
		case "to":
			targets := splitTargets(val)
			for i+1 < len(words) && !strings.Contains(words[i+1], "=") {
				i++
				targets = append(targets, splitTargets(words[i])...)
			}
			for _, t := range targets {
				ref, ok := c.req.refOf(t)
				if !ok {
					return o, usageError(cmd, "pulse.err.target", t).on("to")
				}
				if !slices.ContainsFunc(o.audience, func(r Ref) bool { return r.Key() == ref.Key() }) {
					o.audience = append(o.audience, ref)
				}
			}
		case "every":
			o.every = strings.TrimSpace(val)
			if o.every == "" {
				return o, usageError(cmd, "pulse.err.every", val).on("every")
			}
			if ps.sched.schedules == nil {
				return o, Errorf(EINVALID, "pulse.err.every.off").on("every")
			}
			_, repeat, err := ps.sched.parseRepeat(o.every, c.now, false)
			if err != nil {
				return o, fieldError(err, "every") // says what is wrong with the schedule, with an example
			}
			o.repeat = repeat
		case "closes":
			d, ok := parseDuration(val)
			if !ok {
				return o, usageError(cmd, "pulse.err.closes", val).on("closes")
			}
			if d < minCloses || d > maxCloses {
				return o, Errorf(EINVALID, "pulse.err.closes.range", val).on("closes")
			}
			o.closes = d
		case "anonymous":
			switch strings.ToLower(val) {
			case "yes", "true", "ja":
				o.anonymous = true
			case "no", "false", "nein":
				o.anonymous = false
			default:
				return o, usageError(cmd, "pulse.err.anonymous", val).on("anonymous")
			}
		default:
			return o, usageError(cmd, "pulse.err.key", key).on(key)
		}
	}
	if len(o.audience) == 0 {
		return o, usageError(cmd, "pulse.err.to").on("to")
	}
	return o, checkCloses(&o, seen["closes"])
}

// checkCloses keeps the rounds of a recurring pulse apart: a round closes
// before the next one opens. Without closes= the default is shortened to
// fit; a closes= longer than the time between rounds is refused.
func checkCloses(o *pulseOptions, given bool) error {
	if o.every == "" || o.closes <= o.repeat {
		return nil
	}
	if !given {
		o.closes = o.repeat
		return nil
	}
	return Errorf(EINVALID, "pulse.err.closes.every", formatDuration(o.closes), o.every, formatDuration(o.repeat)).on("closes")
}

func splitTargets(s string) []string {
	var out []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// parseDuration reads "2d", "36h", "1w", "90m" or combinations such as "1d12h".
func parseDuration(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return 0, false
	}
	var total time.Duration
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
		if i <= 0 {
			return 0, false
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > 10000 {
			return 0, false
		}
		unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[i]]
		if unit == 0 {
			return 0, false
		}
		total += time.Duration(n) * unit
		s = s[i+1:]
	}
	return total, true
}

// parseQuestion reads a question text and its type= value.
func parseQuestion(text, typ string) (Question, error) {
	text = strings.TrimSpace(text)
	if text == "" || strings.Contains(text, "=") && !strings.Contains(text, " ") {
		return Question{}, usageError("pulse", "pulse.err.question").on("question")
	}
	if n := utf8.RuneCountInString(text); n > maxQuestionText {
		return Question{}, Errorf(EINVALID, "pulse.err.question.long", n, maxQuestionText).on("question")
	}
	q := Question{Text: text}
	kind, opts, _ := strings.Cut(typ, ":")
	switch QuestionType(strings.ToLower(kind)) {
	case QNPS, QScale5, QYesNo, QText:
		if opts != "" {
			return q, usageError("pulse", "pulse.err.type.opts", typ).on("options")
		}
		q.Type = QuestionType(strings.ToLower(kind))
	case QChoice:
		q.Type = QChoice
		for o := range strings.SplitSeq(opts, "|") {
			o = strings.TrimSpace(o)
			if o == "" {
				return q, Errorf(EINVALID, "pulse.err.choice.empty").on("options")
			}
			if utf8.RuneCountInString(o) > maxOptionText {
				return q, Errorf(EINVALID, "pulse.err.choice.long", o, maxOptionText).on("options")
			}
			if slices.ContainsFunc(q.Options, func(x string) bool { return strings.EqualFold(x, o) }) {
				return q, Errorf(EINVALID, "pulse.err.choice.twice", o).on("options")
			}
			q.Options = append(q.Options, o)
		}
		if len(q.Options) < minChoices || len(q.Options) > maxChoices {
			return q, Errorf(EINVALID, "pulse.err.choice.count", len(q.Options), minChoices, maxChoices).on("options")
		}
	case "":
		return q, usageError("pulse", "pulse.err.type.missing").on("type")
	default:
		return q, usageError("pulse", "pulse.err.type", typ).on("type")
	}
	return q, nil
}

// templateQuestions are the questions of each template; their texts are in
// the catalog (templateKey), rendered in each reader's language.
var templateQuestions = map[string][]Question{
	"enps":     {{Type: QNPS}, {Type: QText}},
	"canwant":  {{Type: QScale5, Role: RoleCan}, {Type: QScale5, Role: RoleWant}},
	"adoption": {{Type: QScale5}, {Type: QYesNo}, {Type: QText}},
}

// templateKey is the catalog key of a template's title ("title") or question
// ("q1", "q2", …): "pulse.tpl.enps.q1".
func templateKey(name, part string) string { return "pulse.tpl." + name + "." + part }

// templatePulse returns a template's pulse, its texts in herald's default
// language; people read them in their own (title, questionText).
func (ps *pulses) templatePulse(name string) *Pulse {
	pr := ps.cat.Printer("")
	qs := slices.Clone(templateQuestions[name])
	for i := range qs {
		qs[i].Text = pr.T(templateKey(name, "q"+strconv.Itoa(i+1)))
	}
	return &Pulse{Title: pr.T(templateKey(name, "title")), Template: name, Questions: qs}
}

// title returns p's title in pr's language: a template's from the catalog,
// any other as its author wrote it.
func title(pr Printer, p *Pulse) string {
	if slices.Contains(templates, p.Template) {
		return pr.T(templateKey(p.Template, "title"))
	}
	return p.Title
}

// questionText returns question q (1-based) of p in pr's language, as title does.
func questionText(pr Printer, p *Pulse, q int) string {
	if slices.Contains(templates, p.Template) && q <= len(templateQuestions[p.Template]) {
		return pr.T(templateKey(p.Template, "q"+strconv.Itoa(q)))
	}
	return p.Questions[q-1].Text
}

// parseValue checks a raw answer to q and returns it as stored: the number
// for nps and scale5, "yes"/"no", the option number (1-based) for choice, or
// the cleaned text.
func parseValue(q Question, raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	switch q.Type {
	case QNPS, QScale5:
		n, err := strconv.Atoi(raw)
		lo, hi := scaleRange(q.Type)
		if err != nil || n < lo || n > hi {
			return "", false
		}
		return strconv.Itoa(n), true
	case QYesNo:
		switch strings.ToLower(raw) {
		case "yes", "y", "ja", "j":
			return "yes", true
		case "no", "n", "nein":
			return "no", true
		}
		return "", false
	case QChoice:
		if n, err := strconv.Atoi(raw); err == nil && n >= 1 && n <= len(q.Options) {
			return strconv.Itoa(n), true
		}
		for i, o := range q.Options {
			if strings.EqualFold(o, raw) {
				return strconv.Itoa(i + 1), true
			}
		}
		return "", false
	case QText:
		t := cleanText(raw)
		if t == "" || utf8.RuneCountInString(t) > maxTextAnswer {
			return "", false
		}
		return t, true
	}
	return "", false
}

// scaleRange returns the lowest and highest answer of a rating question.
func scaleRange(t QuestionType) (lo, hi int) {
	if t == QNPS {
		return 0, 10
	}
	return 1, 5
}

// cleanText drops control characters (the store uses some as separators) and
// trims space.
func cleanText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}
