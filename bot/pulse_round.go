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

// openNextRound opens the next round of a pulse, due at due (the scheduler calls
// it for recurring pulses): it closes the round still open, expands the
// audience into people and sends each of them a direct message. Returns
// ENOTFOUND if the pulse does not exist.
func (ps *pulses) openNextRound(ctx context.Context, space, pulseID string, due time.Time) (*Round, error) {
	p, err := ps.store.Pulse(ctx, space, pulseID)
	if err != nil {
		return nil, fmt.Errorf("load pulse %s: %w", pulseID, err)
	}
	if p.Rounds > 0 {
		r, err := ps.store.Round(ctx, space, p.ID, p.Rounds)
		if err != nil {
			return nil, fmt.Errorf("load round %s.%d: %w", p.ID, p.Rounds, err)
		}
		if !r.Closed {
			if err := ps.closeRound(ctx, p, r, Ref{}); err != nil {
				return nil, err
			}
		}
	}
	refs, segs, err := ps.audience(ctx, p)
	if err != nil {
		return nil, err
	}
	return ps.openRound(ctx, p, due, refs, segs)
}

// maxRemindBefore is the longest time before close that a reminder goes out.
const maxRemindBefore = 24 * time.Hour

// remindBefore is when, before a round of duration d closes, its reminder goes
// out: a third of the time, at most a day.
func remindBefore(d time.Duration) time.Duration { return min(d/3, maxRemindBefore) }

// people expands the audience of p into people, each once, with the segment
// they belong to: the first channel or group that holds them, or one segment
// for all people named directly.
func (ps *pulses) people(ctx context.Context, p *Pulse) ([]Ref, []int, error) {
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
		if ps.dir == nil {
			return nil, nil, Errorf(EINVALID, "pulse.err.nodirectory")
		}
		members, err := ps.dir.Members(ctx, g)
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

// audience expands the audience of p into people and their segments, as
// people does, and refuses one too small (checkAudience).
func (ps *pulses) audience(ctx context.Context, p *Pulse) ([]Ref, []int, error) {
	refs, segs, err := ps.people(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	if err := ps.checkAudience(p, len(refs)); err != nil {
		return nil, nil, err
	}
	return refs, segs, nil
}

// openRound stores the next round of p, opened at due, for the people refs
// (in segments segs), and sends its messages.
func (ps *pulses) openRound(ctx context.Context, p *Pulse, due time.Time, refs []Ref, segs []int) (*Round, error) {
	merged := ps.mergeSmall(p, segs)
	var salt [16]byte
	_, _ = rand.Read(salt[:])
	r := Round{
		Pulse:   p.ID,
		N:       p.Rounds + 1,
		Opened:  due,
		Closes:  due.Add(p.Closes),
		Invited: len(refs),
		Salt:    hex.EncodeToString(salt[:]),
		Merged:  merged,
	}
	invitees := make([]Invitee, len(refs))
	for i, u := range refs {
		invitees[i] = Invitee{Who: respondent(r.Salt, u), Segment: segs[i]}
	}
	if err := ps.store.OpenRound(ctx, p, r, invitees); err != nil {
		return nil, fmt.Errorf("open round %s: %w", r.ID(), err)
	}
	langs := ps.langs.of(ctx, refs)
	msgs := make([]Message, len(refs))
	for i, u := range refs {
		msgs[i] = ps.questionMessage(ps.cat.Lang(langs[u.Key()]), p, &r, 1, false)
		msgs[i].To = u
	}
	if err := ps.outbox.Post(ctx, msgs...); err != nil {
		return nil, Unavailable("err.platform", fmt.Errorf("send round %s: %w", r.ID(), err))
	}
	return &r, nil
}

// checkAudience refuses an audience of n people: nobody, or, for an
// anonymous pulse, fewer than could ever see results.
func (ps *pulses) checkAudience(p *Pulse, n int) error {
	if n == 0 {
		return Errorf(EINVALID, "pulse.err.nobody")
	}
	if p.Anonymous && n < ps.anonymityMin {
		return Errorf(EINVALID, "pulse.err.audience.small", n, ps.anonymityMin)
	}
	return nil
}

// closeIfDue closes r when its time is up: rounds close lazily on the first
// look after their time, so a missed scheduler tick loses nothing.
func (ps *pulses) closeIfDue(ctx context.Context, p *Pulse, r *Round, now time.Time) error {
	if r.Closed || now.Before(r.Closes) {
		return nil
	}
	return ps.closeRound(ctx, p, r, Ref{})
}

// closeRound closes r and sends its results to the owner, unless by is the
// owner (who gets them as the reply).
func (ps *pulses) closeRound(ctx context.Context, p *Pulse, r *Round, by Ref) error {
	keep := 0
	if p.Anonymous {
		keep = ps.anonymityMin
	}
	closed, err := ps.store.CloseRound(ctx, p.Space, p.ID, r.N, keep)
	if err != nil {
		return fmt.Errorf("close round %s: %w", r.ID(), err)
	}
	r.Closed = true
	ps.rounds.forget(roundKey(p.Space, r.ID()))
	if !closed || by.Key() == p.Owner.Key() {
		return nil
	}
	lang := ps.langs.of(ctx, []Ref{p.Owner})[p.Owner.Key()] // the owner reads the results in their language
	card, err := ps.results(ctx, lang, p, r)
	if err != nil {
		return err
	}
	card.Ephemeral = false
	card.To = p.Owner
	if err := ps.outbox.Post(ctx, *card); err != nil {
		return Unavailable("err.platform", fmt.Errorf("send results %s: %w", r.ID(), err))
	}
	return nil
}

// remind sends the next unanswered question to everyone in the audience who
// has not answered every question of r, and returns how many they were.
func (ps *pulses) remind(ctx context.Context, p *Pulse, r *Round) (int, error) {
	if r.Closed {
		return 0, Errorf(ECONFLICT, "pulse.closed")
	}
	refs, _, err := ps.people(ctx, p)
	if err != nil {
		return 0, err
	}
	who := make([]string, len(refs))
	for i, u := range refs {
		who[i] = respondent(r.Salt, u)
	}
	answered, err := ps.store.Answered(ctx, p.Space, p.ID, r.N, who)
	if err != nil {
		return 0, fmt.Errorf("answered %s: %w", r.ID(), err)
	}
	required := requiredQuestions(p)
	langs := ps.langs.of(ctx, refs)
	var msgs []Message
	for i, u := range refs {
		got, invited := answered[who[i]]
		if !invited || got&required == required {
			continue
		}
		m := ps.questionMessage(ps.cat.Lang(langs[u.Key()]), p, r, nextQuestion(got, len(p.Questions)), true)
		m.To = u
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	if err := ps.outbox.Post(ctx, msgs...); err != nil {
		return 0, Unavailable("err.platform", fmt.Errorf("send reminders %s: %w", r.ID(), err))
	}
	return len(msgs), nil
}

// requiredQuestions returns, as bits (question q is bit q-1), the questions a
// reminder waits for: every rating and choice, while a free-text question
// is optional, unless the pulse asks nothing else.
func requiredQuestions(p *Pulse) uint64 {
	var all, required uint64
	for i, q := range p.Questions {
		all |= 1 << i
		if q.Type != QText {
			required |= 1 << i
		}
	}
	if required == 0 {
		return all
	}
	return required
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
func (ps *pulses) answer(ctx context.Context, c *call, p *Pulse, r *Round, q int, raw string) (*Message, error) {
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
		a.Named = namedAs(c.req.User)
	}
	if question.Type == QText && raw == skipValue {
		a.Skip = true
	} else {
		v, ok := parseValue(question, raw)
		if !ok {
			if hint := valueHint(question); hint != "" {
				return nil, Errorf(EINVALID, valueErrKey(question.Type), hint)
			}
			return nil, Errorf(EINVALID, valueErrKey(question.Type))
		}
		a.Value = v
	}
	status, got, err := ps.store.RecordAnswer(ctx, a)
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
		*m = ps.questionMessage(c.lang, p, r, next, false)
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
func (ps *pulses) questionMessage(lang string, p *Pulse, r *Round, q int, reminder bool) Message {
	pr := ps.cat.Printer(lang)
	question := p.Questions[q-1]
	text := questionText(pr, p, q)
	title := title(pr, p)
	if p.Template == "" {
		title = pr.T("pulse.dm.header", p.Owner.Label())
	}
	m := Message{Header: "📊 " + title}
	if reminder {
		m.Header = pr.T("pulse.reminder.header", title)
	}
	intro := pr.T("pulse.dm.intro")
	switch {
	case len(p.Questions) > 1:
		intro = pr.T("pulse.dm.step", q, len(p.Questions))
	case question.Type == QText:
		intro = pr.T("pulse.dm.intro.text")
	}
	m.Text = Text{Str(intro + "\n"), Bold(text)}
	value := r.ID() + "|" + strconv.Itoa(q)
	switch question.Type {
	case QNPS:
		m.Rating = &Rating{Action: ActionPulseAnswer, Value: value, Min: 0, Max: 10,
			MinLabel: pr.T("pulse.nps.min"), MaxLabel: pr.T("pulse.nps.max")}
	case QScale5:
		m.Rating = &Rating{Action: ActionPulseAnswer, Value: value, Min: 1, Max: 5,
			MinLabel: pr.T("pulse.scale.min"), MaxLabel: pr.T("pulse.scale.max")}
	case QYesNo:
		m.Buttons = []Button{
			{Label: pr.T("pulse.yes"), Action: ActionPulseAnswer, Value: value + "|yes"},
			{Label: pr.T("pulse.no"), Action: ActionPulseAnswer, Value: value + "|no"},
		}
	case QChoice:
		for i, o := range question.Options {
			m.Buttons = append(m.Buttons, Button{Label: o, Action: ActionPulseAnswer, Value: value + "|" + strconv.Itoa(i+1)})
		}
	case QText:
		m.Buttons = []Button{
			{Label: pr.T("pulse.text.button"), Action: ActionPulseText, Value: value, Style: "primary"},
			{Label: pr.T("pulse.text.skip"), Action: ActionPulseAnswer, Value: value + "|" + skipValue},
		}
	}
	anon := pr.T("pulse.dm.anon", ps.anonymityMin)
	if !p.Anonymous {
		anon = pr.T("pulse.dm.named", p.Owner.Label())
	}
	m.Context = anon + " " + pr.T("pulse.dm.closes", pr.When(r.Closes, ps.loc)) + " " + pr.T("pulse.dm.privacy")
	m.Fallback = title + ": " + text
	return m
}

// OpenRound opens the next round of a pulse, due at due, as the scheduler
// does for recurring pulses. Returns ENOTFOUND if the pulse does not exist.
func (b *Bot) OpenRound(ctx context.Context, space, pulseID string, due time.Time) (*Round, error) {
	if b.pulses == nil {
		return nil, Errorf(ENOTFOUND, "err.action.unknown")
	}
	return b.pulses.openNextRound(ctx, space, pulseID, due)
}

// valueErrKey is the catalog key that says what an answer to a question of
// type t must look like.
func valueErrKey(t QuestionType) string { return "answer.err.value." + string(t) }
