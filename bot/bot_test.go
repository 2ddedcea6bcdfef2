package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// These tests live inside package bot to reach the command table; fakes for
// tests outside the package are in bot/bottest.

type fakeOutbox struct {
	sent []Message
	err  error
}

func (f *fakeOutbox) Post(_ context.Context, msgs ...Message) error {
	if f.err != nil {
		return f.err
	}
	f.sent = append(f.sent, msgs...)
	return nil
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

func mustBot(tb testing.TB, cfg Config) (*Bot, *memShoutouts, *fakeOutbox) {
	tb.Helper()
	out := &fakeOutbox{}
	st := &memShoutouts{out: out}
	if cfg.Shoutouts == nil {
		cfg.Shoutouts = st
	}
	if cfg.Outbox == nil {
		cfg.Outbox = out
	}
	cfg.Clock = fixedClock(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	if cfg.Lang == "" {
		cfg.Lang = "en"
	}
	cfg.Admins = append(cfg.Admins, "admin")
	cfg.Logger = slog.New(slog.DiscardHandler)
	b, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return b, st, out
}

// memShoutouts is the smallest ShoutoutStore: it keeps what it is given and
// posts the broadcast to out, when set.
type memShoutouts struct {
	list []Shoutout
	err  error
	out  Outbox
}

func (m *memShoutouts) AddShoutout(ctx context.Context, s *Shoutout, announce func(*Shoutout) Message) error {
	if m.err != nil {
		return m.err
	}
	s.ID = "s1"
	if m.out != nil {
		if err := m.out.Post(ctx, announce(s)); err != nil {
			return err
		}
	}
	m.list = append(m.list, *s)
	return nil
}

func (m *memShoutouts) Shoutouts(context.Context, string, Month, int) ([]Shoutout, error) {
	return m.list, m.err
}

func (m *memShoutouts) ShoutoutBoard(context.Context, string, Month, int) (Board, error) {
	return Board{Total: len(m.list)}, m.err
}

var (
	anna    = Ref{Kind: UserRef, Platform: Slack, Workspace: "T1", ID: "UANNA", Name: "anna"}
	ben     = Ref{Kind: UserRef, Platform: Slack, Workspace: "T1", ID: "UBEN", Name: "ben"}
	me      = Ref{Kind: UserRef, Platform: Slack, Workspace: "T1", ID: "UME", Name: "me"}
	team    = Ref{Kind: GroupRef, Platform: Slack, Workspace: "T1", ID: "S1", Name: "cx-team"}
	general = Ref{Kind: ChannelRef, Platform: Slack, Workspace: "T1", ID: "CGEN", Name: "general"}
)

// typed returns the Request of text typed by me in #general, with the usual mentions.
func typed(text string) Request {
	return Request{User: me, Channel: general, Text: text, Refs: map[string]Ref{
		"<@UANNA>": anna, "<@UBEN>": ben, "<@UME>": me, "<!subteam^S1>": team, "<#CGEN>": general,
	}}
}

func TestShoutoutIsStoredAndBroadcast(t *testing.T) {
	b, st, out := mustBot(t, Config{})
	reply := b.Handle(context.Background(), typed("shoutout <@UANNA> <@UBEN> <@UANNA> shipped the CRM rollout with <!subteam^S1> #customer-first #Ownership."))

	if len(st.list) != 1 {
		t.Fatalf("got %d stored shout-outs, want 1", len(st.list))
	}
	s := st.list[0]
	if got, want := refNames(s.Recipients), "anna,ben"; got != want {
		t.Errorf("recipients: got %s, want %s", got, want)
	}
	if got, want := s.Text.String(), "shipped the CRM rollout with @cx-team"; got != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
	if got, want := strings.Join(s.Values, ","), "customer-first,ownership"; got != want {
		t.Errorf("values: got %s, want %s", got, want)
	}
	if s.Month != "2026-11" || s.Author != me {
		t.Errorf("month/author: got %s/%v, want 2026-11/%v", s.Month, s.Author, me)
	}
	if len(out.sent) != 1 {
		t.Fatalf("got %d broadcasts, want 1", len(out.sent))
	}
	m := out.sent[0]
	if m.To != general {
		t.Errorf("broadcast to %v, want %v", m.To, general)
	}
	if got, want := m.Text.String(), "@me praised @anna, @ben\nshipped the CRM rollout with @cx-team"; got != want {
		t.Errorf("broadcast text: got %q, want %q", got, want)
	}
	if len(m.Fields) != 1 || m.Fields[0].Value.String() != "#customer-first #ownership" {
		t.Errorf("broadcast fields: got %+v, want the values", m.Fields)
	}
	if reply == nil || !reply.Ephemeral || reply.Text.String() != "Thank you! Your shout-out for @anna, @ben is posted in #general." {
		t.Errorf("reply: got %+v, want the confirmation", reply)
	}
}

func TestShoutoutGoesToTheWinsChannel(t *testing.T) {
	b, _, out := mustBot(t, Config{WinsChannel: Channels{Default: "CWINS"}})
	b.Handle(context.Background(), typed("shoutout <@UANNA> thanks"))
	if len(out.sent) != 1 {
		t.Fatalf("got %d broadcasts, want 1", len(out.sent))
	}
	want := general.Same(ChannelRef, "CWINS", "")
	if out.sent[0].To != want {
		t.Errorf("broadcast to %v, want %v", out.sent[0].To, want)
	}
}

func TestShoutoutRefusesBadInput(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{give: "shoutout", want: "Who do you want to praise?"},
		{give: "shoutout great work everyone", want: "Who do you want to praise?"},
		{give: "shoutout <@UANNA>", want: "Say what they did"},
		{give: "shoutout <@UANNA> #teamwork", want: "Say what they did"},
		{give: "shoutout <@UME> I did great", want: "A shout-out is for someone else."},
		{give: "shoutout <@UANNA> " + strings.Repeat("x", 3001), want: "That shout-out has 3,001 characters; the limit is 3,000."},
		{give: "shoutout list 2026-13", want: `"2026-13" is not a month.`},
		{give: "shoutout top last-month", want: `"last-month" is not a month.`},
		{give: "shoutout lst", want: `Did you mean: shoutout list?`},
		{give: `shoutout <@UANNA> "unclosed`, want: "A quote is left open."},
	}
	for _, tt := range tests {
		t.Run(tt.give[:min(len(tt.give), 30)], func(t *testing.T) {
			b, st, out := mustBot(t, Config{})
			reply := b.Handle(context.Background(), typed(tt.give))
			if reply == nil || !strings.Contains(reply.Text.String(), tt.want) {
				t.Errorf("got reply %v, want it to contain %q", reply, tt.want)
			}
			if len(st.list) != 0 || len(out.sent) != 0 {
				t.Errorf("got %d stored and %d sent, want nothing", len(st.list), len(out.sent))
			}
		})
	}
}

func TestShoutoutAcceptsExactlyTheLimit(t *testing.T) {
	b, st, _ := mustBot(t, Config{})
	b.Handle(context.Background(), typed("shoutout <@UANNA> "+strings.Repeat("ü", 3000)))
	if len(st.list) != 1 {
		t.Errorf("got %d stored, want 1: 3,000 characters are allowed", len(st.list))
	}
}

func TestFailuresReadPlainly(t *testing.T) {
	dbDown := Unavailable("err.unavailable", errors.New("dial tcp 127.0.0.1:6379: connection refused"))
	tests := []struct {
		name  string
		store error
		send  error
		want  string
	}{
		{name: "redis down", store: dbDown, want: "herald can't reach its database right now"},
		{name: "platform down", send: Unavailable("err.platform", errors.New("slack: 503")), want: "herald can't reach the chat service right now"},
		{name: "a bug", store: errors.New("boom"), want: "Something went wrong on our side"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &fakeOutbox{err: tt.send}
			b, _, _ := mustBot(t, Config{Shoutouts: &memShoutouts{err: tt.store, out: out}, Outbox: out})
			reply := b.Handle(context.Background(), typed("shoutout <@UANNA> thanks"))
			if reply == nil || !strings.Contains(reply.Text.String(), tt.want) {
				t.Errorf("got %v, want %q", reply, tt.want)
			}
			if strings.Contains(reply.Text.String(), "boom") || strings.Contains(reply.Text.String(), "6379") {
				t.Errorf("reply leaks the cause: %q", reply.Text.String())
			}
		})
	}
}

func TestHelpAndUnknownWords(t *testing.T) {
	tests := []struct {
		lang, give, want string
	}{
		{"en", "help", "herald helps your organisation carry a change through"},
		{"en", "", "herald helps your organisation"},
		{"en", "/herald help", "shoutout @person…"},
		{"en", "help shoutout", "shoutout list [YYYY-MM]"},
		{"en", "help shoutot", "Did you mean: help shoutout?"},
		{"en", "help weather", `There is no help on "weather". Topics: shoutout`},
		{"de", "hilfe wetter", `Themen: lob, `},
		{"en", "shotout <@UANNA> hi", `I don't know "shotout". Did you mean: shoutout?`},
		{"en", "dance", `I don't know "dance". Type help`},
		{"de", "help", "herald hilft deiner Organisation"},
		{"de", "help shoutout", "lob liste [JJJJ-MM]"},
		{"de", "tanzen", `"tanzen" kenne ich nicht.`},
		{"de", "shoutout <@UANNA>", "Schreib dazu, was geleistet wurde"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.give, func(t *testing.T) {
			b, _, _ := mustBot(t, Config{Lang: tt.lang})
			reply := b.Handle(context.Background(), typed(tt.give))
			if reply == nil {
				t.Fatalf("got no reply, want %q", tt.want)
			}
			got := reply.Header + "\n" + reply.Text.String()
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestRequestLanguageWinsOverTheDefault(t *testing.T) {
	b, _, _ := mustBot(t, Config{Lang: "en"})
	req := typed("help")
	req.Lang = "de-DE"
	if got := b.Handle(context.Background(), req).Text.String(); !strings.Contains(got, "Befehle") {
		t.Errorf("got %q, want German", got)
	}
}

func TestShoutoutListAndTop(t *testing.T) {
	b, _, _ := mustBot(t, Config{Lang: "de"})
	b.Handle(context.Background(), typed("shoutout <@UANNA> super Demo #kundenfokus"))
	list := b.Handle(context.Background(), typed("shoutout list"))
	if got, want := list.Header, "Shout-outs im November 2026"; got != want {
		t.Errorf("list header: got %q, want %q", got, want)
	}
	if got, want := list.Text.String(), "• 22.11. @me → @anna: super Demo #kundenfokus"; got != want {
		t.Errorf("list: got %q, want %q", got, want)
	}
	top := b.Handle(context.Background(), typed("shoutout top 2026-11"))
	if got, want := top.Text.String(), "1 Shout-out in diesem Monat."; got != want {
		t.Errorf("top: got %q, want %q", got, want)
	}
}

func TestAdmins(t *testing.T) {
	b, _, _ := mustBot(t, Config{Admins: []string{"UME", "slack:UBEN"}})
	tests := []struct {
		give Ref
		want bool
	}{
		{me, true}, {ben, true}, {anna, false},
		{Ref{Kind: UserRef, Platform: Teams, ID: "UBEN"}, false}, // slack:UBEN is not Teams' UBEN
	}
	for _, tt := range tests {
		if got := b.IsAdmin(tt.give); got != tt.want {
			t.Errorf("IsAdmin(%s): got %v, want %v", tt.give.Key(), got, tt.want)
		}
	}
}

func refNames(refs []Ref) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.Name
	}
	return strings.Join(names, ",")
}

func (m *memShoutouts) ShoutoutsOf(context.Context, Ref, int) (received, given []Shoutout, err error) {
	return nil, nil, m.err
}

func TestShoutoutWinsChannelByPlatform(t *testing.T) {
	b, _, out := mustBot(t, Config{WinsChannel: Channels{ByPlatform: map[Platform]string{Teams: "19:wins@thread.tacv2", Slack: "CWINS"}}})
	b.Handle(context.Background(), typed("shoutout <@UANNA> thanks"))
	if len(out.sent) != 1 || out.sent[0].To.ID != "CWINS" {
		t.Fatalf("got %+v, want the broadcast in Slack's CWINS", out.sent)
	}
}

// Help is built once per language, platform and topic and then shared: every
// asker gets the same Static Message, the one their language and platform
// call for, and a misspelt topic is answered without being kept.
func TestHelpIsBuiltOnceAndShared(t *testing.T) {
	b, _, _ := mustBot(t, Config{Lang: "en"})
	ctx := context.Background()
	ask := func(text, lang string, p Platform) *Message {
		req := typed(text)
		req.Lang, req.User.Platform = lang, p
		return b.Handle(ctx, req)
	}
	first := ask("help", "en", Slack)
	if !first.Static || ask("help", "en", Slack) != first {
		t.Fatalf("help in English on Slack was built again or not marked Static")
	}
	for _, other := range []*Message{ask("help", "de", Slack), ask("help", "en", Teams), ask("help shoutout", "en", Slack)} {
		if other == first {
			t.Fatalf("help for another language, platform or topic is the same Message: %q", other.Header)
		}
	}
	if got := ask("help", "de", Slack).Text.String(); !strings.Contains(got, "Befehle") {
		t.Errorf("German help: got %q", got)
	}
	if got := ask("help", "en", Teams).Context; !strings.Contains(got, "Teams") {
		t.Errorf("Teams help: got %q, want the note on naming channels and people", got)
	}
	if got := ask("help", "en", Slack).Context; strings.Contains(got, "Teams") {
		t.Errorf("Slack help: got %q, want no Teams note", got)
	}
	ask("help shoutot", "en", Slack)
	b.reg.help.mu.RLock()
	n := len(b.reg.help.m)
	b.reg.help.mu.RUnlock()
	if n != 4 {
		t.Errorf("kept %d help texts, want 4 (en/Slack, de/Slack, en/Teams, en/Slack shoutout)", n)
	}
}
