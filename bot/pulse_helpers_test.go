package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/scheduler"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// start is the fixed time of every pulse test: Monday, 2026-11-23 10:00 UTC.
var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// harness is a Bot on a real Redis, with fakes for everything else.
type harness struct {
	tb     testing.TB
	bot    *bot.Bot
	out    *bottest.Messenger
	dir    *bottest.Directory
	clock  *bottest.Clock
	charts *bottest.Charter
	rdb    redis.UniversalClient
	prefix string
	logs   *bytes.Buffer
	owner  bot.Ref
}

func user(id string) bot.Ref {
	return bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: id, Name: strings.ToLower(id)}
}

func channel(id, name string) bot.Ref {
	return bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: "T1", ID: id, Name: name}
}

// people returns users with the given ids.
func people(ids ...string) []bot.Ref {
	out := make([]bot.Ref, len(ids))
	for i, id := range ids {
		out[i] = user(id)
	}
	return out
}

// MustHarness returns a harness whose admin is UBOSS; configure changes the
// Config before the Bot is made.
func MustHarness(tb testing.TB, configure ...func(*bot.Config)) *harness {
	tb.Helper()
	rdb, prefix := storetest.MustRedis(tb)
	st := store.New(rdb, prefix)
	h := &harness{
		tb: tb, out: &bottest.Messenger{}, dir: &bottest.Directory{},
		clock: bottest.NewClock(start), charts: &bottest.Charter{PNG: []byte("png")},
		rdb: rdb, prefix: prefix, logs: &bytes.Buffer{}, owner: user("UBOSS"),
	}
	cfg := bot.Config{
		Shoutouts: &bottest.Shoutouts{}, Pulses: st, Goals: st, People: st, Charts: h.charts,
		Outbox: h.out, Directory: h.dir, Clock: h.clock, Lang: "en",
		Logger:       slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Admins:       []string{"UBOSS"},
		AnonymityMin: 5,
	}
	for _, f := range configure {
		f(&cfg)
	}
	b, err := bot.New(cfg)
	if err != nil {
		tb.Fatalf("bot.New: %v", err)
	}
	h.bot = b
	return h
}

// schedulers returns n started schedulers of the harness's core, as on n
// replicas that share its Redis.
func (h *harness) schedulers(n int) []*scheduler.Scheduler {
	h.tb.Helper()
	out := make([]*scheduler.Scheduler, n)
	for i := range out {
		out[i] = scheduler.New(scheduler.Config{
			Redis: h.rdb, Prefix: h.prefix, Versions: store.New(h.rdb, h.prefix), Core: h.bot, Clock: h.clock,
			Logger: slog.New(slog.NewTextHandler(h.logs, nil)),
		})
		if err := out[i].Start(context.Background()); err != nil {
			h.tb.Fatalf("start scheduler: %v", err)
		}
	}
	return out
}

// tick lets every scheduler look for changed schedules and fire what is due at
// the clock's time, all at once.
func (h *harness) tick(scheds []*scheduler.Scheduler) {
	h.tb.Helper()
	now := h.clock.Now()
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, s := range scheds {
		wg.Go(func() {
			if err := s.Sync(ctx, now); err != nil {
				h.tb.Errorf("sync: %v", err)
			}
			if err := s.Tick(ctx, now); err != nil {
				h.tb.Errorf("tick: %v", err)
			}
		})
	}
	wg.Wait()
}

// run sends text as u; words like @name and #name are mentions of the refs
// whose Name matches.
func (h *harness) run(u bot.Ref, text string, refs ...bot.Ref) *bot.Message {
	h.tb.Helper()
	req := bot.Request{User: u, Channel: channel("CGEN", "general"), Text: text, Refs: map[string]bot.Ref{}}
	for _, r := range refs {
		req.Refs[r.Label()] = r
	}
	m := h.bot.Handle(context.Background(), req)
	if m == nil {
		h.tb.Fatalf("%s: no reply", text)
	}
	return m
}

// click presses a button as u.
func (h *harness) click(u bot.Ref, action, value string) *bot.Message {
	h.tb.Helper()
	m := h.bot.Handle(context.Background(), bot.Request{User: u, Channel: channel("DM", "dm"), Action: &bot.Action{Name: action, Value: value}})
	if m == nil {
		h.tb.Fatalf("click %s %s: no reply", action, value)
	}
	return m
}

// rate clicks value on the rating of question q of the latest direct message to u.
func (h *harness) rate(u bot.Ref, round string, q, value int) *bot.Message {
	h.tb.Helper()
	return h.click(u, bot.ActionPulseAnswer, round+"|"+strconv.Itoa(q)+"|"+strconv.Itoa(value))
}

// sentTo returns the messages the Outbox got for r.
func (h *harness) sentTo(r bot.Ref) []bot.Message {
	var out []bot.Message
	for _, m := range h.out.Sent() {
		if m.To.Key() == r.Key() {
			out = append(out, m)
		}
	}
	return out
}

// t renders a catalog text in English.
func (h *harness) t(key string, args ...any) string { return h.bot.Catalog().T("en", key, args...) }

// text returns everything a message says, fields and file included.
func text(m *bot.Message) string {
	if m == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString(m.Header + "\n" + m.Text.String() + "\n")
	for _, f := range m.Fields {
		b.WriteString(f.Label + ": " + f.Value.String() + "\n")
	}
	b.WriteString(m.Context)
	if m.File != nil {
		b.WriteString("\n" + string(m.File.Content))
	}
	return b.String()
}

// mustContain fails unless got holds want.
func mustContain(tb testing.TB, what, got, want string) {
	tb.Helper()
	if !strings.Contains(got, want) {
		tb.Errorf("%s: got %q, want it to contain %q", what, got, want)
	}
}

// dump returns every key under the harness's prefix with everything in it,
// joined by NUL bytes.
func (h *harness) dump() map[string]string {
	h.tb.Helper()
	out := map[string]string{}
	for k, parts := range h.orderedDump() {
		out[h.prefix+k] = strings.Join(parts, "\x00")
	}
	return out
}

// crowd returns the users ids and as many more (UFILL1, …) as it takes to
// reach the harness's anonymity minimum of 5, the smallest audience an
// anonymous pulse is sent to.
func crowd(ids ...string) []bot.Ref {
	for i := 1; len(ids) < 5; i++ {
		ids = append(ids, "UFILL"+strconv.Itoa(i))
	}
	return people(ids...)
}
