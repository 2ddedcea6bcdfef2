package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Button actions of pulses. A Rating or Button with ActionPulseAnswer carries
// "<round>|<question>|<value>" ("P1.2|1|9"); ActionPulseText carries
// "<round>|<question>" and asks for free text (Slack opens a modal and then
// calls AnswerPulse with the typed text).
const (
	ActionPulseAnswer = "pulse.answer"
	ActionPulseText   = "pulse.text"
)

// skipValue is the answer value of the "skip" button of a free-text question.
const skipValue = "-"

var pulseSubs = []string{"new", "template", "list", "results", "close", "remind", "export", "stop"}

// pulse handles the "pulse …" commands; all of them are for admins.
func (b *Bot) pulse(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) == 0 {
		return nil, usageError("pulse", "pulse.err.sub")
	}
	sub := strings.ToLower(c.args[0])
	if !slices.Contains(pulseSubs, sub) {
		return nil, unknownSub("pulse", c.args[0], pulseSubs)
	}
	if err := b.requireAdmin(c); err != nil {
		return nil, err
	}
	args := c.args[1:]
	switch sub {
	case "new":
		return b.pulseNew(ctx, c, args)
	case "template":
		return b.pulseTemplate(ctx, c, args)
	case "list":
		return b.pulseList(ctx, c)
	}
	if len(args) != 1 {
		return nil, usageError("pulse", "pulse.err.id", "pulse "+sub)
	}
	if sub == "stop" {
		return b.pulseStop(ctx, c, args[0])
	}
	p, r, err := b.pulseRound(ctx, c, args[0])
	if err != nil {
		return nil, err
	}
	switch sub {
	case "results":
		return b.results(ctx, c.lang, p, r)
	case "close":
		return b.pulseClose(ctx, c, p, r)
	case "remind":
		n, err := b.remind(ctx, p, r)
		if err != nil {
			return nil, err
		}
		return reply(Plain(c.t("pulse.reminded", n, r.ID()))), nil
	default: // export
		return b.export(ctx, c.lang, p, r)
	}
}

// pulseRound loads the pulse named by id ("P1": its latest round, "P1.2":
// round 2) and closes the round when its time is up.
func (b *Bot) pulseRound(ctx context.Context, c *call, id string) (*Pulse, *Round, error) {
	pid, n := strings.ToUpper(id), 0
	if p, num, ok := parseRoundID(id); ok {
		pid, n = p, num
	}
	p, err := b.cfg.Pulses.Pulse(ctx, c.req.User.Space(), pid)
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil, Errorf(ENOTFOUND, "pulse.err.notfound", id)
		}
		return nil, nil, fmt.Errorf("load pulse %s: %w", pid, err)
	}
	if n == 0 {
		n = p.Rounds
	}
	if n < 1 || n > p.Rounds {
		return nil, nil, Errorf(ENOTFOUND, "pulse.err.notfound", id)
	}
	r, err := b.cfg.Pulses.Round(ctx, p.Space, p.ID, n)
	if err != nil {
		return nil, nil, fmt.Errorf("load round %s.%d: %w", p.ID, n, err)
	}
	if err := b.closeIfDue(ctx, p, r, c.now); err != nil {
		return nil, nil, err
	}
	return p, r, nil
}

func (b *Bot) pulseNew(ctx context.Context, c *call, args []string) (*Message, error) {
	q, o, err := b.parsePulseNew(c, args)
	if err != nil {
		return nil, err
	}
	p := &Pulse{Title: q.Text, Questions: []Question{q}}
	return b.startPulse(ctx, c, p, o)
}

// parsePulseNew reads the words after "pulse new": the question and its options.
func (b *Bot) parsePulseNew(c *call, args []string) (Question, pulseOptions, error) {
	if len(args) == 0 || strings.Contains(args[0], "=") {
		return Question{}, pulseOptions{}, usageError("pulse", "pulse.err.question").on("question")
	}
	o, err := b.parseOptions(c, "pulse", args[1:], true)
	if err != nil {
		return Question{}, o, err
	}
	q, err := parseQuestion(args[0], o.typ)
	return q, o, err
}

func (b *Bot) pulseTemplate(ctx context.Context, c *call, args []string) (*Message, error) {
	if len(args) == 0 {
		return nil, usageError("pulse", "pulse.err.template", strings.Join(templates, ", "))
	}
	name := strings.ToLower(args[0])
	if !slices.Contains(templates, name) {
		if near, ok := closest(name, templates); ok {
			return nil, Errorf(EINVALID, "err.unknown.near", "pulse template "+args[0], "pulse template "+near)
		}
		return nil, usageError("pulse", "pulse.err.template", strings.Join(templates, ", "))
	}
	o, err := b.parseOptions(c, "pulse", args[1:], false)
	if err != nil {
		return nil, err
	}
	title, qs := b.templatePulse(name)
	return b.startPulse(ctx, c, &Pulse{Title: title, Template: name, Questions: qs}, o)
}

// startPulse stores a new pulse and opens its first round now.
func (b *Bot) startPulse(ctx context.Context, c *call, p *Pulse, o pulseOptions) (*Message, error) {
	p.Space = c.req.User.Space()
	p.Owner = c.req.User
	p.Audience = o.audience
	p.Every = o.every
	p.Closes = o.closes
	p.Anonymous = o.anonymous
	p.Created = c.now
	if err := b.cfg.Pulses.CreatePulse(ctx, p); err != nil {
		return nil, fmt.Errorf("create pulse: %w", err)
	}
	r, err := b.openRound(ctx, p, c.now)
	if err != nil {
		return nil, err
	}
	text := c.t("pulse.started", p.ID, p.Title, r.Invited, b.when(r.Closes))
	if p.Every != "" {
		text += "\n" + c.t("pulse.started.every", p.Every)
	}
	if p.Anonymous {
		text += "\n" + c.t("pulse.started.anon", b.cfg.AnonymityMin)
	} else {
		text += "\n" + c.t("pulse.started.named")
	}
	return reply(Plain(text + "\n" + c.t("pulse.started.next", p.ID))), nil
}

// when renders t in herald's zone as date and time.
func (b *Bot) when(t time.Time) string {
	return t.In(b.cfg.Location).Format("2006-01-02 15:04 MST")
}

func (b *Bot) pulseList(ctx context.Context, c *call) (*Message, error) {
	list, err := b.cfg.Pulses.Pulses(ctx, c.req.User.Space())
	if err != nil {
		return nil, fmt.Errorf("list pulses: %w", err)
	}
	m := &Message{Ephemeral: true, Header: c.t("pulse.list.header")}
	if len(list) == 0 {
		m.Text = Plain(c.t("pulse.list.empty"))
		return m, nil
	}
	var lines []string
	for i := range list {
		if i == listLimit {
			lines = append(lines, c.t("pulse.list.more", len(list)-listLimit))
			break
		}
		p := &list[i]
		r, err := b.cfg.Pulses.Round(ctx, p.Space, p.ID, p.Rounds)
		if err != nil {
			return nil, fmt.Errorf("load round %s.%d: %w", p.ID, p.Rounds, err)
		}
		if err := b.closeIfDue(ctx, p, r, c.now); err != nil {
			return nil, err
		}
		t, err := b.cfg.Pulses.Tally(ctx, p.Space, p.ID, r.N)
		if err != nil {
			return nil, fmt.Errorf("tally %s: %w", r.ID(), err)
		}
		state := c.t("pulse.list.open", b.when(r.Closes))
		if r.Closed {
			state = c.t("pulse.list.closed")
		}
		line := c.t("pulse.list.line", p.ID, p.Title, r.N, state, t.Respondents, r.Invited)
		if p.Every != "" {
			line += " · " + p.Every
		}
		lines = append(lines, "• "+line)
	}
	m.Text = Plain(strings.Join(lines, "\n"))
	return m, nil
}

func (b *Bot) pulseClose(ctx context.Context, c *call, p *Pulse, r *Round) (*Message, error) {
	if r.Closed {
		return nil, Errorf(ECONFLICT, "pulse.err.closed.already", r.ID())
	}
	if err := b.closeRound(ctx, p, r, c.req.User); err != nil {
		return nil, err
	}
	res, err := b.results(ctx, c.lang, p, r)
	if err != nil {
		return nil, err
	}
	res.Context = strings.TrimSpace(c.t("pulse.closed.now", r.ID()) + "\n" + res.Context)
	return res, nil
}

// pulseStop ends a recurring pulse: no more rounds open, and the open round
// closes with its results.
func (b *Bot) pulseStop(ctx context.Context, c *call, id string) (*Message, error) {
	p, err := b.cfg.Pulses.Pulse(ctx, c.req.User.Space(), strings.ToUpper(id))
	if err != nil {
		return nil, fmt.Errorf("load pulse %s: %w", id, err)
	}
	if p.Every == "" {
		return nil, Errorf(EINVALID, "pulse.err.stop.oneoff", p.ID)
	}
	if p.Stopped {
		return nil, Errorf(ECONFLICT, "pulse.err.stop.already", p.ID)
	}
	p.Stopped = true
	if err := b.cfg.Pulses.UpdatePulse(ctx, p); err != nil {
		return nil, fmt.Errorf("stop pulse %s: %w", p.ID, err)
	}
	text := c.t("pulse.stopped", p.ID)
	if p.Rounds > 0 {
		r, err := b.cfg.Pulses.Round(ctx, p.Space, p.ID, p.Rounds)
		if err != nil {
			return nil, fmt.Errorf("load round %s.%d: %w", p.ID, p.Rounds, err)
		}
		if !r.Closed {
			if err := b.closeRound(ctx, p, r, c.req.User); err != nil {
				return nil, err
			}
			text += " " + c.t("pulse.closed.now", r.ID())
		}
	}
	return reply(Plain(text)), nil
}

// answerCmd handles "answer ID <value>" and, for a pulse with several
// questions, "answer ID <question number> <value>".
func (b *Bot) answerCmd(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) < 2 {
		return nil, usageError("answer", "answer.err.usage")
	}
	p, r, err := b.pulseRound(ctx, c, c.args[0])
	if err != nil {
		return nil, err
	}
	q, rest := 1, c.args[1:]
	if len(p.Questions) > 1 {
		n, err := strconv.Atoi(strings.TrimPrefix(strings.ToLower(rest[0]), "q"))
		if err != nil || n < 1 || n > len(p.Questions) || len(rest) < 2 {
			return nil, Errorf(EINVALID, "answer.err.question", p.ID, len(p.Questions))
		}
		q, rest = n, rest[1:]
	}
	return b.answer(ctx, c, p, r, q, strings.Join(rest, " "))
}

// pulseAnswerAction handles a click on a rating or answer button.
func (b *Bot) pulseAnswerAction(ctx context.Context, c *call) (*Message, error) {
	parts := strings.SplitN(c.req.Action.Value, "|", 3)
	if len(parts) != 3 {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	q, err := strconv.Atoi(parts[1])
	if err != nil {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	p, r, err := b.answerRound(ctx, c, parts[0])
	if err != nil {
		return nil, err
	}
	if _, n, ok := parseRoundID(parts[0]); !ok || n != r.N {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	return b.answer(ctx, c, p, r, q, parts[2])
}

// pulseTextAction handles "answer in words": a click returns a Form for the
// answer (with, for platforms without forms, how to type it as a command); the
// Form's submission, which carries the text in Action.Input, is recorded as
// the answer.
func (b *Bot) pulseTextAction(ctx context.Context, c *call) (*Message, error) {
	round, qs, ok := strings.Cut(c.req.Action.Value, "|")
	q, err := strconv.Atoi(qs)
	if !ok || err != nil {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	p, r, err := b.answerRound(ctx, c, round)
	if err != nil {
		return nil, err
	}
	if c.req.Action.Input != "" {
		return b.answer(ctx, c, p, r, q, c.req.Action.Input)
	}
	if !r.IsOpen(c.now) {
		return nil, Errorf(ECONFLICT, "pulse.closed")
	}
	if q < 1 || q > len(p.Questions) {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	how := "answer " + r.ID() + " "
	if len(p.Questions) > 1 {
		how += strconv.Itoa(q) + " "
	}
	m := reply(Plain(c.t("pulse.text.how", how+c.t("pulse.text.yours"))))
	hint := c.t("pulse.dm.anon", b.cfg.AnonymityMin)
	if !p.Anonymous {
		hint = c.t("pulse.dm.named", p.Owner.Label())
	}
	m.Form = &Form{
		Title: c.t("pulse.form.title"), Label: p.Questions[q-1].Text, Hint: hint, Submit: c.t("pulse.form.submit"),
		Action: ActionPulseText, Value: c.req.Action.Value, Multiline: true, MaxLength: maxTextAnswer,
	}
	return m, nil
}

// AnswerPulse records an answer of req.User to question q (1-based) of round
// ("P1.2"), given as typed or clicked: a number, yes/no, a choice, or free
// text. Adapters call it with the text of a form (a Slack modal); buttons and
// "answer" come here too. The reply replaces the clicked message when req is a
// button press.
func (b *Bot) AnswerPulse(ctx context.Context, req Request, round string, q int, value string) *Message {
	c := b.newCall(ctx, req)
	msg, err := func() (*Message, error) {
		p, r, err := b.answerRound(ctx, c, round)
		if err != nil {
			return nil, err
		}
		return b.answer(ctx, c, p, r, q, value)
	}()
	if err != nil {
		msg = b.errorReply(c, err)
		msg.Replace = req.Action != nil && ErrorCode(err) == ECONFLICT
	}
	return msg
}
