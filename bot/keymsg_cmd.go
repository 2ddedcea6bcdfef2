package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of key messages.
const (
	maxKeyText   = 3000
	previewRuns  = 5
	showSends    = 5
	showMissing  = 20
	maxKeyTarget = 50
)

// keyMessages is the key-message feature: recurring messages to channels and
// people, their sends, and the acknowledgement button.
type keyMessages struct {
	store  KeyMessageStore
	sched  scheduleParser
	outbox Outbox
	dir    Directory
	langs  *languages
	clock  Clock
	loc    *time.Location
	cat    *Catalog
	log    *slog.Logger
}

func (ks *keyMessages) commands() []command {
	return []command{{
		name: "keymsg", admin: true, noSub: "keymsg.err.nosub",
		usage: "cmd.keymsg.usage", summary: "cmd.keymsg.summary", help: "cmd.keymsg.help",
		subs: []subcommand{
			{name: "add", run: ks.keymsgAdd},
			{name: "list", run: ks.keymsgList},
			{name: "show", run: ks.withKey("show", ks.keymsgShow)},
			{name: "preview", run: ks.withKey("preview", ks.keymsgPreview)},
			{name: "pause", run: ks.withKey("pause", ks.keymsgPause)},
			{name: "resume", run: ks.withKey("resume", ks.keymsgResume)},
			{name: "delete", run: ks.withKey("delete", ks.keymsgDelete)},
			{name: "send", run: ks.withKey("send", ks.keymsgSendNow)},
		},
	}}
}

// withKey returns the handler of "keymsg <sub> ID": it loads the key message
// and hands it to run.
func (ks *keyMessages) withKey(sub string, run func(context.Context, *call, *KeyMessage) (*Message, error)) handler {
	return func(ctx context.Context, c *call) (*Message, error) {
		if len(c.args) != 1 {
			return nil, usageError("keymsg", "keymsg.err.noid", "keymsg "+sub)
		}
		k, err := ks.store.KeyMessage(ctx, c.req.User.Space(), keyMessageID(c.args[0]))
		if ErrorCode(err) == ENOTFOUND {
			return nil, Errorf(ENOTFOUND, "keymsg.err.notfound", c.args[0])
		}
		if err != nil {
			return nil, fmt.Errorf("load key message: %w", err)
		}
		return run(ctx, c, k)
	}
}

// keymsgAdd handles `keymsg add "<schedule>" <#channel or @user…> <text>`.
func (ks *keyMessages) keymsgAdd(ctx context.Context, c *call) (*Message, error) {
	args := c.args
	if len(args) == 0 {
		return nil, usageError("keymsg", "keymsg.err.noschedule")
	}
	spec := args[0]
	if w := strings.ToLower(spec); slices.Contains([]string{"every", "on", "jeden", "jede", "alle", "am"}, w) {
		return nil, usageError("keymsg", "keymsg.err.quote")
	}
	sched, _, err := ks.sched.parseRepeat(spec, c.now, true)
	if err != nil {
		return nil, err
	}
	args = args[1:]
	var targets []Ref
	for len(args) > 0 {
		ref, ok := c.req.refOf(args[0])
		if !ok {
			break
		}
		if !containsRef(targets, ref) {
			targets = append(targets, ref)
		}
		args = args[1:]
	}
	switch {
	case len(targets) == 0:
		return nil, usageError("keymsg", "keymsg.err.notarget")
	case len(targets) > maxKeyTarget:
		return nil, Errorf(EINVALID, "keymsg.err.targets", maxKeyTarget)
	case len(args) == 0:
		return nil, usageError("keymsg", "keymsg.err.notext")
	}
	text := c.req.textOf(args)
	if n := utf8.RuneCountInString(text.String()); n > maxKeyText {
		return nil, Errorf(EINVALID, "keymsg.err.toolong", n, maxKeyText)
	}
	k := &KeyMessage{
		Space: c.req.User.Space(), Schedule: spec, Zone: ks.loc.String(),
		Targets: targets, Text: text, Author: c.req.User, Created: c.now, Since: c.now,
	}
	if err := ks.store.AddKeyMessage(ctx, k); err != nil {
		return nil, fmt.Errorf("add key message: %w", err)
	}
	m := reply(Plain(c.t("keymsg.added", k.Label(), c.when(sched.Next(c.now), sched.Location()))))
	m.Context = c.t("keymsg.added.hint", k.Label())
	return m, nil
}

func containsRef(refs []Ref, r Ref) bool {
	for _, x := range refs {
		if x.Key() == r.Key() {
			return true
		}
	}
	return false
}

// schedule parses k's schedule in its zone.
func (ks *keyMessages) schedule(k *KeyMessage) (Schedule, error) {
	loc, err := time.LoadLocation(k.Zone)
	if err != nil {
		loc = ks.loc
	}
	s, err := ks.sched.schedules.Parse(k.Schedule, loc, k.Created)
	if err != nil {
		return nil, fmt.Errorf("key message %s: schedule %q: %w", k.ID, k.Schedule, err)
	}
	return s, nil
}

func (ks *keyMessages) keymsgList(ctx context.Context, c *call) (*Message, error) {
	list, err := ks.store.KeyMessages(ctx, c.req.User.Space())
	if err != nil {
		return nil, fmt.Errorf("list key messages: %w", err)
	}
	m := &Message{Ephemeral: true, Header: c.t("keymsg.list.header")}
	if len(list) == 0 {
		m.Text = Plain(c.t("keymsg.list.empty"))
		return m, nil
	}
	for i := range list {
		k := &list[i]
		if i > 0 {
			m.Text = append(m.Text, Str("\n"))
		}
		status := c.t("keymsg.status.paused")
		if !k.Paused {
			status = c.t("keymsg.status.next", ks.nextRun(c, k))
		}
		m.Text = append(m.Text, Bold(k.Label()), Str(" · "+c.t("quote", k.Schedule)+" → "))
		m.Text = append(m.Text, joinRefs(k.Targets)...)
		m.Text = append(m.Text, Str(" · "+status+"\n    "+excerpt(k.Text.String(), 80)))
	}
	return m, nil
}

// nextRun renders the next run of k after now.
func (ks *keyMessages) nextRun(c *call, k *KeyMessage) string {
	s, err := ks.schedule(k)
	if err != nil {
		return "?"
	}
	return c.when(s.Next(maxTime(c.now, k.Since)), s.Location())
}

func (ks *keyMessages) keymsgPreview(_ context.Context, c *call, k *KeyMessage) (*Message, error) {
	s, err := ks.schedule(k)
	if err != nil {
		return nil, err
	}
	var lines []string
	t := maxTime(c.now, k.Since)
	for range previewRuns {
		if t = s.Next(t); t.IsZero() {
			break
		}
		lines = append(lines, "• "+c.when(t, s.Location()))
	}
	if len(lines) == 0 {
		lines = append(lines, c.t("keymsg.preview.none"))
	}
	m := &Message{Ephemeral: true, Header: c.t("keymsg.preview.header", k.Label()),
		Text: Plain(strings.Join(lines, "\n")), Context: c.t("keymsg.preview.zone", k.Schedule, s.Location().String())}
	if k.Paused {
		m.Context += "\n" + c.t("keymsg.preview.paused", k.Label())
	}
	return m, nil
}

func (ks *keyMessages) keymsgShow(ctx context.Context, c *call, k *KeyMessage) (*Message, error) {
	sends, err := ks.store.KeySends(ctx, k.Space, k.ID, showSends, showMissing)
	if err != nil {
		return nil, fmt.Errorf("key message sends: %w", err)
	}
	sched, err := ks.schedule(k)
	if err != nil {
		return nil, err
	}
	loc := sched.Location()
	status := c.t("keymsg.status.paused")
	if !k.Paused {
		status = c.t("keymsg.status.next", c.when(sched.Next(maxTime(c.now, k.Since)), loc))
	}
	m := &Message{Ephemeral: true, Header: c.t("keymsg.show.header", k.Label()), Text: k.Text}
	m.Fields = []Field{
		{Label: c.t("keymsg.show.schedule"), Value: Plain(c.t("quote", k.Schedule) + " · " + status)},
		{Label: c.t("keymsg.show.to"), Value: joinRefs(k.Targets)},
	}
	var lines Text
	for i, r := range sends {
		if i > 0 {
			lines = append(lines, Str("\n"))
		}
		lines = append(lines, c.sendLine(r, loc)...)
	}
	if len(sends) == 0 {
		lines = Plain(c.t("keymsg.show.nosends"))
	}
	m.Fields = append(m.Fields, Field{Label: c.t("keymsg.show.sends"), Value: lines})
	return m, nil
}

// sendLine reports one send: when, delivered, failed and why, acknowledged, and who not yet.
func (c *call) sendLine(r SendReport, loc *time.Location) Text {
	s := r.Send
	head := "• " + c.when(s.Due, loc)
	switch {
	case s.Skipped:
		return Text{Str(head + " · " + c.t("keymsg.send.skipped"))}
	case s.Manual:
		head += " · " + c.t("keymsg.send.manual")
	case s.Late:
		head += " · " + c.t("keymsg.send.late", c.when(s.At, loc))
	}
	t := Text{Str(head + " · " + c.t("keymsg.send.delivered", r.Delivered, s.Posts))}
	if len(r.Failures) > 0 {
		t = append(t, Str(" · "+c.t("keymsg.send.failed", len(r.Failures))+" "))
		for i, f := range r.Failures {
			if i > 0 {
				t = append(t, Str(", "))
			}
			t = append(t, Mention(f.To), Str(" ("+c.reason(f)+")"))
		}
	}
	t = append(t, Str(" · "+c.t("keymsg.send.acked", r.Acked, r.Audience)))
	if len(r.Missing) > 0 {
		t = append(t, Str("\n    "+c.t("keymsg.send.missing")+" "))
		t = append(t, joinRefs(r.Missing)...)
		if more := r.Audience - r.Acked - len(r.Missing); more > 0 {
			t = append(t, Str(" "+c.t("keymsg.send.more", more)))
		}
	}
	return t
}

// reason explains a delivery failure in the requester's language; a person
// is not "a place herald is not in", so people get words of their own.
func (c *call) reason(f Failure) string {
	if f.To.Kind == UserRef {
		switch f.Code {
		case ENOTFOUND:
			return c.t("keymsg.reason.user.not_found")
		case EFORBIDDEN:
			return c.t("keymsg.reason.user.forbidden")
		}
	}
	return c.t(reasonKey(f.Code))
}

// reasonKey names the catalog text of a delivery failure code.
// reasonKey is the catalog key that explains why a post failed with code.
func reasonKey(code string) string {
	switch code {
	case ENOTFOUND, EFORBIDDEN, EUNAVAILABLE:
		return "keymsg.reason." + code
	}
	return "keymsg.reason." + EINTERNAL
}

func (ks *keyMessages) keymsgPause(ctx context.Context, c *call, k *KeyMessage) (*Message, error) {
	if k.Paused {
		return reply(Plain(c.t("keymsg.paused.already", k.Label()))), nil
	}
	k.Paused = true
	if err := ks.store.UpdateKeyMessage(ctx, k); err != nil {
		return nil, fmt.Errorf("pause key message: %w", err)
	}
	return reply(Plain(c.t("keymsg.paused", k.Label()))), nil
}

func (ks *keyMessages) keymsgResume(ctx context.Context, c *call, k *KeyMessage) (*Message, error) {
	if !k.Paused {
		return reply(Plain(c.t("keymsg.resumed.already", k.Label()))), nil
	}
	k.Paused, k.Since = false, c.now
	if err := ks.store.UpdateKeyMessage(ctx, k); err != nil {
		return nil, fmt.Errorf("resume key message: %w", err)
	}
	return reply(Plain(c.t("keymsg.resumed", k.Label(), ks.nextRun(c, k)))), nil
}

func (ks *keyMessages) keymsgDelete(ctx context.Context, c *call, k *KeyMessage) (*Message, error) {
	if err := ks.store.DeleteKeyMessage(ctx, k.Space, k.ID); err != nil {
		return nil, fmt.Errorf("delete key message: %w", err)
	}
	return reply(Plain(c.t("keymsg.deleted", k.Label()))), nil
}

// keymsgSendNow handles "keymsg send ID": one send now, outside the schedule.
func (ks *keyMessages) keymsgSendNow(ctx context.Context, c *call, k *KeyMessage) (*Message, error) {
	s := KeySend{ID: "m" + strconv.FormatInt(c.now.UnixMilli(), 10), Due: c.now, At: c.now, Manual: true}
	n, err := ks.sendKeyMessage(ctx, k, s)
	if err != nil {
		return nil, err
	}
	return reply(Plain(c.t("keymsg.sent", k.Label(), n))), nil
}
