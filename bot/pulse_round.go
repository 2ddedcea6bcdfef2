package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/bits"
	"strconv"
	"time"
)

// OpenRound opens the next round of a pulse, due at due (the scheduler calls
// it for recurring pulses): it closes the round still open, expands the
// audience into people and sends each of them a direct message. Returns
// ENOTFOUND if the pulse does not exist.
func (b *Bot) OpenRound(ctx context.Context, space, pulseID string, due time.Time) (*Round, error) {
	p, err := b.cfg.Pulses.Pulse(ctx, space, pulseID)
	if err != nil {
		return nil, fmt.Errorf("load pulse %s: %w", pulseID, err)
	}
	if p.Rounds > 0 {
		r, err := b.cfg.Pulses.Round(ctx, space, p.ID, p.Rounds)
		if err != nil {
			return nil, fmt.Errorf("load round %s.%d: %w", p.ID, p.Rounds, err)
		}
		if !r.Closed {
			if err := b.closeRound(ctx, p, r, Ref{}); err != nil {
				return nil, err
			}
		}
	}
	return b.openRound(ctx, p, due)
}

// maxRemindBefore is the longest time before close that a reminder goes out.
const maxRemindBefore = 24 * time.Hour

// remindBefore is when, before a round of duration d closes, its reminder goes
// out: a third of the time, at most a day.
func remindBefore(d time.Duration) time.Duration { return min(d/3, maxRemindBefore) }

// people expands the audience of p into people, each once, with the segment
// they belong to: the first channel or group that holds them, or one segment
// for all people named directly.
func (b *Bot) people(ctx context.Context, p *Pulse) ([]Ref, []int, error) {
	var (
		refs []Ref
		segs []int
		seen = map[string]bool{}
	)
	add := func(u Ref, seg int) {
		if !seen[u.Key()] {
			seen[u.Key()] = true
			refs = append(refs, u)
			segs = append(segs, seg)
		}
	}
	groups := segmentTargets(p)
	for i, g := range groups {
		if b.cfg.Directory == nil {
			return nil, nil, Errorf(EINVALID, "pulse.err.nodirectory")
		}
		members, err := b.cfg.Directory.Members(ctx, g)
		if err != nil {
			if ErrorCode(err) == ENOTFOUND {
				return nil, nil, Errorf(ENOTFOUND, "pulse.err.target.unknown", g.Label())
			}
			return nil, nil, fmt.Errorf("members of %s: %w", g.Key(), err)
		}
		for _, u := range members {
			add(u, i)
		}
	}
	for _, u := range p.Audience {
		if u.Kind == UserRef {
			add(u, len(groups))
		}
	}
	return refs, segs, nil
}

// segmentTargets are the channels and groups of p's audience, in order; people
// named directly form one more segment after them.
func segmentTargets(p *Pulse) []Ref {
	var out []Ref
	for _, r := range p.Audience {
		if r.Kind != UserRef {
			out = append(out, r)
		}
	}
	return out
}

// openRound stores the next round of p, opened at due, and sends its messages.
func (b *Bot) openRound(ctx context.Context, p *Pulse, due time.Time) (*Round, error) {
	refs, segs, err := b.people(ctx, p)
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return nil, Errorf(EINVALID, "pulse.err.nobody")
	}
	var salt [16]byte
	_, _ = rand.Read(salt[:])
	r := Round{
		Pulse:   p.ID,
		N:       p.Rounds + 1,
		Opened:  due,
		Closes:  due.Add(p.Closes),
		Invited: len(refs),
		Salt:    hex.EncodeToString(salt[:]),
	}
	invitees := make([]Invitee, len(refs))
	for i, u := range refs {
		invitees[i] = Invitee{Who: respondent(r.Salt, u), Segment: segs[i]}
	}
	if err := b.cfg.Pulses.OpenRound(ctx, p, r, invitees); err != nil {
		return nil, fmt.Errorf("open round %s: %w", r.ID(), err)
	}
	langs := b.langsOf(ctx, refs)
	msgs := make([]Message, len(refs))
	for i, u := range refs {
		msgs[i] = b.questionMessage(b.cat.Lang(langs[u.Key()]), p, &r, 1, false)
		msgs[i].To = u
	}
	if err := b.cfg.Outbox.Post(ctx, msgs...); err != nil {
		return nil, Unavailable("err.platform", fmt.Errorf("send round %s: %w", r.ID(), err))
	}
	return &r, nil
}

// closeIfDue closes r when its time is up: rounds close lazily on the first
// look after their time, so a missed scheduler tick loses nothing.
func (b *Bot) closeIfDue(ctx context.Context, p *Pulse, r *Round, now time.Time) error {
	if r.Closed || now.Before(r.Closes) {
		return nil
	}
	return b.closeRound(ctx, p, r, Ref{})
}

// closeRound closes r and sends its results to the owner, unless by is the
// owner (who gets them as the reply).
func (b *Bot) closeRound(ctx context.Context, p *Pulse, r *Round, by Ref) error {
	closed, err := b.cfg.Pulses.CloseRound(ctx, p.Space, p.ID, r.N)
	if err != nil {
		return fmt.Errorf("close round %s: %w", r.ID(), err)
	}
	r.Closed = true
	b.rounds.forget(roundKey(p.Space, r.ID()))
	if !closed || by.Key() == p.Owner.Key() {
		return nil
	}
	card, err := b.results(ctx, "", p, r)
	if err != nil {
		return err
	}
	card.Ephemeral = false
	card.To = p.Owner
	if err := b.cfg.Outbox.Post(ctx, *card); err != nil {
		return Unavailable("err.platform", fmt.Errorf("send results %s: %w", r.ID(), err))
	}
	return nil
}

// remind sends the next unanswered question to everyone in the audience who
// has not answered every question of r, and returns how many they were.
func (b *Bot) remind(ctx context.Context, p *Pulse, r *Round) (int, error) {
	if r.Closed {
		return 0, Errorf(ECONFLICT, "pulse.closed")
	}
	refs, _, err := b.people(ctx, p)
	if err != nil {
		return 0, err
	}
	who := make([]string, len(refs))
	for i, u := range refs {
		who[i] = respondent(r.Salt, u)
	}
	answered, err := b.cfg.Pulses.Answered(ctx, p.Space, p.ID, r.N, who)
	if err != nil {
		return 0, fmt.Errorf("answered %s: %w", r.ID(), err)
	}
	all := uint64(1)<<len(p.Questions) - 1
	langs := b.langsOf(ctx, refs)
	var msgs []Message
	for i, u := range refs {
		got, invited := answered[who[i]]
		if !invited || got == all {
			continue
		}
		m := b.questionMessage(b.cat.Lang(langs[u.Key()]), p, r, nextQuestion(got, len(p.Questions)), true)
		m.To = u
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	if err := b.cfg.Outbox.Post(ctx, msgs...); err != nil {
		return 0, Unavailable("err.platform", fmt.Errorf("send reminders %s: %w", r.ID(), err))
	}
	return len(msgs), nil
}

// nextQuestion returns the first question (1-based) not in answered, or 0.
func nextQuestion(answered uint64, n int) int {
	q := bits.TrailingZeros64(^answered) + 1
	if q > n {
		return 0
	}
	return q
}

// answer records one answer of the requester and returns the thanks, with
// the next unanswered question if there is one.
func (b *Bot) answer(ctx context.Context, c *call, p *Pulse, r *Round, q int, raw string) (*Message, error) {
	if !r.IsOpen(c.now) {
		return nil, Errorf(ECONFLICT, "pulse.closed")
	}
	if q < 1 || q > len(p.Questions) {
		return nil, Errorf(EINVALID, "answer.err.question", p.ID, len(p.Questions))
	}
	question := p.Questions[q-1]
	a := Answer{
		Space: p.Space, Pulse: p.ID, Round: r.N, Question: q, Questions: len(p.Questions), Invited: r.Invited,
		Who: respondent(r.Salt, c.req.User), Text: question.Type == QText,
	}
	if !p.Anonymous {
		a.Named = c.req.User.Key()
	}
	if question.Type == QText && raw == skipValue {
		a.Skip = true
	} else {
		v, ok := parseValue(question, raw)
		if !ok {
			if hint := valueHint(question); hint != "" {
				return nil, Errorf(EINVALID, "answer.err.value."+string(question.Type), hint)
			}
			return nil, Errorf(EINVALID, "answer.err.value."+string(question.Type))
		}
		a.Value = v
	}
	status, got, err := b.cfg.Pulses.RecordAnswer(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("record answer %s: %w", r.ID(), err)
	}
	thanks := "pulse.thanks"
	switch status {
	case RoundShut:
		return nil, Errorf(ECONFLICT, "pulse.closed")
	case NotInvited:
		return nil, Errorf(EFORBIDDEN, "pulse.err.notinvited", p.ID)
	case Duplicate:
		thanks = "pulse.already"
	}
	m := &Message{Ephemeral: true, Replace: c.req.Action != nil}
	if next := nextQuestion(got, len(p.Questions)); next > 0 {
		*m = b.questionMessage(c.lang, p, r, next, false)
		m.Ephemeral, m.Replace = true, c.req.Action != nil
		m.Text = append(Text{Str(c.t(thanks) + "\n\n")}, m.Text...)
		return m, nil
	}
	m.Text = Plain(c.t(thanks) + " " + c.t("pulse.thanks.done"))
	m.Fallback = c.t(thanks)
	return m, nil
}

// valueHint says what answers question q takes.
func valueHint(q Question) string {
	switch q.Type {
	case QNPS, QScale5:
		lo, hi := scaleRange(q.Type)
		return fmt.Sprintf("%d–%d", lo, hi)
	case QChoice:
		s := ""
		for i, o := range q.Options {
			if i > 0 {
				s += ", "
			}
			s += strconv.Itoa(i+1) + " = " + o
		}
		return s
	}
	return ""
}

// questionMessage is question q (1-based) of round r as a respondent sees it,
// with its buttons. reminder marks a reminder.
func (b *Bot) questionMessage(lang string, p *Pulse, r *Round, q int, reminder bool) Message {
	t := func(key string, args ...any) string { return b.cat.T(lang, key, args...) }
	question := p.Questions[q-1]
	title := p.Title
	if p.Template == "" {
		title = t("pulse.dm.header", p.Owner.Label())
	}
	m := Message{Header: "📊 " + title}
	if reminder {
		m.Header = t("pulse.reminder.header", title)
	}
	intro := t("pulse.dm.intro")
	if len(p.Questions) > 1 {
		intro = t("pulse.dm.step", q, len(p.Questions))
	}
	m.Text = Text{Str(intro + "\n"), Bold(question.Text)}
	value := r.ID() + "|" + strconv.Itoa(q)
	switch question.Type {
	case QNPS:
		m.Rating = &Rating{Action: ActionPulseAnswer, Value: value, Min: 0, Max: 10,
			MinLabel: t("pulse.nps.min"), MaxLabel: t("pulse.nps.max")}
	case QScale5:
		m.Rating = &Rating{Action: ActionPulseAnswer, Value: value, Min: 1, Max: 5,
			MinLabel: t("pulse.scale.min"), MaxLabel: t("pulse.scale.max")}
	case QYesNo:
		m.Buttons = []Button{
			{Label: t("pulse.yes"), Action: ActionPulseAnswer, Value: value + "|yes"},
			{Label: t("pulse.no"), Action: ActionPulseAnswer, Value: value + "|no"},
		}
	case QChoice:
		for i, o := range question.Options {
			m.Buttons = append(m.Buttons, Button{Label: o, Action: ActionPulseAnswer, Value: value + "|" + strconv.Itoa(i+1)})
		}
	case QText:
		m.Buttons = []Button{
			{Label: t("pulse.text.button"), Action: ActionPulseText, Value: value, Style: "primary"},
			{Label: t("pulse.text.skip"), Action: ActionPulseAnswer, Value: value + "|" + skipValue},
		}
	}
	anon := t("pulse.dm.anon", b.cfg.AnonymityMin)
	if !p.Anonymous {
		anon = t("pulse.dm.named", p.Owner.Label())
	}
	m.Context = anon + " " + t("pulse.dm.closes", b.when(r.Closes))
	m.Fallback = title + ": " + question.Text
	return m
}
