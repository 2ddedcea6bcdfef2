package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// group is a user group of the test workspace (user and channel are in pulse_helpers_test.go).
func group(id string) bot.Ref {
	return bot.Ref{Kind: bot.GroupRef, Platform: bot.Slack, Workspace: "T1", ID: id, Name: id}
}

// rig is a Bot on a real store with a recording outbox and a fixed clock.
type rig struct {
	b     *bot.Bot
	st    *store.Store
	out   *bottest.Messenger
	clock *bottest.Clock
}

func newRig(t *testing.T, now time.Time, cfg bot.Config) *rig {
	t.Helper()
	st := storetest.MustStore(t)
	r := &rig{st: st, out: &bottest.Messenger{}, clock: bottest.NewClock(now)}
	st.PostThrough(r.out)
	cfg.Shoutouts, cfg.KeyMessages, cfg.Outbox, cfg.Clock = st, st, r.out, r.clock
	cfg.Schedules = schedule.Parser{}
	cfg.Admins = []string{"boss"}
	if cfg.Lang == "" {
		cfg.Lang = "en"
	}
	if cfg.Directory == nil {
		dir := &bottest.Directory{}
		dir.Set(channel("general", "general"), user("anna"), user("dan"))
		dir.Set(group("team"), user("anna"), user("ben"), user("carla"))
		cfg.Directory = dir
	}
	b, err := bot.New(cfg)
	if err != nil {
		t.Fatalf("new bot: %v", err)
	}
	r.b = b
	return r
}

// say runs text as user; @word and #word are mentions, @team is a group.
func (r *rig) say(who, text string) *bot.Message {
	req := bot.Request{User: user(who), Channel: channel("general", "general"), Text: text, Refs: map[string]bot.Ref{}}
	for _, w := range strings.Fields(text) {
		switch {
		case w == "@team":
			req.Refs[w] = group("team")
		case strings.HasPrefix(w, "@"):
			req.Refs[w] = user(w[1:])
		case strings.HasPrefix(w, "#"):
			req.Refs[w] = channel(w[1:], w[1:])
		}
	}
	return r.b.Handle(context.Background(), req)
}

// click presses a button as who.
func (r *rig) click(who string, b bot.Button) *bot.Message {
	return r.b.Handle(context.Background(), bot.Request{User: user(who), Channel: channel("general", "general"), Action: &bot.Action{Name: b.Action, Value: b.Value}})
}

func (r *rig) t(key string, args ...any) string { return r.b.Catalog().T("en", key, args...) }

var now = time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC) // a Wednesday

func TestKeymsgIsForAdmins(t *testing.T) {
	r := newRig(t, now, bot.Config{})
	for _, give := range []string{"keymsg list", `keymsg add "every monday at 9:00" #general Hi`, "digest preview"} {
		if got, want := text(r.say("anna", give)), r.t("err.admin"); !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want %q", give, got, want)
		}
	}
}

func TestKeymsgAddRefuses(t *testing.T) {
	r := newRig(t, now, bot.Config{})
	tests := []struct {
		give string
		want string // catalog key
		args []any
	}{
		{"keymsg add", "keymsg.err.noschedule", nil},
		{"keymsg add every monday at 9:00 #general Hi", "keymsg.err.quote", nil},
		{`keymsg add "every monday at 25:00" #general Hi`, "schedule.err.time", []any{"25:00"}},
		{`keymsg add "every moonday at 9:00" #general Hi`, "schedule.err.day", []any{"moonday"}},
		{`keymsg add "every monday at 9:00 Europe/Atlantis" #general Hi`, "schedule.err.zone", []any{"Europe/Atlantis"}},
		{`keymsg add "every monday at 9:00" Hi all`, "keymsg.err.notarget", nil},
		{`keymsg add "every monday at 9:00" #general`, "keymsg.err.notext", nil},
		{"keymsg show 99", "keymsg.err.notfound", []any{"99"}},
		{"keymsg show", "keymsg.err.noid", []any{"keymsg show"}},
		{"keymsg shw 1", "err.unknown.near", []any{"keymsg shw", "keymsg show"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got, want := text(r.say("boss", tt.give)), r.t(tt.want, tt.args...); !strings.Contains(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestKeymsgSendAckShow(t *testing.T) {
	r := newRig(t, now, bot.Config{})
	ctx := context.Background()
	if got, want := text(r.say("boss", `keymsg add "every weekday at 9:00 Europe/Berlin" #general @anna @team The CRM goes live on Monday.`)),
		r.t("keymsg.added", "K1", "Thu 2026-11-19 09:00 CET"); !strings.Contains(got, want) {
		t.Fatalf("add: got %q, want %q", got, want)
	}
	if got, want := text(r.say("boss", "keymsg send 1")), r.t("keymsg.sent", "K1", 4); !strings.Contains(got, want) {
		t.Fatalf("send: got %q, want %q", got, want)
	}
	sent := r.out.Sent()
	var to []string
	for _, m := range sent {
		to = append(to, m.To.Label())
		if len(m.Buttons) != 1 || m.Buttons[0].Action != "keymsg.ack" || m.Buttons[0].Label != r.t("keymsg.ack.button") {
			t.Errorf("message to %s: got buttons %+v, want the acknowledgement button", m.To.Label(), m.Buttons)
		}
		if m.Text.String() != "The CRM goes live on Monday." || m.DeliveryID == "" {
			t.Errorf("message to %s: got text %q and delivery id %q", m.To.Label(), m.Text.String(), m.DeliveryID)
		}
	}
	if want := []string{"#general", "@anna", "@ben", "@carla"}; !slices.Equal(to, want) {
		t.Fatalf("got messages to %v, want %v", to, want)
	}
	// The queue reports: carla's DM can't be delivered.
	for _, m := range sent {
		var err error
		if m.To.ID == "carla" {
			err = bot.Errorf(bot.ENOTFOUND, "err.platform")
		}
		if err := (bot.DeliveryLog{KeyMessages: r.st}).Delivered(ctx, m, err); err != nil {
			t.Fatalf("delivered: %v", err)
		}
	}
	annaDM, channelPost := sent[1].Buttons[0], sent[0].Buttons[0]
	tests := []struct {
		who         string
		give        bot.Button
		want        string
		wantReplace bool
	}{
		{"anna", annaDM, r.t("keymsg.ack.done"), true},
		{"anna", annaDM, r.t("keymsg.ack.again"), true},
		{"anna", channelPost, r.t("keymsg.ack.again"), false},
		{"ben", channelPost, r.t("keymsg.ack.done"), false},
	}
	for _, tt := range tests {
		got := r.click(tt.who, tt.give)
		if !strings.Contains(text(got), tt.want) || got.Replace != tt.wantReplace {
			t.Errorf("%s clicks %s: got %q (replace %v), want %q (replace %v)", tt.who, tt.give.Value, text(got), got.Replace, tt.want, tt.wantReplace)
		}
	}
	if got := r.click("anna", annaDM); len(got.Buttons) != 0 || !strings.Contains(got.Text.String(), "The CRM goes live") {
		t.Errorf("replaced message: got %+v, want the text without the button", got)
	}
	show := text(r.say("boss", "keymsg show 1"))
	for _, want := range []string{
		r.t("keymsg.send.delivered", 3, 4),
		r.t("keymsg.send.failed", 1) + " @carla (" + r.t("keymsg.reason.user.not_found") + ")",
		r.t("keymsg.send.acked", 2, 4),
		r.t("keymsg.send.missing") + " @carla, @dan",
		r.t("keymsg.send.manual"),
	} {
		if !strings.Contains(show, want) {
			t.Errorf("show: got %q, want it to contain %q", show, want)
		}
	}
}

func TestKeymsgScheduledRuns(t *testing.T) {
	r := newRig(t, now, bot.Config{})
	ctx := context.Background()
	r.say("boss", `keymsg add "every day at 9:00" @anna Daily reminder`)
	ts, err := r.b.Triggers(ctx)
	if err != nil {
		t.Fatalf("triggers: %v", err)
	}
	var keymsgs []bot.Trigger
	for _, tr := range ts {
		if tr.Kind == "keymsg" {
			keymsgs = append(keymsgs, tr)
		}
	}
	if len(keymsgs) != 1 {
		t.Fatalf("got %d key message triggers, want 1", len(keymsgs))
	}
	tr := keymsgs[0]
	due := tr.Schedule.Next(now)
	jobs := []bot.Job{
		{Kind: tr.Kind, ID: tr.ID, Due: due, Skip: true},
		{Kind: tr.Kind, ID: tr.ID, Due: due.Add(24 * time.Hour)},
		{Kind: tr.Kind, ID: tr.ID, Due: due.Add(24 * time.Hour)}, // fired twice: recorded once
		{Kind: tr.Kind, ID: tr.ID, Due: due.Add(48 * time.Hour), Late: true},
		{Kind: tr.Kind, ID: tr.ID, Due: due.Add(-24 * time.Hour)}, // before it was made: never sent
	}
	for _, j := range jobs {
		if err := r.b.Fire(ctx, j); err != nil {
			t.Fatalf("fire %+v: %v", j, err)
		}
	}
	show := text(r.say("boss", "keymsg show 1"))
	for _, want := range []string{"Thu 2026-11-19 09:00 UTC · " + r.t("keymsg.send.skipped"), "Fri 2026-11-20 09:00 UTC · " + r.t("keymsg.send.delivered", 0, 1),
		"Sat 2026-11-21 09:00 UTC · " + r.t("keymsg.send.late", "Wed 2026-11-18 12:00 UTC")} {
		if !strings.Contains(show, want) {
			t.Errorf("show: got %q, want it to contain %q", show, want)
		}
	}
	if got := strings.Count(show, "• Fri 2026-11-20 09:00 UTC"); got != 1 {
		t.Errorf("got the send of Friday %d times, want 1", got)
	}
	if got := strings.Count(show, "• "); got != 3 {
		t.Errorf("got %d sends, want 3: %q", got, show)
	}
	r.say("boss", "keymsg pause 1")
	if ts, _ := r.b.Triggers(ctx); slices.ContainsFunc(ts, func(t bot.Trigger) bool { return t.Kind == "keymsg" }) {
		t.Errorf("a paused key message still has a trigger")
	}
	r.out.Reset()
	if err := r.b.Fire(ctx, bot.Job{Kind: tr.Kind, ID: tr.ID, Due: due.Add(72 * time.Hour)}); err != nil || len(r.out.Sent()) != 0 {
		t.Errorf("a paused key message fired: err %v, sent %d", err, len(r.out.Sent()))
	}
	r.say("boss", "keymsg delete 1")
	if err := r.b.Fire(ctx, bot.Job{Kind: tr.Kind, ID: tr.ID, Due: due.Add(96 * time.Hour)}); err != nil || len(r.out.Sent()) != 0 {
		t.Errorf("a deleted key message fired: err %v, sent %d", err, len(r.out.Sent()))
	}
}

func TestKeymsgPreviewAcrossDaylightSaving(t *testing.T) {
	r := newRig(t, time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC), bot.Config{})
	r.say("boss", `keymsg add "every day at 2:30 Europe/Berlin" #general Night shift`)
	got := text(r.say("boss", "keymsg preview 1"))
	want := "• Sat 2026-03-28 02:30 CET\n• Sun 2026-03-29 03:00 CEST\n• Mon 2026-03-30 02:30 CEST\n• Tue 2026-03-31 02:30 CEST\n• Wed 2026-04-01 02:30 CEST"
	if !strings.Contains(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDigest(t *testing.T) {
	exec := user("ceo")
	r := newRig(t, now, bot.Config{Executives: []bot.Ref{exec}})
	r.say("anna", "shoutout @ben shipped the CRM rollout #customer-first")
	r.say("carla", "shoutout @ben @dan fixed the data import #ownership")
	preview := text(r.say("boss", "digest preview"))
	for _, want := range []string{r.t("digest.header", "November 2026"), r.t("digest.wins.total", 2),
		"@ben (2)", "#customer-first (1)", "“fixed the data import”", "“shipped the CRM rollout”"} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview: got %q, want it to contain %q", preview, want)
		}
	}
	r.out.Reset()
	if got, want := text(r.say("boss", "digest send")), r.t("digest.sent", "November 2026", 1); !strings.Contains(got, want) {
		t.Errorf("send: got %q, want %q", got, want)
	}
	if sent := r.out.Sent(); len(sent) != 1 || sent[0].To.Key() != exec.Key() || len(sent[0].Fields) == 0 {
		t.Errorf("got %+v, want one digest to the executive", sent)
	}
	// The scheduled digest on the first working day covers the month before.
	r.out.Reset()
	if err := r.b.Fire(context.Background(), bot.Job{Kind: "digest", ID: exec.Space(), Due: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatalf("fire digest: %v", err)
	}
	if sent := r.out.Sent(); len(sent) != 1 || sent[0].Header != r.t("digest.header", "November 2026") {
		t.Errorf("got %+v, want the November digest", sent)
	}
	empty := newRig(t, now, bot.Config{})
	if got, want := text(empty.say("boss", "digest send")), empty.t("digest.err.noexec"); !strings.Contains(got, want) {
		t.Errorf("no executives: got %q, want %q", got, want)
	}
}

func TestDigestInGerman(t *testing.T) {
	r := newRig(t, now, bot.Config{Lang: "de"})
	got := text(r.say("boss", "digest preview"))
	for _, want := range []string{r.b.Catalog().T("de", "digest.header", "November 2026"), r.b.Catalog().T("de", "digest.wins.none")} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want it to contain %q", got, want)
		}
	}
}

func TestCatalogLanguagesHaveTheSameKeys(t *testing.T) {
	en, de := bot.Keys("en"), bot.Keys("de")
	slices.Sort(en)
	slices.Sort(de)
	if !slices.Equal(en, de) {
		for _, k := range en {
			if !slices.Contains(de, k) {
				t.Errorf("key %s is missing in German", k)
			}
		}
		for _, k := range de {
			if !slices.Contains(en, k) {
				t.Errorf("key %s is missing in English", k)
			}
		}
	}
}
