package bot

import "strings"

// Message is what herald says, in a platform-neutral shape. Adapters render it as
// Block Kit (Slack), an Adaptive Card (Teams) or plain lines (console); user text
// in it is escaped by the adapter, so nothing typed by a user can become markup.
type Message struct {
	// To is where the message goes: a channel, a user (a direct message) or a
	// group. The zero Ref means the person who made the request.
	To Ref `json:"to"`
	// Ephemeral messages are shown only to To (or to the requester) in the
	// channel the request came from.
	Ephemeral bool `json:"ephemeral,omitempty"`
	// Replace asks the adapter to replace the message whose button was pressed
	// instead of sending a new one.
	Replace bool `json:"replace,omitempty"`

	Header  string   `json:"header,omitempty"`
	Text    Text     `json:"text,omitempty"`
	Fields  []Field  `json:"fields,omitempty"`
	Context string   `json:"context,omitempty"` // small print under the body
	Buttons []Button `json:"buttons,omitempty"`
	Rating  *Rating  `json:"rating,omitempty"`
	Image   *Image   `json:"image,omitempty"`
	File    *File    `json:"file,omitempty"`
	// Form, when set, asks the requester to type something (a free-text
	// answer). Adapters with forms show it (a Slack modal); the others show
	// Text, which says how to do the same with a command.
	Form *Form `json:"form,omitempty"`
	// Fallback is a one-line plain summary for notifications and screen readers.
	Fallback string `json:"fallback,omitempty"`
	// DeliveryID, when set, makes delivery idempotent: an Outbox delivers a
	// Message with a given DeliveryID once, however often it is posted, and
	// reports the outcome (bot.Outcomes) under it.
	DeliveryID string `json:"deliveryId,omitempty"`
	// Static marks a reply that is the same for everyone asking in one
	// language on one platform, such as help: the core builds it once and
	// hands the same Message to every request, so no one may change it, and
	// adapters may keep its rendering.
	Static bool `json:"-"`
}

// Text is a run of spans: plain text, bold text and mentions.
type Text []Span

// Span is one piece of Text. When Ref is set the span is a mention and Str is ignored.
type Span struct {
	Str  string `json:"str,omitempty"`
	Bold bool   `json:"bold,omitempty"`
	Ref  *Ref   `json:"ref,omitempty"`
}

// Plain returns Text holding s as plain text.
func Plain(s string) Text { return Text{{Str: s}} }

// Bold returns a bold span.
func Bold(s string) Span { return Span{Str: s, Bold: true} }

// Str returns a plain span.
func Str(s string) Span { return Span{Str: s} }

// Mention returns a span that mentions r.
func Mention(r Ref) Span { return Span{Ref: &r} }

// String renders t as plain text, mentions as @name or #name.
func (t Text) String() string {
	if len(t) == 1 && t[0].Ref == nil {
		return t[0].Str
	}
	var b strings.Builder
	b.Grow(t.size())
	for _, s := range t {
		if s.Ref != nil {
			b.WriteString(s.Ref.Label())
			continue
		}
		b.WriteString(s.Str)
	}
	return b.String()
}

// size is the length in bytes of t's plain spans, a hint for building it.
func (t Text) size() int {
	var n int
	for _, s := range t {
		n += len(s.Str)
	}
	return n
}

// Field is a labelled value, shown side by side with other fields where the platform can.
type Field struct {
	Label string `json:"label"`
	Value Text   `json:"value"`
}

// Button is a clickable action. Pressing it comes back as a Request with Action set.
type Button struct {
	Label string `json:"label"`
	// Action names the handler (for example "keymsg.ack"); Value is its argument.
	Action string `json:"action"`
	Value  string `json:"value"`
	Style  string `json:"style,omitempty"` // "", "primary" or "danger"
}

// Rating is a row of numbered buttons from Min to Max, for scales and eNPS.
type Rating struct {
	Action   string `json:"action"`
	Value    string `json:"value"` // prefix of each button's value: Value + "|" + number
	Min      int    `json:"min"`
	Max      int    `json:"max"`
	MinLabel string `json:"minLabel,omitempty"`
	MaxLabel string `json:"maxLabel,omitempty"`
}

// Image is a picture attached to a message, such as a results chart.
type Image struct {
	PNG []byte `json:"png"`
	Alt string `json:"alt"`
}

// File is a document attached to a message, such as a CSV export.
type File struct {
	Name    string `json:"name"`
	Type    string `json:"type"` // MIME type
	Content []byte `json:"content"`
}

// Form asks for one piece of text. What was typed comes back as a Request
// whose Action is {Name: Action, Value: Value, Input: the text}.
type Form struct {
	Title     string `json:"title"`
	Label     string `json:"label"`          // the question, above the input
	Hint      string `json:"hint,omitempty"` // small print under the input
	Submit    string `json:"submit"`
	Action    string `json:"action"`
	Value     string `json:"value"`
	Multiline bool   `json:"multiline,omitempty"`
	MaxLength int    `json:"maxLength,omitempty"` // in characters; 0: no limit
}
