package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// Config is what the core needs: its stores, an Outbox, a clock and the settings
// of CONTRACT.md. cmd/herald fills it in.
type Config struct {
	Shoutouts ShoutoutStore
	Pulses    PulseStore  // pulse surveys; nil turns the pulse commands off
	Goals     GoalStore   // goals; nil turns the goal command off
	Charts    Charter     // draws result charts; nil sends results without a chart
	People    PeopleStore // people's chosen languages; nil turns "language" off
	// KeyMessages and Schedules turn on key messages; Schedules alone the
	// digest. cmd/herald always sets both.
	KeyMessages KeyMessageStore
	Schedules   Schedules // reads schedule phrases and cron
	Outbox      Outbox
	Directory   Directory // expands channels and groups into people
	Clock       Clock
	Logger      *slog.Logger

	Lang     string         // default language, one of Languages()
	Location *time.Location // default zone for months and schedules
	// Admins are user ids (or platform:id) with admin rights.
	Admins []string
	// WinsChannel is the channel id shout-outs are broadcast to, or ids by
	// platform ("slack:C1,teams:19:…"); empty means the channel the command
	// came from.
	WinsChannel string
	// AnonymityMin is how many respondents an anonymous pulse (and each of its
	// segments) needs before its results are shown. Zero means 5.
	AnonymityMin int
	// FeedbackChannel is the channel id anonymous feedback goes to, or ids by
	// platform as for WinsChannel; empty refuses feedback.
	FeedbackChannel string
	// Executives receive the monthly digest.
	Executives []Ref
	// DigestSchedule is when the digest goes out; empty means the first working
	// day of the month at 9:00.
	DigestSchedule string
}

// Bot is herald's core: it turns Requests into replies and messages.
type Bot struct {
	cfg      Config
	cat      *Catalog
	log      *slog.Logger
	admins   map[string]bool
	commands []command
	actions  map[string]handler
	// homeSections make up the home page (Home).
	homeSections []homeSection
	langs        langCache
	jobs         map[string]jobKind
	digest       []digestSection
	rounds       roundCache // open rounds that answers name
}

// handler runs one command or button press and returns the reply to the requester.
type handler func(ctx context.Context, c *call) (*Message, error)

// command is one top-level word of the command language.
type command struct {
	name string
	subs []string // subcommand words, for help and "did you mean"
	run  handler
}

// New returns a Bot. It fails on a configuration the core can't work with.
func New(cfg Config) (*Bot, error) {
	cat, err := NewCatalog(cfg.Lang)
	if err != nil {
		return nil, err
	}
	if cfg.Shoutouts == nil || cfg.Outbox == nil {
		return nil, errors.New("bot: Shoutouts and Outbox are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.AnonymityMin < 1 {
		cfg.AnonymityMin = 5
	}
	if cfg.Directory == nil {
		cfg.Directory = Directories{}
	}
	b := &Bot{cfg: cfg, cat: cat, log: cfg.Logger, admins: map[string]bool{}, langs: langCache{m: map[string]langEntry{}}}
	for _, a := range cfg.Admins {
		if a = strings.TrimSpace(a); a != "" {
			b.admins[a] = true
		}
	}
	// Commands in the order help lists them; features whose stores are not
	// configured stay off.
	b.commands = []command{
		{name: "help", run: b.help},
		{name: "shoutout", subs: []string{"list", "top"}, run: b.shoutout},
	}
	b.actions = map[string]handler{}
	b.jobs = map[string]jobKind{}
	b.homeSections = []homeSection{{run: b.homeShoutouts}}
	scheduled := cfg.Schedules != nil
	if scheduled && cfg.KeyMessages != nil {
		b.commands = append(b.commands, command{name: "keymsg", subs: keymsgSubs, run: b.keymsg})
		b.actions[ackAction] = b.keymsgAck
		b.jobs[keymsgJob] = jobKind{triggers: b.keymsgTriggers, fire: b.fireKeyMessage}
	}
	if cfg.Pulses != nil {
		b.commands = append(b.commands,
			command{name: "pulse", subs: pulseSubs, run: b.pulse},
			command{name: "answer", run: b.answerCmd})
		b.actions[ActionPulseAnswer] = b.pulseAnswerAction
		b.actions[ActionPulseText] = b.pulseTextAction
		b.addRoundJobs()
		if scheduled {
			b.jobs[pulseJob] = jobKind{triggers: b.pulseTriggers, fire: b.firePulse}
		}
	}
	b.commands = append(b.commands, command{name: "feedback", run: b.feedback})
	if cfg.People != nil {
		b.commands = append(b.commands, command{name: "language", run: b.language})
	}
	if cfg.Goals != nil {
		b.commands = append(b.commands, command{name: "goal", subs: []string{"add", "list"}, run: b.goal})
	}
	if !scheduled {
		return b, nil // no scheduler: key messages and the digest are off
	}
	b.commands = append(b.commands, command{name: "digest", subs: []string{"preview", "send"}, run: b.digestCmd})
	b.jobs[digestJob] = jobKind{triggers: b.digestTriggers, fire: b.fireDigest}
	b.digest = []digestSection{b.digestWins}
	if cfg.Pulses != nil {
		b.digest = append(b.digest, b.digestPulses)
	}
	if cfg.Goals != nil {
		b.digest = append(b.digest, b.digestGoals)
	}
	b.homeSections = append(b.homeSections, homeSection{admin: true, run: b.homeNext})
	if _, err := b.digestSchedule(time.Time{}); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, fmt.Errorf("digest schedule %q: %s", cfg.DigestSchedule, cat.T("", e.Key, e.Args...))
		}
		return nil, fmt.Errorf("digest schedule %q: %w", cfg.DigestSchedule, err)
	}
	return b, nil
}

// Catalog returns the texts the bot speaks, for adapters that render their own words.
func (b *Bot) Catalog() *Catalog { return b.cat }

// IsAdmin reports whether u has admin rights.
func (b *Bot) IsAdmin(u Ref) bool {
	return b.admins[u.ID] || b.admins[string(u.Platform)+":"+u.ID]
}

// call is one request being handled.
type call struct {
	req  Request
	lang string
	args []string // the words after the command name
	now  time.Time
	cat  *Catalog
}

// t renders a text in the requester's language.
func (c *call) t(key string, args ...any) string { return c.cat.T(c.lang, key, args...) }

// Handle runs one request and returns the reply for the requester, or nil when
// there is nothing to say. Errors become a polite reply; unexpected ones are
// logged once with their detail.
func (b *Bot) Handle(ctx context.Context, req Request) *Message {
	c := b.newCall(ctx, req)
	msg, err := b.dispatch(ctx, c)
	if err != nil {
		m := b.errorReply(c, err)
		// A button that no longer applies (ECONFLICT: closed, done) is replaced
		// by the explanation, so it can't be pressed again.
		m.Replace = req.Action != nil && ErrorCode(err) == ECONFLICT
		return m
	}
	return msg
}

func (b *Bot) newCall(ctx context.Context, req Request) *call {
	return &call{req: req, lang: b.requestLang(ctx, req), now: b.cfg.Clock.Now(), cat: b.cat}
}

func (b *Bot) dispatch(ctx context.Context, c *call) (*Message, error) {
	if a := c.req.Action; a != nil {
		h, ok := b.actions[a.Name]
		if !ok {
			return nil, Errorf(EINVALID, "err.action.unknown")
		}
		return h(ctx, c)
	}
	words, ok := splitWords(c.req.Text)
	if !ok {
		return nil, Errorf(EINVALID, "err.quote")
	}
	if len(words) > 0 && strings.EqualFold(words[0], "/herald") {
		words = words[1:]
	}
	if len(words) == 0 {
		return b.help(ctx, c)
	}
	name := strings.ToLower(words[0])
	for _, cmd := range b.commands {
		if cmd.name == name {
			c.args = words[1:]
			return cmd.run(ctx, c)
		}
	}
	if near, ok := closest(name, b.commandNames()); ok {
		return nil, Errorf(EINVALID, "err.unknown.near", words[0], near)
	}
	return nil, Errorf(EINVALID, "err.unknown", words[0])
}

func (b *Bot) commandNames() []string {
	names := make([]string, len(b.commands))
	for i, cmd := range b.commands {
		names[i] = cmd.name
	}
	return names
}

// requireAdmin refuses non-admins politely.
func (b *Bot) requireAdmin(c *call) error {
	if b.IsAdmin(c.req.User) {
		return nil
	}
	return Errorf(EFORBIDDEN, "err.admin")
}

// unknownSub is the error for a subcommand word that does not exist.
func unknownSub(cmd, word string, subs []string) error {
	if near, ok := closest(strings.ToLower(word), subs); ok {
		return Errorf(EINVALID, "err.unknown.near", cmd+" "+word, cmd+" "+near)
	}
	return usageError(cmd, "err.unknown.sub", word, cmd)
}

// reply returns an ephemeral message to the requester.
func reply(text Text) *Message { return &Message{Ephemeral: true, Text: text} }

// privateCommands carry what must not be logged next to their author: answers
// to anonymous pulses and anonymous feedback.
var privateCommands = []string{"answer", "feedback"}

// logText returns command text as it may be logged: the words of a private
// command are left out.
func logText(text string) string {
	words, _ := splitWords(text)
	if len(words) > 0 && strings.EqualFold(words[0], "/herald") {
		words = words[1:]
	}
	if len(words) > 0 && slices.Contains(privateCommands, strings.ToLower(words[0])) {
		return words[0] + " …"
	}
	return text
}

func (b *Bot) errorReply(c *call, err error) *Message {
	var e *Error
	if !errors.As(err, &e) || e.Code == EINTERNAL {
		b.log.Error("request failed", "user", c.req.User.Key(), "text", logText(c.req.Text), "err", err)
		return reply(Plain(c.t("err.internal")))
	}
	if e.Code == EUNAVAILABLE {
		b.log.Warn("request failed: dependency unavailable", "user", c.req.User.Key(), "err", err)
	}
	text := c.t(e.Key, e.Args...)
	if e.Usage != "" {
		text += "\n" + c.t("err.usage", c.t("cmd."+e.Usage+".usage"))
	}
	return reply(Plain(text))
}
