package teams

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/internal/chars"
)

// The Adaptive Card herald sends, and Teams' limits it respects.
const (
	cardType    = "application/vnd.microsoft.card.adaptive"
	cardSchema  = "http://adaptivecards.io/schemas/adaptive-card.json"
	cardVersion = "1.5"
	// maxImage is the largest PNG sent inline as a data URI: base64 adds a
	// third, so it leaves a few KB of maxCard for the header and the text.
	// A larger one is scaled down (embeddable).
	maxImage = 16 << 10
	// maxFileText is the largest file shown as text in a card.
	maxFileText = 12 << 10
	// actionRow is how many buttons go in one ActionSet; Teams shows about
	// six in a row and folds the rest into a menu.
	actionRow = 6
)

// activityOut is an activity herald sends.
type activityOut struct {
	Type        string       `json:"type"`
	ID          string       `json:"id,omitempty"`
	ReplyToID   string       `json:"replyToId,omitempty"`
	Summary     string       `json:"summary,omitempty"`
	Attachments []attachment `json:"attachments"`
}

// attachment is an attachment of an activity herald sends: an Adaptive
// Card, a file consent card or a file info card.
type attachment struct {
	ContentType string `json:"contentType"`
	ContentURL  string `json:"contentUrl,omitempty"`
	Name        string `json:"name,omitempty"`
	Content     any    `json:"content"`
}

// AdaptiveCard is an Adaptive Card 1.5 as Teams takes it.
type AdaptiveCard struct {
	Type    string    `json:"type"`
	Schema  string    `json:"$schema"`
	Version string    `json:"version"`
	Body    []element `json:"body"`
	MSTeams msteams   `json:"msteams"`
}

type msteams struct {
	Width    string    `json:"width,omitempty"`
	Entities []mention `json:"entities,omitempty"`
}

// mention is a Teams mention entity: Text appears in a TextBlock as is.
type mention struct {
	Type      string  `json:"type"`
	Text      string  `json:"text"`
	Mentioned account `json:"mentioned"`
}

type account struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// element is one card element; a map keeps the golden files short and
// sorted.
type element map[string]any

// SubmitData is what an Action.Submit of herald's cards sends back as the
// activity's value: the Button's Action and Value.
type SubmitData struct {
	Action string `json:"action"`
	Value  string `json:"value"`
}

// Card renders m as an Adaptive Card. Every text a user could have typed is
// escaped, so it can't become a link, a mention or formatting; mentions
// herald means are real Teams mentions. t gives the notes Teams needs (a
// file shown as text); it is a catalog's T in herald's default language.
func Card(m bot.Message, t func(key string, args ...any) string) AdaptiveCard {
	r := renderer{}
	c := AdaptiveCard{Type: "AdaptiveCard", Schema: cardSchema, Version: cardVersion, Body: []element{}}
	if m.Header != "" {
		c.Body = append(c.Body, element{"type": "TextBlock", "text": escape(m.Header), "size": "Large", "weight": "Bolder", "style": "heading", "wrap": true})
	}
	if len(m.Text) > 0 {
		c.Body = append(c.Body, lines(r.markdown(m.Text), nil)...)
	}
	if len(m.Fields) > 0 {
		facts := make([]element, 0, len(m.Fields))
		for _, f := range m.Fields {
			facts = append(facts, element{"title": escape(f.Label), "value": r.markdown(f.Value)})
		}
		c.Body = append(c.Body, element{"type": "FactSet", "facts": facts})
	}
	c.Body = append(c.Body, buttons(m.Buttons)...)
	if m.Rating != nil {
		c.Body = append(c.Body, rating(*m.Rating)...)
	}
	if m.Image != nil && len(m.Image.PNG) > 0 {
		if png, ok := embeddable(m.Image.PNG); ok {
			c.Body = append(c.Body, element{"type": "Image", "url": "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), "altText": m.Image.Alt, "size": "Stretch"})
		}
	}
	if m.File != nil && len(m.File.Content) > 0 {
		if len(m.File.Content) <= maxFileText {
			c.Body = append(c.Body, small(t("teams.file.inline", m.File.Name)))
			c.Body = append(c.Body, lines(escape(string(m.File.Content)), element{"fontType": "Monospace", "size": "Small"})...)
		} else {
			c.Body = append(c.Body, small(t("teams.file.toolarge", m.File.Name)))
		}
	}
	if m.Context != "" {
		c.Body = append(c.Body, small(escape(m.Context)))
	}
	c.MSTeams = msteams{Width: "Full", Entities: r.mentions}
	fit(&c, t)
	return c
}

// maxCard is the largest card herald sends, in bytes of JSON: Teams refuses
// activities over about 28 KB, and the rest is room for the activity around
// the card.
const maxCard = 24 << 10

// fit drops text from the end of c's body (never the header, a button, a
// rating or the chart) until c fits in maxCard, and then says so in a note.
func fit(c *AdaptiveCard, t func(key string, args ...any) string) {
	sizes := make([]int, len(c.Body))
	total := 0
	for i, e := range c.Body {
		b, _ := marshal(e, "")
		sizes[i] = len(b) + 1
		total += sizes[i]
	}
	rest, _ := marshal(AdaptiveCard{Type: c.Type, Schema: c.Schema, Version: c.Version, MSTeams: c.MSTeams}, "")
	note := small(t("teams.card.cut"))
	noteJSON, _ := marshal(note, "")
	budget := maxCard - len(rest) - len(noteJSON) - 1
	if total+len(rest) <= maxCard {
		return
	}
	for i := len(c.Body) - 1; i > 0 && total > budget; i-- {
		if typ := c.Body[i]["type"]; typ == "ActionSet" || typ == "Image" {
			continue
		}
		total -= sizes[i]
		c.Body = append(c.Body[:i], c.Body[i+1:]...)
	}
	c.Body = append(c.Body, note)
}

// Summary is the plain one-line notification text of m.
func Summary(m bot.Message) string {
	s, _, _ := strings.Cut(cmp.Or(m.Fallback, m.Header, m.Text.String()), "\n")
	return cut(s, 200)
}

// CardJSON is Card as indented JSON, for golden files and debugging.
func CardJSON(m bot.Message, t func(string, ...any) string) []byte {
	b, _ := marshal(Card(m, t), "  ")
	return b
}

// marshal is JSON without HTML escaping: "<at>" stays readable.
func marshal(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// renderer collects the mention entities of one card.
type renderer struct {
	mentions []mention
}

// markdown renders t as Teams card markdown: bold spans **bold**, mentions of
// Teams users as <at>name</at> with an entity, anything else escaped.
func (r *renderer) markdown(t bot.Text) string {
	var b strings.Builder
	for _, s := range t {
		switch {
		case s.Ref != nil && s.Ref.Platform == bot.Teams && s.Ref.Kind == bot.UserRef:
			name := s.Ref.Name
			if name == "" {
				name = s.Ref.ID
			}
			text := "<at>" + escape(name) + "</at>"
			b.WriteString(text)
			r.mentions = append(r.mentions, mention{Type: "mention", Text: text, Mentioned: account{ID: s.Ref.ID, Name: name}})
		case s.Ref != nil:
			b.WriteString(escape(s.Ref.Label()))
		case s.Bold && strings.TrimSpace(s.Str) != "":
			// Markdown emphasis can't start or end with a space: keep those outside.
			trimmed := strings.TrimSpace(s.Str)
			lead := s.Str[:strings.Index(s.Str, trimmed)]
			b.WriteString(lead + "**" + escape(trimmed) + "**" + s.Str[len(lead)+len(trimmed):])
		default:
			b.WriteString(escape(s.Str))
		}
	}
	return b.String()
}

// lines renders text as one TextBlock per line (Teams joins single line
// breaks), a blank line as extra space; extra adds properties to each.
func lines(text string, extra element) []element {
	var out []element
	gap := false
	for l := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(l) == "" {
			gap = true
			continue
		}
		// Leading spaces would make a code block: keep the indent as
		// no-break spaces.
		t := strings.TrimLeft(l, " ")
		l = strings.Repeat("\u00a0", len(l)-len(t)) + t
		e := element{"type": "TextBlock", "text": l, "wrap": true}
		switch {
		case gap && len(out) > 0:
			e["spacing"] = "Medium"
		case len(out) > 0:
			e["spacing"] = "None"
		}
		for k, v := range extra {
			e[k] = v
		}
		out = append(out, e)
		gap = false
	}
	return out
}

// small is subtle small print.
func small(text string) element {
	return element{"type": "TextBlock", "text": text, "size": "Small", "isSubtle": true, "wrap": true}
}

// submit is an Action.Submit that comes back as a Request with Action set.
func submit(title, action, value, style string) element {
	e := element{"type": "Action.Submit", "title": title, "data": SubmitData{Action: action, Value: value}}
	switch style {
	case "primary":
		e["style"] = "positive"
	case "danger":
		e["style"] = "destructive"
	}
	return e
}

func buttons(bs []bot.Button) []element {
	var out []element
	for i := 0; i < len(bs); i += actionRow {
		var acts []element
		for _, b := range bs[i:min(i+actionRow, len(bs))] {
			acts = append(acts, submit(b.Label, b.Action, b.Value, b.Style))
		}
		out = append(out, element{"type": "ActionSet", "actions": acts})
	}
	return out
}

// rating renders a scale as rows of numbered buttons (0–10 as 0–5 and 6–10)
// and the meaning of its ends as small print.
func rating(r bot.Rating) []element {
	n := r.Max - r.Min + 1
	if n <= 0 {
		return nil
	}
	rows := (n + actionRow - 1) / actionRow
	per := (n + rows - 1) / rows
	var out []element
	for start := r.Min; start <= r.Max; start += per {
		var acts []element
		for v := start; v <= min(start+per-1, r.Max); v++ {
			num := strconv.Itoa(v)
			acts = append(acts, submit(num, r.Action, r.Value+"|"+num, ""))
		}
		out = append(out, element{"type": "ActionSet", "actions": acts})
	}
	if r.MinLabel != "" || r.MaxLabel != "" {
		out = append(out, small(escape(strconv.Itoa(r.Min)+" = "+r.MinLabel+"  ·  "+strconv.Itoa(r.Max)+" = "+r.MaxLabel)))
	}
	return out
}

// escaper backslash-escapes what Teams card markdown reads as markup:
// emphasis, links, code, strike-through and tags such as <at>.
var escaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, "`", "\\`", `~`, `\~`,
	`<`, `\<`, `>`, `\>`,
)

// escape makes user text safe in a TextBlock: no markup, no mention, no
// link, and no list or heading from a line's start.
func escape(s string) string {
	s = escaper.Replace(s)
	if !strings.ContainsAny(s, "-+#0123456789") {
		return s
	}
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = escapeLineStart(l)
	}
	return strings.Join(ls, "\n")
}

// escapeLineStart escapes a list marker ("- ", "+ ", "1. ") or heading ("#")
// at the start of a line.
func escapeLineStart(l string) string {
	t := strings.TrimLeft(l, " ")
	lead := l[:len(l)-len(t)]
	switch {
	case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "+ "), strings.HasPrefix(t, "#"):
		return lead + `\` + t
	}
	digits := len(t) - len(strings.TrimLeft(t, "0123456789"))
	if digits > 0 && (strings.HasPrefix(t[digits:], ". ") || strings.HasPrefix(t[digits:], ") ")) {
		return lead + t[:digits] + `\` + t[digits:]
	}
	return l
}

// cut shortens s to at most n characters, as Teams counts its limits, with "…".
func cut(s string, n int) string { return chars.Cut(s, n) }
