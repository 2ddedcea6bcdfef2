package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/internal/inbound"
	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// recorder is the core as the adapter sees it: it records each request and
// answers with reply when set, else with the real bot.
type recorder struct {
	bot   *bot.Bot
	reply func(bot.Request) *bot.Message
	mu    sync.Mutex
	reqs  []bot.Request
}

func (r *recorder) Handle(ctx context.Context, req bot.Request) *bot.Message {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	reply := r.reply
	r.mu.Unlock()
	if reply != nil {
		return reply(req)
	}
	return r.bot.Handle(ctx, req)
}

func (r *recorder) Home(ctx context.Context, u bot.Ref) (bot.Message, error) {
	return r.bot.Home(ctx, u)
}
func (r *recorder) Catalog() *bot.Catalog            { return r.bot.Catalog() }
func (r *recorder) Check(req bot.Request) *bot.Error { return r.bot.Check(req) }

func (r *recorder) requests() []bot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Request(nil), r.reqs...)
}

type env struct {
	fake   *fakeslack.Server
	srv    *httptest.Server
	rec    *recorder
	a      *slackbot.Adapter
	client *slackbot.Client
}

func newEnv(t *testing.T, workers, queue int, configure ...func(*slackbot.Config)) *env {
	t.Helper()
	fake := fakeslack.New(t)
	client := slackbot.NewClient(slack.New("xoxb-test", slack.OptionAPIURL(fake.GetAPIURL())), quietLog())
	b, err := bot.New(bot.Config{
		Shoutouts: &bottest.Shoutouts{Outbox: bot.Messengers{bot.Slack: client}}, Outbox: bot.Messengers{bot.Slack: client}, Directory: client,
		Lang: "en", WinsChannel: bot.Channels{Default: "C0WINS"}, Logger: quietLog(),
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{bot: b}
	cfg := slackbot.Config{
		Handler: rec, Client: client, Seen: storetest.MustStore(t), SigningSecret: secret,
		Logger: quietLog(), Workers: workers, Queue: queue, QueueWait: 50 * time.Millisecond,
		// The core's reply comes inline whenever it comes; tests that hold
		// the core back set a short wait.
		InlineWait: time.Minute,
	}
	cfg.Client.Revocations = cfg.Seen.(*store.Store)
	for _, f := range configure {
		f(&cfg)
	}
	a := slackbot.New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	mux := http.NewServeMux()
	mux.Handle("POST /slack/commands", a.Commands())
	mux.Handle("POST /slack/interactions", a.Interactions())
	mux.Handle("POST /slack/events", a.Events())
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return &env{fake: fake, srv: srv, rec: rec, a: a, client: client}
}

// post sends body to path signed at ts (the zero time: unsigned).
func (e *env) post(t *testing.T, path, body string, ts time.Time, key string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if strings.HasPrefix(body, "{") {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if !ts.IsZero() {
		stamp, sig := slackbot.Sign(key, ts, []byte(body))
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func (e *env) signed(t *testing.T, path, body string) (int, string) {
	t.Helper()
	return e.post(t, path, body, time.Now(), secret)
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/fixtures/" + name)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return strings.TrimSpace(string(data))
}

// slashCommand is the fixture with its response_url pointed at the fake.
func (e *env) slashCommand(t *testing.T, text, trigger string) string {
	t.Helper()
	form, err := url.ParseQuery(fixture(t, "slash-command.form"))
	if err != nil {
		t.Fatal(err)
	}
	form.Set("response_url", e.fake.ResponseURL("cmd"))
	if text != "" {
		form.Set("text", text)
	}
	form.Set("trigger_id", trigger)
	return form.Encode()
}

func TestSlashCommandShoutout(t *testing.T) {
	e := newEnv(t, 4, 16)
	code, body := e.signed(t, "/slack/commands", e.slashCommand(t, "", ""))
	if code != http.StatusOK {
		t.Fatalf("ack: got %d %q, want 200", code, body)
	}
	posts := e.fake.WaitFor(t, "chat.postMessage", 1, waitLong)
	if got := posts[0].Form.Get("channel"); got != "C0WINS" {
		t.Errorf("broadcast channel: got %q, want C0WINS", got)
	}
	if blocks := blocksOf(t, posts[0]); !strings.Contains(blocks, "<@U2147483697> praised <@U024BE7LH>") || !strings.Contains(blocks, "#customer-first") {
		t.Errorf("broadcast blocks: got %s, want the praise with mentions and the value", blocks)
	}
	// The core answered in time: the reply is in the acknowledgement, and
	// response_url is not used.
	var reply struct {
		Text         string            `json:"text"`
		ResponseType string            `json:"response_type"`
		Blocks       []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(body), &reply); err != nil {
		t.Fatalf("ack %q: %v", body, err)
	}
	if !strings.HasPrefix(reply.Text, "Thank you!") || reply.ResponseType != "ephemeral" || len(reply.Blocks) == 0 {
		t.Errorf("reply: got %+v, want an ephemeral thank-you with its blocks", reply)
	}
	if got := e.fake.Calls("response_url"); len(got) != 0 {
		t.Errorf("got %d response_url calls, want none", len(got))
	}
	req := e.rec.requests()[0]
	want := bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T0001", ID: "U024BE7LH", Name: "anna"}
	if req.Refs["<@U024BE7LH>"] != want || req.User.ID != "U2147483697" || req.Channel.ID != "C2147483705" {
		t.Errorf("request: got %+v, want user U2147483697 in C2147483705 mentioning %v", req, want)
	}
}

func TestRefusesBadSignatures(t *testing.T) {
	e := newEnv(t, 4, 16)
	bodies := map[string]string{
		"/slack/commands":     e.slashCommand(t, "", ""),
		"/slack/interactions": "payload=" + url.QueryEscape(fixture(t, "block-actions.json")),
		"/slack/events":       fixture(t, "event-app-home-opened.json"),
	}
	tests := []struct {
		name string
		ts   time.Time
		key  string
	}{
		{"unsigned", time.Time{}, ""},
		{"forged", time.Now(), "some-other-secret"},
		{"stale", time.Now().Add(-6 * time.Minute), secret},
		{"from the future", time.Now().Add(6 * time.Minute), secret},
	}
	for _, tt := range tests {
		for path, body := range bodies {
			if code, _ := e.post(t, path, body, tt.ts, tt.key); code != http.StatusUnauthorized {
				t.Errorf("%s %s: got %d, want 401", tt.name, path, code)
			}
		}
	}
	// A valid request afterwards proves the refused ones were not merely
	// queued: its reply comes inline.
	if _, body := e.signed(t, "/slack/commands", e.slashCommand(t, "help", "")); !strings.Contains(body, "ephemeral") {
		t.Errorf("signed request: got %q, want the reply inline", body)
	}
	if got := len(e.rec.requests()); got != 1 {
		t.Errorf("got %d requests through to the core, want only the signed one", got)
	}
	if got := e.fake.Calls(""); len(got) != 0 {
		t.Errorf("got %d Slack calls, want none", len(got))
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t, 1, 1)
	body := "text=" + strings.Repeat("x", inbound.MaxBody)
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		if code, _ := e.signed(t, path, body); code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: got %d, want 413", path, code)
		}
	}
}

func TestURLVerification(t *testing.T) {
	e := newEnv(t, 1, 1)
	code, body := e.signed(t, "/slack/events", fixture(t, "url-verification.json"))
	if want := "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"; code != http.StatusOK || body != want {
		t.Errorf("got %d %q, want 200 %q", code, body, want)
	}
}

func TestEventProcessedOnce(t *testing.T) {
	e := newEnv(t, 1, 16) // one worker: events are handled in order
	event := func(id, user string) string {
		var ev map[string]any
		if err := json.Unmarshal([]byte(fixture(t, "event-app-home-opened.json")), &ev); err != nil {
			t.Fatal(err)
		}
		ev["event_id"] = id
		ev["event"].(map[string]any)["user"] = user
		data, _ := json.Marshal(ev)
		return string(data)
	}
	for _, body := range []string{event("Ev1", "U1"), event("Ev1", "U1"), event("Ev2", "U2")} {
		if code, _ := e.signed(t, "/slack/events", body); code != http.StatusOK {
			t.Fatalf("event: got %d, want 200", code)
		}
	}
	calls := e.fake.WaitFor(t, "views.publish", 2, waitLong)
	var users []string
	for _, c := range calls {
		var pub struct {
			UserID string `json:"user_id"`
			View   struct {
				Blocks json.RawMessage `json:"blocks"`
			} `json:"view"`
		}
		_ = json.Unmarshal(c.JSON, &pub)
		users = append(users, pub.UserID)
		if !strings.Contains(string(pub.View.Blocks), "None yet") {
			t.Errorf("home of a new user: got %s, want the empty sections", pub.View.Blocks)
		}
	}
	if fmt.Sprint(users) != "[U1 U2]" {
		t.Errorf("published homes: got %v, want [U1 U2] (the retry of Ev1 skipped)", users)
	}
}

func blockAction(t *testing.T, e *env, actionID, value string) string {
	t.Helper()
	var cb map[string]any
	if err := json.Unmarshal([]byte(fixture(t, "block-actions.json")), &cb); err != nil {
		t.Fatal(err)
	}
	cb["response_url"] = e.fake.ResponseURL("click")
	act := cb["actions"].([]any)[0].(map[string]any)
	act["action_id"], act["value"] = actionID, value
	data, _ := json.Marshal(cb)
	return "payload=" + url.QueryEscape(string(data))
}

func TestButtonClick(t *testing.T) {
	e := newEnv(t, 4, 16)
	e.rec.reply = func(req bot.Request) *bot.Message {
		return &bot.Message{Replace: true, Text: bot.Plain("Thanks, noted: " + req.Action.Value)}
	}
	if code, body := e.signed(t, "/slack/interactions", blockAction(t, e, "keymsg.ack#0", "KM1|2026-11-02")); code != http.StatusOK || body != "" {
		t.Fatalf("ack: got %d %q, want 200 and an empty body", code, body)
	}
	calls := e.fake.WaitFor(t, "response_url", 1, waitLong)
	var reply struct {
		Text            string `json:"text"`
		ReplaceOriginal bool   `json:"replace_original"`
	}
	_ = json.Unmarshal(calls[0].JSON, &reply)
	if reply.Text != "Thanks, noted: KM1|2026-11-02" || !reply.ReplaceOriginal {
		t.Errorf("reply: got %+v, want the clicked message replaced", reply)
	}
	req := e.rec.requests()[0]
	want := bot.Action{Name: "keymsg.ack", Value: "KM1|2026-11-02"}
	if req.Action == nil || *req.Action != want || req.User.ID != "U2147483697" || req.Channel.ID != "D0001" || req.User.Workspace != "T0001" {
		t.Errorf("request: got %+v %+v, want %+v by U2147483697 in D0001 of T0001", req, req.Action, want)
	}
}

func TestStaleAndDoubleClicks(t *testing.T) {
	e := newEnv(t, 4, 16) // the real core: it knows no "gone.action"
	for i := range 2 {
		// Two clicks are two requests, signed apart (the same signature
		// twice is a replay).
		at := time.Now().Add(-time.Duration(i) * time.Second)
		if code, _ := e.post(t, "/slack/interactions", blockAction(t, e, "gone.action#3", "x"), at, secret); code != http.StatusOK {
			t.Fatalf("click: got %d, want 200", code)
		}
	}
	for _, c := range e.fake.WaitFor(t, "response_url", 2, waitLong) {
		if !strings.Contains(string(c.JSON), "This button no longer works") {
			t.Errorf("reply: got %s, want the stale-button message", c.JSON)
		}
	}
}

func TestBusyIsAnsweredNotDropped(t *testing.T) {
	e := newEnv(t, 1, 1, func(c *slackbot.Config) { c.InlineWait = time.Millisecond })
	release := make(chan struct{})
	e.rec.reply = func(bot.Request) *bot.Message { <-release; return nil }
	defer close(release)
	// The acknowledgement does not wait for the core (here: stuck, as with a
	// hanging Redis), nor for Slack.
	if code, body := e.signed(t, "/slack/commands", e.slashCommand(t, "help", "1")); code != http.StatusOK || body != "" {
		t.Fatalf("first request, core stuck: got %d %q, want 200 and an empty body", code, body)
	}
	bottest.Eventually(t, waitLong, func() bool { return len(e.rec.requests()) > 0 })
	e.signed(t, "/slack/commands", e.slashCommand(t, "help", "2")) // waits in the queue
	code, body := e.signed(t, "/slack/commands", e.slashCommand(t, "help", "3"))
	var ack struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if err := json.Unmarshal([]byte(body), &ack); err != nil || code != http.StatusOK {
		t.Fatalf("third request: got %d %q, want 200 with a JSON message", code, body)
	}
	if ack.ResponseType != "ephemeral" || !strings.HasPrefix(ack.Text, "herald is busy") {
		t.Errorf("third request: got %+v, want an ephemeral busy message", ack)
	}
	if q, r := e.a.Queued(), e.a.Refused(); q != 1 || r != 1 {
		t.Errorf("metrics: got %d queued and %d refused, want 1 and 1", q, r)
	}
	// A click can't be answered in its acknowledgement: the notice goes
	// through its response_url.
	if code, body := e.signed(t, "/slack/interactions", blockAction(t, e, "keymsg.ack#0", "KM1")); code != http.StatusOK || body != "" {
		t.Fatalf("click while busy: got %d %q, want 200 and an empty body", code, body)
	}
	notice := e.fake.WaitFor(t, "response_url", 1, waitLong)
	if !strings.Contains(string(notice[0].JSON), "herald is busy") {
		t.Errorf("click while busy: got %s, want the busy notice", notice[0].JSON)
	}
}

func TestFullQueueWaitsForAPlace(t *testing.T) {
	e := newEnv(t, 1, 1, func(c *slackbot.Config) { c.QueueWait, c.InlineWait = 5*time.Second, time.Millisecond })
	release := make(chan struct{})
	var handled sync.WaitGroup
	handled.Add(3)
	e.rec.reply = func(bot.Request) *bot.Message { <-release; handled.Done(); return nil }
	e.signed(t, "/slack/commands", e.slashCommand(t, "help", "1")) // taken by the worker, which is stuck
	bottest.Eventually(t, waitLong, func() bool { return len(e.rec.requests()) > 0 })
	e.signed(t, "/slack/commands", e.slashCommand(t, "help", "2")) // waits in the queue
	go func() { time.Sleep(100 * time.Millisecond); close(release) }()
	// The queue is full: this one waits for a place instead of being refused.
	if code, ack := e.signed(t, "/slack/commands", e.slashCommand(t, "help", "3")); code != http.StatusOK || ack != "" {
		t.Fatalf("third request: got %d %q, want 200 and an empty body, not busy", code, ack)
	}
	handled.Wait()
	if r := e.a.Refused(); r != 0 {
		t.Errorf("got %d refused, want 0", r)
	}
}

func TestShoutoutModal(t *testing.T) {
	e := newEnv(t, 4, 16)
	if code, _ := e.signed(t, "/slack/commands", e.slashCommand(t, "shoutout", "TRIGGER1")); code != http.StatusOK {
		t.Fatalf("command: got %d, want 200", code)
	}
	opened := e.fake.WaitFor(t, "views.open", 1, waitLong)
	var open struct {
		TriggerID string                 `json:"trigger_id"`
		View      slack.ModalViewRequest `json:"view"`
	}
	if err := json.Unmarshal(opened[0].JSON, &open); err != nil {
		t.Fatal(err)
	}
	if open.TriggerID != "TRIGGER1" || open.View.CallbackID != "herald.shoutout" || len(open.View.Blocks.BlockSet) != 3 {
		t.Fatalf("views.open: got %s, want the shout-out modal for TRIGGER1", opened[0].JSON)
	}

	submit := func(people []string, text, values string) (int, string) {
		cb := map[string]any{
			"type": "view_submission",
			"team": map[string]any{"id": "T0001"},
			"user": map[string]any{"id": "U2147483697", "name": "steve", "team_id": "T0001"},
			"view": map[string]any{
				"callback_id":      "herald.shoutout",
				"private_metadata": open.View.PrivateMetadata,
				"state": map[string]any{"values": map[string]any{
					"people": map[string]any{"people": map[string]any{"type": "multi_users_select", "selected_users": people}},
					"text":   map[string]any{"text": map[string]any{"type": "plain_text_input", "value": text}},
					"values": map[string]any{"values": map[string]any{"type": "plain_text_input", "value": values}},
				}},
			},
		}
		data, _ := json.Marshal(cb)
		return e.signed(t, "/slack/interactions", "payload="+url.QueryEscape(string(data)))
	}
	tests := []struct {
		people     []string
		text       string
		wantErrors string
	}{
		{nil, "", `{"response_action":"errors","errors":{"people":"Who do you want to praise? Mention at least one person or team first.","text":"Say what they did, so everyone knows what the praise is for."}}`},
		{[]string{"U2147483697"}, "me", `{"response_action":"errors","errors":{"people":"A shout-out is for someone else. Mention the people who helped you!"}}`},
		{[]string{"U024BE7LH"}, `shipped "v2`, `{"response_action":"errors","errors":{"text":"A quote is left open. Close it with \" and try again."}}`},
	}
	for _, tt := range tests {
		code, body := submit(tt.people, tt.text, "")
		if code != http.StatusOK || strings.TrimSpace(body) != tt.wantErrors {
			t.Errorf("submit %v %q: got %d %s, want %s", tt.people, tt.text, code, body, tt.wantErrors)
		}
	}
	if code, body := submit([]string{"U024BE7LH", "U0BEN"}, `fixed the "build" <!channel>`, "#ownership speed"); code != http.StatusOK || body != "" {
		t.Fatalf("valid submit: got %d %q, want 200 and an empty body (the modal closes)", code, body)
	}
	posts := e.fake.WaitFor(t, "chat.postMessage", 1, waitLong)
	blocks := blocksOf(t, posts[0])
	if posts[0].Form.Get("channel") != "C0WINS" || !strings.Contains(blocks, "<@U024BE7LH>, <@U0BEN>") ||
		!strings.Contains(blocks, "&lt;!channel&gt;") || !strings.Contains(blocks, "#ownership #speed") {
		t.Errorf("broadcast: got %s in %s, want both people, the escaped text and the values in C0WINS", blocks, posts[0].Form.Get("channel"))
	}
	eph := e.fake.WaitFor(t, "chat.postEphemeral", 1, waitLong)
	if eph[0].Form.Get("channel") != "C2147483705" || eph[0].Form.Get("user") != "U2147483697" {
		t.Errorf("confirmation: got %v, want an ephemeral to U2147483697 in C2147483705", eph[0].Form)
	}
}

func TestBadPayloads(t *testing.T) {
	e := newEnv(t, 1, 1)
	tests := []struct{ path, body string }{
		{"/slack/interactions", "payload=%7Bnot-json"},
		{"/slack/events", "{not json"},
	}
	for _, tt := range tests {
		if code, _ := e.signed(t, tt.path, tt.body); code != http.StatusBadRequest {
			t.Errorf("%s %q: got %d, want 400", tt.path, tt.body, code)
		}
	}
}

// blocksOf returns the blocks of a chat.postMessage call as JSON without HTML escaping.
func blocksOf(t *testing.T, c fakeslack.Call) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &v); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return buf.String()
}

// TestLargeReplyThroughResponseURL: a reply too large for an
// acknowledgement (Socket Mode drops 20 KiB) follows the empty one through
// response_url over HTTP too, though the core answered at once.
func TestLargeReplyThroughResponseURL(t *testing.T) {
	e := newEnv(t, 4, 16)
	e.rec.reply = func(bot.Request) *bot.Message { return &bot.Message{Text: bot.Plain(largeReply)} }
	if code, body := e.signed(t, "/slack/commands", e.slashCommand(t, "help", "")); code != http.StatusOK || body != "" {
		t.Fatalf("ack: got %d %.100q, want 200 and an empty body", code, body)
	}
	if calls := e.fake.WaitFor(t, "response_url", 1, waitLong); !strings.Contains(string(calls[0].JSON), "a long reply a long reply") {
		t.Errorf("response_url: got %.200s, want the large reply", calls[0].JSON)
	}
}
