package bot

import (
	"context"
	"fmt"
	"log/slog"
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

// pulses is the pulse-survey feature: pulses and their rounds, answers,
// reminders, closing, results, exports and templates.
type pulses struct {
	store        PulseStore
	charts       Charter // nil: results without a chart
	sched        scheduleParser
	outbox       Outbox
	dir          Directory
	langs        *languages
	clock        Clock
	loc          *time.Location
	cat          *Catalog
	log          *slog.Logger
	anonymityMin int
	rounds       roundCache // open rounds that answers name
}

func (ps *pulses) commands() []command {
	return []command{{
		name: "pulse", admin: true, noSub: "pulse.err.sub",
		usage: "cmd.pulse.usage", summary: "cmd.pulse.summary", help: "cmd.pulse.help",
		subs: []subcommand{
			{name: "new", run: ps.pulseNew},
			{name: "template", run: ps.pulseTemplate},
			{name: "list", run: ps.pulseList},
			{name: "results", run: ps.withRound("results", ps.resultsCmd)},
			{name: "close", run: ps.withRound("close", ps.pulseClose)},
			{name: "remind", run: ps.withRound("remind", ps.remindCmd)},
			{name: "export", run: ps.withRound("export", ps.exportCmd)},
			{name: "stop", run: ps.pulseStop},
			{name: "delete", run: ps.pulseDelete},
		},
	}, {
		name: "answer", private: true, run: ps.answerCmd,
		usage: "cmd.answer.usage", summary: "cmd.answer.summary", help: "cmd.answer.help",
	}}
}

// withRound returns the handler of "pulse <sub> ID": it loads the round the
// id names and hands it to run.
func (ps *pulses) withRound(sub string, run func(context.Context, *call, *Pulse, *Round) (*Message, error)) handler {
	return func(ctx context.Context, c *call) (*Message, error) {
		if len(c.args) != 1 {
			return nil, usageError("pulse", "pulse.err.id", "pulse "+sub)
		}
		p, r, err := ps.pulseRound(ctx, c, c.args[0])
		if err != nil {
			return nil, err
		}
		return run(ctx, c, p, r)
	}
}

func (ps *pulses) resultsCmd(ctx context.Context, c *call, p *Pulse, r *Round) (*Message, error) {
	return ps.results(ctx, c.lang, p, r)
}

func (ps *pulses) exportCmd(ctx context.Context, c *call, p *Pulse, r *Round) (*Message, error) {
	return ps.export(ctx, c.lang, p, r)
}

func (ps *pulses) remindCmd(ctx context.Context, c *call, p *Pulse, r *Round) (*Message, error) {
	if r.Closed {
		return nil, Errorf(ECONFLICT, "pulse.err.remind.closed", r.ID())
	}
	n, err := ps.remind(ctx, p, r)
	if err != nil {
		return nil, err
	}
	return reply(Plain(c.t("pulse.reminded", n, r.ID()))), nil
}

// pulseRound loads the pulse named by id ("P1": its latest round, "P1.2":
// round 2) and closes the round when its time is up.
func (ps *pulses) pulseRound(ctx context.Context, c *call, id string) (*Pulse, *Round, error) {
	pid, n := strings.ToUpper(id), 0
	if p, num, ok := parseRoundID(id); ok {
		pid, n = p, num
	}
	p, err := ps.store.Pulse(ctx, c.req.User.Space(), pid)
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
	r, err := ps.store.Round(ctx, p.Space, p.ID, n)
	if err != nil {
		return nil, nil, fmt.Errorf("load round %s.%d: %w", p.ID, n, err)
	}
	if err := ps.closeIfDue(ctx, p, r, c.now); err != nil {
		return nil, nil, err
	}
	return p, r, nil
}

func (ps *pulses) pulseNew(ctx context.Context, c *call) (*Message, error) {
	q, o, err := ps.parsePulseNew(c, c.args)
	if err != nil {
		return nil, err
	}
	p := &Pulse{Title: q.Text, Questions: []Question{q}}
	return ps.startPulse(ctx, c, p, o)
}

// parsePulseNew reads the words after "pulse new": the question and its options.
func (ps *pulses) parsePulseNew(c *call, args []string) (Question, pulseOptions, error) {
	if len(args) == 0 || strings.Contains(args[0], "=") {
		return Question{}, pulseOptions{}, usageError("pulse", "pulse.err.question").on("question")
	}
	o, err := ps.parseOptions(c, "pulse", args[1:], true)
	if err != nil {
		return Question{}, o, err
	}
	q, err := parseQuestion(args[0], o.typ)
	return q, o, err
}

func (ps *pulses) pulseTemplate(ctx context.Context, c *call) (*Message, error) {
	args := c.args
	if len(args) == 0 {
		return nil, usageError("pulse", "pulse.err.template", strings.Join(templates, ", "))
	}
	name := strings.ToLower(args[0])
	if !slices.Contains(templates, name) {
		if near, ok := closest(name, templates); ok {
			return nil, Errorf(EINVALID, "err.unknown.near", "pulse template "+args[0], "pulse template "+near)
		}
		return nil, Errorf(EINVALID, "pulse.err.template.unknown", args[0], strings.Join(templates, ", "))
	}
	o, err := ps.parseOptions(c, "pulse", args[1:], false)
	if err != nil {
		return nil, err
	}
	return ps.startPulse(ctx, c, ps.templatePulse(name), o)
}

// startPulse stores a new pulse and opens its first round now.
func (ps *pulses) startPulse(ctx context.Context, c *call, p *Pulse, o pulseOptions) (*Message, error) {
	p.Space = c.req.User.Space()
	p.Owner = c.req.User
	p.Audience = o.audience
	p.Every = o.every
	p.Closes = o.closes
	p.Anonymous = o.anonymous
	p.Created = c.now
	// The audience is checked before anything is stored.
	refs, segs, err := ps.audience(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := ps.store.CreatePulse(ctx, p); err != nil {
		return nil, fmt.Errorf("create pulse: %w", err)
	}
	r, err := ps.openRound(ctx, p, c.now, refs, segs)
	if err != nil {
		return nil, err
	}
	text := c.t("pulse.started", p.ID, title(c.p(), p), r.Invited, c.when(r.Closes, ps.loc))
	if p.Every != "" {
		text += "\n" + c.t("pulse.started.every", p.Every)
	}
	if p.Anonymous {
		text += "\n" + c.t("pulse.started.anon", ps.anonymityMin)
	} else {
		text += "\n" + c.t("pulse.started.named")
	}
	return reply(Plain(text + "\n" + c.t("pulse.started.next", p.ID))), nil
}

func (ps *pulses) pulseList(ctx context.Context, c *call) (*Message, error) {
	list, err := ps.store.Pulses(ctx, c.req.User.Space())
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
		r, err := ps.store.Round(ctx, p.Space, p.ID, p.Rounds)
		if err != nil {
			return nil, fmt.Errorf("load round %s.%d: %w", p.ID, p.Rounds, err)
		}
		if err := ps.closeIfDue(ctx, p, r, c.now); err != nil {
			return nil, err
		}
		t, err := ps.store.Tally(ctx, p.Space, p.ID, r.N)
		if err != nil {
			return nil, fmt.Errorf("tally %s: %w", r.ID(), err)
		}
		state := c.t("pulse.list.open", c.when(r.Closes, ps.loc))
		if r.Closed {
			state = c.t("pulse.list.closed")
		}
		line := c.t("pulse.list.line", p.ID, title(c.p(), p), r.ID(), state, t.Respondents, r.Invited)
		switch {
		case p.Every != "" && p.Stopped:
			line += " · " + c.t("pulse.list.stopped")
		case p.Every != "":
			line += " · " + c.t("pulse.list.every", p.Every)
		}
		lines = append(lines, "• "+line)
	}
	m.Text = Plain(strings.Join(lines, "\n"))
	return m, nil
}

func (ps *pulses) pulseClose(ctx context.Context, c *call, p *Pulse, r *Round) (*Message, error) {
	if r.Closed {
		return nil, Errorf(ECONFLICT, "pulse.err.closed.already", r.ID())
	}
	if err := ps.closeRound(ctx, p, r, c.req.User); err != nil {
		return nil, err
	}
	res, err := ps.results(ctx, c.lang, p, r)
	if err != nil {
		return nil, err
	}
	res.Context = c.t("pulse.closed.now", r.ID()) // says it is closed, in place of the results' own "Closed."
	return res, nil
}

// pulseStop ends a recurring pulse: no more rounds open, and the open round
// closes with its results.
func (ps *pulses) pulseStop(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) != 1 {
		return nil, usageError("pulse", "pulse.err.id", "pulse stop")
	}
	id := c.args[0]
	p, err := ps.store.Pulse(ctx, c.req.User.Space(), strings.ToUpper(id))
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
	if err := ps.store.UpdatePulse(ctx, p); err != nil {
		return nil, fmt.Errorf("stop pulse %s: %w", p.ID, err)
	}
	text := c.t("pulse.stopped", p.ID)
	if p.Rounds > 0 {
		r, err := ps.store.Round(ctx, p.Space, p.ID, p.Rounds)
		if err != nil {
			return nil, fmt.Errorf("load round %s.%d: %w", p.ID, p.Rounds, err)
		}
		if !r.Closed {
			if err := ps.closeRound(ctx, p, r, c.req.User); err != nil {
				return nil, err
			}
			text += " " + c.t("pulse.closed.now", r.ID())
		}
	}
	return reply(Plain(text)), nil
}

// answerCmd handles "answer ID <value>" and, for a pulse with several
// questions, "answer ID <question number> <value>".
func (ps *pulses) answerCmd(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) < 2 {
		return nil, usageError("answer", "answer.err.usage")
	}
	p, r, err := ps.pulseRound(ctx, c, c.args[0])
	if err != nil {
		return nil, err
	}
	q, rest := 1, c.args[1:]
	if len(p.Questions) > 1 {
		n, err := strconv.Atoi(strings.TrimPrefix(strings.ToLower(rest[0]), "q"))
		switch {
		case err != nil || len(rest) < 2:
			return nil, Errorf(EINVALID, "answer.err.question", p.ID, len(p.Questions))
		case n < 1 || n > len(p.Questions):
			return nil, Errorf(EINVALID, "answer.err.question.range", p.ID, len(p.Questions), n)
		}
		q, rest = n, rest[1:]
	}
	return ps.answer(ctx, c, p, r, q, strings.Join(rest, " "))
}

// answerAction handles a click on a rating or answer button.
func (ps *pulses) answerAction(ctx context.Context, c *call) (*Message, error) {
	parts := strings.SplitN(c.req.Action.Value, "|", 3)
	if len(parts) != 3 {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	q, err := strconv.Atoi(parts[1])
	if err != nil {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	p, r, err := ps.answerRound(ctx, c, parts[0])
	if err != nil {
		return nil, err
	}
	if _, n, ok := parseRoundID(parts[0]); !ok || n != r.N {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	return ps.answer(ctx, c, p, r, q, parts[2])
}

// textAction handles "answer in words": a click returns a Form for the
// answer (with, for platforms without forms, how to type it as a command); the
// Form's submission, which carries the text in Action.Input, is recorded as
// the answer.
func (ps *pulses) textAction(ctx context.Context, c *call) (*Message, error) {
	round, qs, ok := strings.Cut(c.req.Action.Value, "|")
	q, err := strconv.Atoi(qs)
	if !ok || err != nil {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	p, r, err := ps.answerRound(ctx, c, round)
	if err != nil {
		return nil, err
	}
	if c.req.Action.Input != "" {
		return ps.answer(ctx, c, p, r, q, c.req.Action.Input)
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
	hint := c.t("pulse.dm.anon", ps.anonymityMin)
	if !p.Anonymous {
		hint = c.t("pulse.dm.named", p.Owner.Label())
	}
	m.Form = &Form{
		Title: c.t("pulse.form.title"), Label: questionText(c.p(), p, q), Hint: hint, Submit: c.t("pulse.form.submit"),
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
		if b.pulses == nil {
			return nil, Errorf(EINVALID, "err.action.unknown")
		}
		p, r, err := b.pulses.answerRound(ctx, c, round)
		if err != nil {
			return nil, err
		}
		return b.pulses.answer(ctx, c, p, r, q, value)
	}()
	if err != nil {
		msg = b.errorReply(c, err)
		msg.Replace = req.Action != nil && ErrorCode(err) == ECONFLICT
	}
	return msg
}
