package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	slackbot "github.com/herald-chat/herald/bot/slack"
)

// callback wraps an inner event as the Events API sends it.
func callback(t *testing.T, id string, inner map[string]any) string {
	t.Helper()
	return teamCallback(t, "T0001", id, inner)
}

func teamCallback(t *testing.T, team, id string, inner map[string]any) string {
	t.Helper()
	data, err := json.Marshal(map[string]any{
		"type": "event_callback", "team_id": team, "api_app_id": "A1", "event_id": id, "event": inner,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestReplayedRequestRunsOnce(t *testing.T) {
	e := newEnv(t, 4, 16)
	body := e.slashCommand(t, "", "")
	at := time.Now()
	first, _ := e.post(t, "/slack/commands", body, at, secret)
	second, ack := e.post(t, "/slack/commands", body, at, secret)
	if first != http.StatusOK || second != http.StatusOK || ack != "" {
		t.Fatalf("got %d, then %d %q; want 200 twice, the replay with an empty body", first, second, ack)
	}
	e.fake.WaitFor(t, "chat.postMessage", 1, waitLong)
	if got := len(e.rec.requests()); got != 1 {
		t.Errorf("got %d requests through to the core, want 1", got)
	}
}

func TestSSLCheck(t *testing.T) {
	e := newEnv(t, 1, 1)
	tests := []struct {
		name     string
		signedAt time.Time
		wantCode int
	}{
		{"unsigned", time.Time{}, http.StatusOK},
		{"signed", time.Now(), http.StatusOK},
	}
	for _, tt := range tests {
		if code, _ := e.post(t, "/slack/commands", "ssl_check=1&token=x", tt.signedAt, secret); code != tt.wantCode {
			t.Errorf("%s: got %d, want %d", tt.name, code, tt.wantCode)
		}
	}
	if code, _ := e.post(t, "/slack/commands", "ssl_check=0&token=x", time.Time{}, ""); code != http.StatusUnauthorized {
		t.Errorf("unsigned, not an ssl_check: got %d, want 401", code)
	}
	if got := len(e.rec.requests()); got != 0 {
		t.Errorf("got %d requests through to the core, want none", got)
	}
}

// watchedBody records whether the handler read it.
type watchedBody struct {
	*strings.Reader
	read bool
}

func (b *watchedBody) Read(p []byte) (int, error) { b.read = true; return b.Reader.Read(p) }
func (b *watchedBody) Close() error               { return nil }

func TestHeadersCheckedBeforeTheBody(t *testing.T) {
	e := newEnv(t, 1, 1)
	stale := time.Now().Add(-10 * time.Minute)
	tests := []struct {
		name string
		ts   string
		sig  string
	}{
		{"no headers", "", ""},
		{"no signature", "1700000000", ""},
		{"stale", slackTimestamp(stale), "v0=00"},
	}
	for _, tt := range tests {
		for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
			body := &watchedBody{Reader: strings.NewReader(strings.Repeat("x", 4096))}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, nil)
			w := &statusWriter{header: http.Header{}}
			req.Body, req.ContentLength = body, 4096
			if tt.ts != "" {
				req.Header.Set("X-Slack-Request-Timestamp", tt.ts)
			}
			if tt.sig != "" {
				req.Header.Set("X-Slack-Signature", tt.sig)
			}
			handler(e, path).ServeHTTP(w, req)
			if w.code != http.StatusUnauthorized || body.read {
				t.Errorf("%s %s: got %d, body read %v; want 401 without reading", tt.name, path, w.code, body.read)
			}
		}
	}
}

func handler(e *env, path string) http.Handler {
	switch path {
	case "/slack/commands":
		return e.a.Commands()
	case "/slack/interactions":
		return e.a.Interactions()
	}
	return e.a.Events()
}

func slackTimestamp(t time.Time) string {
	ts, _ := slackbot.Sign("x", t, nil)
	return ts
}

// statusWriter is a ResponseWriter that keeps the status.
type statusWriter struct {
	header http.Header
	code   int
}

func (w *statusWriter) Header() http.Header { return w.header }
func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(p), nil
}
func (w *statusWriter) WriteHeader(code int) { w.code = code }

func TestMessagesTabAndMentions(t *testing.T) {
	e := newEnv(t, 1, 16, func(c *slackbot.Config) { c.BotUser = "UBOT" })
	events := []map[string]any{
		{"type": "message", "channel_type": "im", "channel": "D0001", "user": "U1", "text": "help", "ts": "1.1"},
		// herald's own message, another bot's and an edit are not commands.
		{"type": "message", "channel_type": "im", "channel": "D0001", "user": "UBOT", "text": "help", "ts": "1.2"},
		{"type": "message", "channel_type": "im", "channel": "D0001", "bot_id": "B9", "text": "help", "ts": "1.3"},
		{"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "D0001", "ts": "1.4"},
		{"type": "app_mention", "channel": "C0001", "user": "U2", "text": "<@UBOT> help", "ts": "2.1"},
	}
	for i, ev := range events {
		if code, _ := e.signed(t, "/slack/events", callback(t, "Ev"+string(rune('A'+i)), ev)); code != http.StatusOK {
			t.Fatalf("event %d: got %d, want 200", i, code)
		}
	}
	posts := e.fake.WaitFor(t, "chat.postMessage", 1, waitLong)
	if posts[0].Form.Get("channel") != "D0001" {
		t.Errorf("direct message reply: got %v, want it in D0001", posts[0].Form)
	}
	eph := e.fake.WaitFor(t, "chat.postEphemeral", 1, waitLong)
	if eph[0].Form.Get("channel") != "C0001" || eph[0].Form.Get("user") != "U2" {
		t.Errorf("mention reply: got %v, want it shown to U2 in C0001", eph[0].Form)
	}
	reqs := e.rec.requests()
	if len(reqs) != 2 || reqs[0].Text != "help" || reqs[1].Text != "help" || reqs[1].User.ID != "U2" {
		t.Errorf("requests: got %+v, want two \"help\", by U1 and U2", reqs)
	}
}

func TestUninstallStopsSending(t *testing.T) {
	e := newEnv(t, 1, 16)
	ctx := context.Background()
	team, _, err := e.client.AuthTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := e.signed(t, "/slack/events", teamCallback(t, team, "EvU", map[string]any{"type": "app_uninstalled"})); code != http.StatusOK {
		t.Fatalf("event: got %d, want 200", code)
	}
	to := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: team, ID: "C0001"}
	for deadline := time.Now().Add(waitLong); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if err = e.client.Send(ctx, bot.Message{To: to, Text: bot.Plain("hi")}); err != nil {
			break
		}
	}
	if bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Fatalf("send after uninstall: got %v, want EFORBIDDEN", err)
	}
	other := to
	other.Workspace = "T0OTHER"
	if err := e.client.Send(ctx, bot.Message{To: other, Text: bot.Plain("hi")}); err != nil {
		t.Errorf("send to another workspace: %v", err)
	}
	// auth.test succeeding for the workspace means herald works there again.
	if _, _, err := e.client.AuthTest(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.client.Send(ctx, bot.Message{To: to, Text: bot.Plain("hi")}); err != nil {
		t.Errorf("send after auth.test: %v", err)
	}
}

func TestRevokedTokenIsPermanent(t *testing.T) {
	e := newEnv(t, 1, 16)
	team, _, err := e.client.AuthTest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Fail("chat.postMessage", "token_revoked")
	to := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: team, ID: "C0001"}
	for i := range 2 {
		if err := e.client.Send(context.Background(), bot.Message{To: to, Text: bot.Plain("hi")}); bot.ErrorCode(err) != bot.EFORBIDDEN {
			t.Errorf("send %d: got %v, want EFORBIDDEN", i+1, err)
		}
	}
	// The second send was refused without calling Slack.
	if got := len(e.fake.Calls("chat.postMessage")); got != 1 {
		t.Errorf("got %d chat.postMessage calls, want 1", got)
	}
}

func TestExpiredResponseURLFallsBackToEphemeral(t *testing.T) {
	e := newEnv(t, 4, 16, func(c *slackbot.Config) { c.InlineWait = time.Millisecond })
	release := make(chan struct{})
	e.rec.reply = func(bot.Request) *bot.Message {
		<-release
		return &bot.Message{Ephemeral: true, Text: bot.Plain("late answer")}
	}
	e.fake.Fail("response_url", "expired_url")
	if code, body := e.signed(t, "/slack/commands", e.slashCommand(t, "help", "")); code != http.StatusOK || body != "" {
		t.Fatalf("ack: got %d %q, want 200 and an empty body", code, body)
	}
	close(release)
	eph := e.fake.WaitFor(t, "chat.postEphemeral", 1, waitLong)
	if !strings.Contains(eph[0].Form.Get("text"), "late answer") {
		t.Errorf("fallback: got %v, want the late answer as an ephemeral message", eph[0].Form)
	}
}

// Help is one shared reply (bot.Message.Static): the adapter encodes its
// acknowledgement once, every asker gets the same bytes, and answering help
// in a direct message at the same time does not change the shared reply
// (run with -race).
func TestSharedHelpReply(t *testing.T) {
	e := newEnv(t, 4, 64, func(c *slackbot.Config) { c.BotUser = "UBOT" })
	const n = 16
	acks := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ev := map[string]any{"type": "message", "channel_type": "im", "channel": "D0001", "user": "U1", "text": "help", "ts": fmt.Sprintf("1.%d", i)}
			if code, _ := e.signed(t, "/slack/events", callback(t, fmt.Sprintf("EvH%d", i), ev)); code != http.StatusOK {
				t.Errorf("event %d: got %d, want 200", i, code)
			}
			// Spaces make each body, and so each signature, its own.
			_, acks[i] = e.signed(t, "/slack/commands", e.slashCommand(t, "help"+strings.Repeat(" ", i), ""))
		})
	}
	wg.Wait()
	var ack struct {
		ResponseType string `json:"response_type"`
		Raw          []struct {
			Type string `json:"type"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(acks[0]), &ack); err != nil || ack.ResponseType != "ephemeral" || len(ack.Raw) == 0 || ack.Raw[0].Type != "header" {
		t.Fatalf("help ack: got %q (%v), want an ephemeral reply with a header", acks[0], err)
	}
	for i, a := range acks {
		if a != acks[0] {
			t.Errorf("help ack %d differs from the first:\n%s\n%s", i, a, acks[0])
		}
	}
	posts := e.fake.WaitFor(t, "chat.postMessage", n, waitLong)
	for _, p := range posts {
		if p.Form.Get("channel") != "D0001" {
			t.Errorf("direct message reply: got channel %q, want D0001", p.Form.Get("channel"))
		}
	}
	if _, again := e.signed(t, "/slack/commands", e.slashCommand(t, "help"+strings.Repeat(" ", n), "")); again != acks[0] {
		t.Errorf("help after the direct messages: got %q, want the same reply as before", again)
	}
}

// stalledBody sends data and then stalls until hold closes.
type stalledBody struct {
	data    []byte
	hold    chan struct{}
	stalled chan struct{}
}

func (b *stalledBody) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		close(b.stalled)
		<-b.hold
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func (b *stalledBody) Close() error { return nil }

// TestBodyBudgetSpent: while the memory for bodies being read is taken by
// stalled requests, a slash command, which Slack does not send again, gets
// the busy acknowledgement; an event gets 503, which Slack sends again, and
// so does an interaction, for lack of a better answer (see Interactions).
func TestBodyBudgetSpent(t *testing.T) {
	e := newEnv(t, 1, 1, func(c *slackbot.Config) { c.BodyBudget = 8 << 10 })
	hold := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(hold)
	for range 2 { // each holds a first buffer of 4 KiB
		body := &stalledBody{data: bytes.Repeat([]byte("x"), 4<<10), hold: hold, stalled: make(chan struct{})}
		req := httptest.NewRequest(http.MethodPost, "/slack/commands", body)
		req.ContentLength = 1 << 20
		stamp, sig := slackbot.Sign(secret, time.Now(), nil)
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", sig)
		wg.Go(func() { e.a.Commands().ServeHTTP(httptest.NewRecorder(), req) })
		<-body.stalled
	}

	code, body := e.signed(t, "/slack/commands", e.slashCommand(t, "help", ""))
	var ack struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	_ = json.Unmarshal([]byte(body), &ack)
	if want := e.rec.Catalog().T("en", "slack.busy"); code != http.StatusOK || ack.ResponseType != "ephemeral" || ack.Text != want {
		t.Errorf("slash command: got %d %s, want 200 with the ephemeral %q", code, body, want)
	}
	if code, _ := e.signed(t, "/slack/events", callback(t, "Ev1", map[string]any{"type": "app_home_opened", "user": "U1"})); code != http.StatusServiceUnavailable {
		t.Errorf("event: got %d, want 503", code)
	}
	if code, _ := e.signed(t, "/slack/interactions", blockAction(t, e, "kmsg_ack", "1")); code != http.StatusServiceUnavailable {
		t.Errorf("interaction: got %d, want 503", code)
	}
	if got := len(e.rec.requests()); got != 0 {
		t.Errorf("got %d requests through to the core, want none", got)
	}
	if got := e.a.BodyRefused(); got != 3 {
		t.Errorf("BodyRefused: got %d, want 3", got)
	}
}
