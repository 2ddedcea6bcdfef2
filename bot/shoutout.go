package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Shoutout is public praise of people or a team, broadcast to the wins channel.
type Shoutout struct {
	ID         string    `json:"id"`
	Author     Ref       `json:"author"`
	Recipients []Ref     `json:"recipients"`
	Text       Text      `json:"text"`
	Values     []string  `json:"values,omitempty"` // company values, lower case, without '#'
	Channel    Ref       `json:"channel"`          // where it was broadcast
	At         time.Time `json:"at"`
	Month      Month     `json:"month"` // the month of At in herald's time zone
}

// Board is a month's leaderboard: who was praised and which values were named most.
type Board struct {
	Total      int          // shout-outs in the month
	Recipients []RefCount   // most praised first
	Values     []ValueCount // most named first
}

// RefCount is how often a person or team was praised.
type RefCount struct {
	Ref Ref
	N   int
}

// ValueCount is how often a company value was named.
type ValueCount struct {
	Value string
	N     int
}

// ShoutoutStore keeps shout-outs per workspace (Ref.Space).
type ShoutoutStore interface {
	// AddShoutout stores s and its leaderboard counts, sets s.ID and queues
	// the broadcast announce makes of s for delivery, all in one atomic step:
	// a stored shout-out is always broadcast. A nil announce queues nothing.
	// Returns EUNAVAILABLE when the database can't be reached; nothing is
	// stored or queued then.
	AddShoutout(ctx context.Context, s *Shoutout, announce func(*Shoutout) Message) error
	// Shoutouts returns up to limit shout-outs of the space in month, newest first.
	Shoutouts(ctx context.Context, space string, month Month, limit int) ([]Shoutout, error)
	// ShoutoutBoard returns the month's leaderboard of the space, at most limit
	// recipients and limit values.
	ShoutoutBoard(ctx context.Context, space string, month Month, limit int) (Board, error)
	// ShoutoutsOf returns up to limit of the shout-outs user received and gave,
	// newest first, across months. Returns EUNAVAILABLE when the database can't
	// be reached.
	ShoutoutsOf(ctx context.Context, user Ref, limit int) (received, given []Shoutout, err error)
}

// Limits of a shout-out.
const (
	maxShoutoutText = 3000
	maxValues       = 10
	listLimit       = 10
)

// shoutouts is the shout-out feature: praise broadcast to the wins channel,
// the month's list and its leaderboard.
type shoutouts struct {
	store ShoutoutStore
	wins  Channels // the wins channel by platform; none: where the command came from
	loc   *time.Location
	cat   *Catalog
}

func (so *shoutouts) commands() []command {
	return []command{{
		name: "shoutout", usage: "cmd.shoutout.usage", summary: "cmd.shoutout.summary", help: "cmd.shoutout.help",
		subs: []subcommand{{name: "list", run: so.list}, {name: "top", run: so.top}},
		run:  so.shoutout,
	}}
}

// shoutout handles "shoutout <@user…> <text> [#value…]".
func (so *shoutouts) shoutout(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) == 0 {
		return nil, usageError("shoutout", "shoutout.err.norecipient")
	}
	s, err := so.parseShoutout(c)
	if err != nil {
		return nil, err
	}
	return so.postShoutout(ctx, c, s)
}

// parseShoutout reads "<@user…> <text> [#value…]" into a Shoutout.
func (so *shoutouts) parseShoutout(c *call) (*Shoutout, error) {
	words := c.args
	var recipients []Ref
	for len(words) > 0 {
		ref, ok := c.req.refOf(words[0])
		if !ok || ref.Kind == ChannelRef {
			break
		}
		if !slices.ContainsFunc(recipients, func(r Ref) bool { return r.Key() == ref.Key() }) {
			recipients = append(recipients, ref)
		}
		words = words[1:]
	}
	if len(recipients) == 0 {
		return nil, usageError("shoutout", "shoutout.err.norecipient")
	}
	others := slices.DeleteFunc(slices.Clone(recipients), func(r Ref) bool { return r.Key() == c.req.User.Key() })
	if len(others) == 0 {
		return nil, Errorf(EINVALID, "shoutout.err.self")
	}
	var values []string
	for len(words) > 0 {
		v, ok := c.valueOf(words[len(words)-1])
		if !ok {
			break
		}
		if !slices.Contains(values, v) {
			values = append([]string{v}, values...)
		}
		words = words[:len(words)-1]
	}
	// A #value inside the text is a tag too, and stays in the text.
	for _, w := range words {
		if v, ok := c.valueOf(w); ok && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	if len(words) == 0 {
		return nil, usageError("shoutout", "shoutout.err.notext")
	}
	text := c.req.textOf(words)
	if n := utf8.RuneCountInString(text.String()); n > maxShoutoutText {
		return nil, Errorf(EINVALID, "shoutout.err.toolong", n, maxShoutoutText)
	}
	if len(values) > maxValues {
		return nil, Errorf(EINVALID, "shoutout.err.values", maxValues)
	}
	return &Shoutout{
		Author:     c.req.User,
		Recipients: others,
		Text:       text,
		Values:     values,
		At:         c.now,
		Month:      MonthOf(c.now, so.loc),
	}, nil
}

// valueOf reads a company value tag: "#customer-first", or a channel mention
// that stands where a value is expected.
func (c *call) valueOf(word string) (string, bool) {
	if ref, ok := c.req.refOf(word); ok {
		if ref.Kind != ChannelRef || ref.Name == "" {
			return "", false
		}
		word = "#" + ref.Name
	}
	v, ok := strings.CutPrefix(word, "#")
	v = strings.ToLower(strings.TrimRight(v, ".,;:!?"))
	if !ok || v == "" || strings.ContainsAny(v, "#@<>") {
		return "", false
	}
	return v, true
}

func (so *shoutouts) postShoutout(ctx context.Context, c *call, s *Shoutout) (*Message, error) {
	s.Channel = c.req.Channel
	if id := so.wins.For(c.req.Channel.Platform); id != "" {
		s.Channel = c.req.Channel.Same(ChannelRef, id, "")
	}
	if err := so.store.AddShoutout(ctx, s, so.shoutoutMessage); err != nil {
		return nil, fmt.Errorf("add shoutout: %w", err)
	}
	return reply(c.p().Text("shoutout.posted", joinRefs(s.Recipients), Text{Mention(s.Channel)})), nil
}

// shoutoutMessage is the broadcast of s, in herald's default language.
func (so *shoutouts) shoutoutMessage(s *Shoutout) Message {
	pr := so.cat.Printer("")
	head := pr.Text("shoutout.praised", Text{Mention(s.Author)}, joinRefs(s.Recipients))
	m := Message{
		To:       s.Channel,
		Header:   pr.T("shoutout.header"),
		Text:     append(append(head, Str("\n")), s.Text...),
		Fallback: pr.T("shoutout.fallback", s.Author.Label(), Text(joinRefs(s.Recipients)).String()),
		// Posted again after a failure, the broadcast still goes out once.
		DeliveryID: DeliveryID{Kind: "shoutout", Space: s.Author.Space(), Item: s.ID}.String(),
	}
	if len(s.Values) > 0 {
		m.Fields = []Field{{Label: pr.T("shoutout.values"), Value: Plain(hashtags(s.Values))}}
	}
	return m
}

func hashtags(values []string) string {
	tags := make([]string, len(values))
	for i, v := range values {
		tags[i] = "#" + v
	}
	return strings.Join(tags, " ")
}

// list handles "shoutout list [YYYY-MM]".
func (so *shoutouts) list(ctx context.Context, c *call) (*Message, error) {
	month, err := monthArg(c, c.args, so.loc)
	if err != nil {
		return nil, err
	}
	list, err := so.store.Shoutouts(ctx, c.req.User.Space(), month, listLimit)
	if err != nil {
		return nil, fmt.Errorf("list shoutouts: %w", err)
	}
	m := &Message{Ephemeral: true, Header: c.t("shoutout.list.header", c.monthName(month))}
	if len(list) == 0 {
		m.Text = Plain(so.noneYet(c, month))
		return m, nil
	}
	pr := c.p()
	for i, s := range list {
		if i > 0 {
			m.Text = append(m.Text, Str("\n"))
		}
		m.Text = append(m.Text, Str("• "+pr.Day(s.At, so.loc)+" "), Mention(s.Author), Str(" → "))
		m.Text = append(m.Text, joinRefs(s.Recipients)...)
		m.Text = append(m.Text, Str(": "))
		m.Text = append(m.Text, s.Text...)
		if tags := hashtags(valuesNotIn(s.Values, s.Text.String())); tags != "" {
			m.Text = append(m.Text, Str(" "+tags))
		}
	}
	if len(list) == listLimit {
		board, err := so.store.ShoutoutBoard(ctx, c.req.User.Space(), month, 1)
		if err != nil {
			return nil, fmt.Errorf("shoutout board: %w", err)
		}
		if more := board.Total - len(list); more > 0 {
			m.Text = append(m.Text, Str("\n"+c.t("shoutout.list.more", more)))
		}
	}
	return m, nil
}

// noneYet says that month has no shout-outs: an invitation for this month,
// a plain fact for another.
func (so *shoutouts) noneYet(c *call, month Month) string {
	if month == MonthOf(c.now, so.loc) {
		return c.t("shoutout.list.empty")
	}
	return c.t("shoutout.list.none", c.monthName(month))
}

// valuesNotIn returns the values not written as #value in text already.
func valuesNotIn(values []string, text string) []string {
	written := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		written[strings.TrimRight(w, ".,;:!?")] = true
	}
	var out []string
	for _, v := range values {
		if !written["#"+v] {
			out = append(out, v)
		}
	}
	return out
}

// top handles "shoutout top [YYYY-MM]".
func (so *shoutouts) top(ctx context.Context, c *call) (*Message, error) {
	month, err := monthArg(c, c.args, so.loc)
	if err != nil {
		return nil, err
	}
	board, err := so.store.ShoutoutBoard(ctx, c.req.User.Space(), month, listLimit)
	if err != nil {
		return nil, fmt.Errorf("shoutout board: %w", err)
	}
	m := &Message{Ephemeral: true, Header: c.t("shoutout.top.header", c.monthName(month))}
	if board.Total == 0 {
		m.Text = Plain(so.noneYet(c, month))
		return m, nil
	}
	m.Text = Plain(c.t("shoutout.top.total", board.Total))
	var people Text
	for i, rc := range board.Recipients {
		if i > 0 {
			people = append(people, Str("\n"))
		}
		people = append(people, Str(fmt.Sprintf("%d. ", i+1)), Mention(rc.Ref), Str(" · "+c.t("shoutout.top.count", rc.N)))
	}
	var values []string
	for _, vc := range board.Values {
		values = append(values, fmt.Sprintf("#%s · %d", vc.Value, vc.N))
	}
	m.Fields = []Field{{Label: c.t("shoutout.top.people"), Value: people}}
	if len(values) > 0 {
		m.Fields = append(m.Fields, Field{Label: c.t("shoutout.top.values"), Value: Plain(strings.Join(values, "\n"))})
	}
	return m, nil
}
