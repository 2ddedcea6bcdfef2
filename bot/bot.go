package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Config is what the core needs: its stores, an Outbox, a clock and the
// settings of the README's configuration table. cmd/herald fills it in.
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
	// WinsChannel is where shout-outs are broadcast; a platform without a
	// channel broadcasts to the channel the command came from.
	WinsChannel Channels
	// AnonymityMin is how many answers every figure of an anonymous pulse (a
	// question, an audience segment) needs before it is shown. Zero means 5;
	// below MinAnonymity New fails.
	AnonymityMin int
	// FeedbackChannel is where anonymous feedback goes; a platform without a
	// channel refuses feedback.
	FeedbackChannel Channels
	// Executives receive the monthly digest.
	Executives []Ref
	// MinInterval is the shortest time allowed between two runs of a key
	// message or pulse schedule. Zero means one hour.
	MinInterval time.Duration
	// DigestSchedule is when the digest goes out; empty means the first working
	// day of the month at 9:00.
	DigestSchedule string
}

// Bot is herald's core: it turns Requests into replies and messages. It
// composes one type per feature (shout-outs, key messages, pulses, goals,
// digest, home, feedback, language); features whose stores are not
// configured stay off.
type Bot struct {
	cat    *Catalog
	log    *slog.Logger
	clock  Clock
	admins admins
	langs  *languages
	reg    registry
	jobs   jobKinds
	home   *home
	// Features that other entry points reach (nil when off).
	keymsgs *keyMessages
	pulses  *pulses
	goals   *goals
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
	if cfg.AnonymityMin == 0 {
		cfg.AnonymityMin = 5
	}
	if cfg.AnonymityMin < MinAnonymity {
		return nil, fmt.Errorf("bot: anonymity minimum %d is below %d", cfg.AnonymityMin, MinAnonymity)
	}
	if cfg.Directory == nil {
		cfg.Directory = Directories{}
	}
	b := &Bot{cat: cat, log: cfg.Logger, clock: cfg.Clock, admins: newAdmins(cfg.Admins), jobs: jobKinds{}}
	b.langs = &languages{store: cfg.People, clock: cfg.Clock, cat: cat, log: cfg.Logger, m: map[string]langEntry{}}
	sched := scheduleParser{schedules: cfg.Schedules, loc: cfg.Location, minGap: cfg.MinInterval}
	scheduled := cfg.Schedules != nil

	so := &shoutouts{store: cfg.Shoutouts, wins: cfg.WinsChannel, loc: cfg.Location, cat: cat}
	b.home = &home{shoutouts: cfg.Shoutouts, loc: cfg.Location, log: cfg.Logger}
	if scheduled && cfg.KeyMessages != nil {
		b.keymsgs = &keyMessages{
			store: cfg.KeyMessages, sched: sched, outbox: cfg.Outbox, dir: cfg.Directory, langs: b.langs,
			clock: cfg.Clock, loc: cfg.Location, cat: cat, log: cfg.Logger,
		}
		b.jobs[keymsgJob] = b.keymsgs.job()
	}
	if cfg.Pulses != nil {
		b.pulses = &pulses{
			store: cfg.Pulses, charts: cfg.Charts, sched: sched, outbox: cfg.Outbox, dir: cfg.Directory,
			langs: b.langs, clock: cfg.Clock, loc: cfg.Location, cat: cat, log: cfg.Logger,
			anonymityMin: cfg.AnonymityMin,
		}
		b.pulses.addRoundJobs(b.jobs)
		if scheduled {
			b.jobs[pulseJob] = b.pulses.job()
		}
	}
	if cfg.Goals != nil {
		b.goals = &goals{store: cfg.Goals, pulses: b.pulses, shoutouts: cfg.Shoutouts, loc: cfg.Location}
	}
	var dg *digest
	if scheduled {
		dg = &digest{
			shoutouts: cfg.Shoutouts, pulses: b.pulses, goals: b.goals, outbox: cfg.Outbox, langs: b.langs,
			executives: cfg.Executives, spec: cfg.DigestSchedule, sched: sched,
			clock: cfg.Clock, loc: cfg.Location, cat: cat, log: cfg.Logger,
		}
		if _, err := dg.schedule(time.Time{}); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return nil, fmt.Errorf("digest schedule %q: %s", cfg.DigestSchedule, cat.T("", e.Key, e.Args...))
			}
			return nil, fmt.Errorf("digest schedule %q: %w", cfg.DigestSchedule, err)
		}
		b.jobs[digestJob] = dg.job()
		b.home.keymsgs, b.home.digest = b.keymsgs, dg
	}
	fb := &feedback{outbox: cfg.Outbox, channel: cfg.FeedbackChannel, cat: cat, log: cfg.Logger, limit: newFeedbackCounter()}
	var lang *languages
	if cfg.People != nil {
		lang = b.langs
	}
	b.reg = newRegistry(features{
		shoutouts: so, keymsgs: b.keymsgs, pulses: b.pulses, feedback: fb, language: lang, goals: b.goals, digest: dg,
		privacy: &privacy{anonymityMin: cfg.AnonymityMin},
	})
	return b, nil
}

// Catalog returns the texts the bot speaks, for adapters that render their own words.
func (b *Bot) Catalog() *Catalog { return b.cat }

// IsAdmin reports whether u has admin rights.
func (b *Bot) IsAdmin(u Ref) bool { return b.admins.has(u) }

// admins are the users with admin rights, by id or platform:id.
type admins map[string]bool

func newAdmins(ids []string) admins {
	a := admins{}
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			a[id] = true
		}
	}
	return a
}

func (a admins) has(u Ref) bool { return a[u.ID] || a[string(u.Platform)+":"+u.ID] }

// call is one request being handled.
type call struct {
	req   Request
	lang  string
	args  []string // the words after the command (and subcommand) name
	now   time.Time
	cat   *Catalog
	admin bool // the requester has admin rights
}

// p is the printer of the requester's language.
func (c *call) p() Printer { return c.cat.Printer(c.lang) }

// t renders a text in the requester's language.
func (c *call) t(key string, args ...any) string { return c.cat.T(c.lang, key, args...) }

// Handle runs one request and returns the reply for the requester, or nil when
// there is nothing to say. Errors become a polite reply; unexpected ones are
// logged once with their detail. A Static reply is shared with other
// requests: callers copy it before changing it.
func (b *Bot) Handle(ctx context.Context, req Request) *Message {
	c := b.newCall(ctx, req)
	msg, err := b.reg.dispatch(ctx, c)
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
	return &call{req: req, lang: b.langs.requestLang(ctx, req), now: b.clock.Now(), cat: b.cat, admin: b.IsAdmin(req.User)}
}

// reply returns an ephemeral message to the requester.
func reply(text Text) *Message { return &Message{Ephemeral: true, Text: text} }

func (b *Bot) errorReply(c *call, err error) *Message {
	var e *Error
	if !errors.As(err, &e) || e.Code == EINTERNAL {
		b.log.Error("request failed", "user", c.req.User.Key(), "text", b.reg.logText(c.req.Text), "err", err)
		return reply(Plain(c.t("err.internal")))
	}
	if e.Code == EUNAVAILABLE {
		b.log.Warn("request failed: dependency unavailable", "user", c.req.User.Key(), "err", err)
	}
	text := c.t(e.Key, e.Args...)
	if key := b.reg.usageKey(e.Usage); key != "" {
		text += "\n" + c.t("err.usage", c.t(key))
	}
	return reply(Plain(text))
}
