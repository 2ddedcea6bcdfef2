package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

const appID = "APP_ID" // the fixtures' recipient is 28:APP_ID

// recorder is a teams.Handler that records requests and answers with reply.
type recorder struct {
	cat   *bot.Catalog
	reply func(bot.Request) *bot.Message

	mu   sync.Mutex
	reqs []bot.Request
	got  chan struct{}
}

func (r *recorder) Handle(_ context.Context, req bot.Request) *bot.Message {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	r.got <- struct{}{}
	if r.reply == nil {
		return nil
	}
	return r.reply(req)
}

func (r *recorder) Catalog() *bot.Catalog { return r.cat }

// Lang is the language of req's chat app, else English: the recorder
// remembers no one's choice.
func (r *recorder) Lang(_ context.Context, req bot.Request) string { return r.cat.Lang(req.Lang) }

func (r *recorder) requests() []bot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Request(nil), r.reqs...)
}

// wait returns the next request the handler got.
func (r *recorder) wait(t *testing.T) bot.Request {
	t.Helper()
	select {
	case <-r.got:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler got no request within 5s")
	}
	reqs := r.requests()
	return reqs[len(reqs)-1]
}

type harness struct {
	fake    *fakebf.Server
	h       *recorder
	convs   *bottest.Conversations
	client  *teams.Client
	url     string // POST /api/messages
	handler http.Handler
}

// mustAdapter runs an Adapter against a fake Bot Framework until the test ends.
func mustAdapter(t *testing.T, reply func(bot.Request) *bot.Message, configure ...func(*teams.Config)) *harness {
	t.Helper()
	return mustAdapterWith(t, reply, nil, configure...)
}

// mustAdapterWith is mustAdapter whose Client is configured by client too.
func mustAdapterWith(t *testing.T, reply func(bot.Request) *bot.Message, client func(*teams.ClientConfig), configure ...func(*teams.Config)) *harness {
	t.Helper()
	cat, err := bot.NewCatalog("en")
	if err != nil {
		t.Fatal(err)
	}
	fake := fakebf.New(t)
	convs := &bottest.Conversations{}
	h := &recorder{cat: cat, reply: reply, got: make(chan struct{}, 100)}
	quiet := slog.New(slog.DiscardHandler)
	ccfg := teams.ClientConfig{AppID: appID, Password: "secret", TokenURL: fake.TokenURL(), Conversations: convs, Catalog: cat, Logger: quiet}
	if client != nil {
		client(&ccfg)
	}
	teamsClient := teams.NewClient(ccfg)
	v := teams.NewVerifier(appID, fake.MetadataURL(), nil, quiet, nil)
	cfg := teams.Config{Handler: h, Client: teamsClient, Verifier: v, Logger: quiet}
	for _, f := range configure {
		f(&cfg)
	}
	a := teams.New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = v.Run(ctx) })
	wg.Go(func() { _ = a.Run(ctx) })
	handler := a.Messages()
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		wg.Wait()
	})
	return &harness{fake: fake, h: h, convs: convs, client: teamsClient, url: srv.URL, handler: handler}
}

// fixtureB reads a fixture activity for a benchmark, pointed at serviceURL.
func fixtureB(b *testing.B, name, serviceURL string) []byte {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		b.Fatal(err)
	}
	var act map[string]any
	if err := json.Unmarshal(raw, &act); err != nil {
		b.Fatal(err)
	}
	act["serviceUrl"] = serviceURL
	out, err := json.Marshal(act)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// fixture reads a fixture activity, points its serviceUrl at the fake and
// applies edits (top-level fields).
func fixture(t *testing.T, name, serviceURL string, edits map[string]any) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	var act map[string]any
	if err := json.Unmarshal(raw, &act); err != nil {
		t.Fatal(err)
	}
	act["serviceUrl"] = serviceURL
	for k, v := range edits {
		act[k] = v
	}
	out, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMessageActivityBecomesARequestAndIsAnswered(t *testing.T) {
	hs := mustAdapter(t, func(bot.Request) *bot.Message {
		return &bot.Message{Ephemeral: true, Text: bot.Plain("Thank you!")}
	})
	body := fixture(t, "message-activity.json", hs.fake.ServiceURL(), nil)
	if got := hs.fake.Post(t, hs.url, appID, body); got != http.StatusOK {
		t.Fatalf("got %d, want 200", got)
	}
	req := hs.h.wait(t)
	tenant := "11111111-2222-3333-4444-555555555555"
	ben := bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: tenant, ID: "29:2eFgH", Name: "Ben"}
	checks := []struct {
		name      string
		got, want any
	}{
		{"text", req.Text, "shoutout <@29:2eFgH> great demo #customer-first"},
		{"ref", req.Refs["<@29:2eFgH>"], ben},
		{"refs", len(req.Refs), 1},
		{"user", req.User, bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: tenant, ID: "29:1aBcD", Name: "Anna Example"}},
		{"channel", req.Channel.Key(), "teams:" + tenant + ":channel:a:1xYz"},
		{"lang", req.Lang, "de"},
		{"action", req.Action == nil, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	calls := hs.fake.WaitFor(t, "/activities", 1, 5*time.Second)
	c := calls[0]
	if c.Method != http.MethodPost || c.Path != "/v3/conversations/a:1xYz/activities/1700000000000" {
		t.Errorf("reply: got %s %s, want POST /v3/conversations/a:1xYz/activities/1700000000000", c.Method, c.Path)
	}
	if c.Auth != "Bearer connector-token-1" {
		t.Errorf("reply auth: got %q, want the client-credentials token", c.Auth)
	}
	var act struct {
		Type        string `json:"type"`
		ReplyToID   string `json:"replyToId"`
		Attachments []struct {
			ContentType string `json:"contentType"`
			Content     struct {
				Version string `json:"version"`
				Body    []map[string]any
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(c.Body, &act); err != nil {
		t.Fatal(err)
	}
	if act.Type != "message" || act.ReplyToID != "1700000000000" || len(act.Attachments) != 1 ||
		act.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" || act.Attachments[0].Content.Version != "1.5" {
		t.Fatalf("reply: got %s, want a message replying to 1700000000000 with one Adaptive Card 1.5", c.Body)
	}
	if got := act.Attachments[0].Content.Body[0]["text"]; got != "Thank you!" {
		t.Errorf("reply text: got %v, want %q", got, "Thank you!")
	}
	if hs.convs.Len() != 1 {
		t.Errorf("conversations stored: got %d, want 1 (the conversation the message came from)", hs.convs.Len())
	}
}

func TestCardSubmitBecomesAnActionAndReplacesTheCard(t *testing.T) {
	hs := mustAdapter(t, func(bot.Request) *bot.Message {
		return &bot.Message{Replace: true, Text: bot.Plain("Thanks for answering.")}
	})
	value := teams.SubmitData{Action: "pulse.answer", Value: "P1|r1|q1|9"}
	body := fixture(t, "card-submit-activity.json", hs.fake.ServiceURL(), map[string]any{"value": value, "replyToId": "1699999999999"})
	if got := hs.fake.Post(t, hs.url, appID, body); got != http.StatusOK {
		t.Fatalf("got %d, want 200", got)
	}
	req := hs.h.wait(t)
	if req.Action == nil || *req.Action != (bot.Action{Name: "pulse.answer", Value: "P1|r1|q1|9"}) || req.Text != "" {
		t.Fatalf("got action %+v text %q, want pulse.answer P1|r1|q1|9 and no text", req.Action, req.Text)
	}
	c := hs.fake.WaitFor(t, "/activities", 1, 5*time.Second)[0]
	if c.Method != http.MethodPut || c.Path != "/v3/conversations/a:1xYz/activities/1699999999999" {
		t.Errorf("got %s %s, want PUT of the card's activity 1699999999999", c.Method, c.Path)
	}
}

func TestForeignCardValueIsIgnored(t *testing.T) {
	hs := mustAdapter(t, nil)
	// The shared fixture's value has another shape than herald's cards send.
	body := fixture(t, "card-submit-activity.json", hs.fake.ServiceURL(), nil)
	if got := hs.fake.Post(t, hs.url, appID, body); got != http.StatusOK {
		t.Fatalf("got %d, want 200", got)
	}
	// A message that is processed after it proves the first one was skipped.
	msg := fixture(t, "message-activity.json", hs.fake.ServiceURL(), map[string]any{"text": "help"})
	hs.fake.Post(t, hs.url, appID, msg)
	if req := hs.h.wait(t); req.Text != "help" || len(hs.h.requests()) != 1 {
		t.Errorf("got %d requests, last %q; want only the help message", len(hs.h.requests()), req.Text)
	}
}

func TestInstallStoresTheConversationForProactiveSends(t *testing.T) {
	hs := mustAdapter(t, nil)
	body := fixture(t, "conversation-update-installed.json", hs.fake.ServiceURL(), nil)
	if got := hs.fake.Post(t, hs.url, appID, body); got != http.StatusOK {
		t.Fatalf("got %d, want 200", got)
	}
	space := "teams:11111111-2222-3333-4444-555555555555"
	bottest.Eventually(t, 5*time.Second, func() bool { return hs.convs.Len() > 0 })
	u, err := hs.convs.ServiceURL(context.Background(), space, "19:abc@thread.tacv2")
	if err != nil || u != hs.fake.ServiceURL() {
		t.Fatalf("stored service url: got %q, %v; want %q", u, err, hs.fake.ServiceURL())
	}
	channel := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Teams, Workspace: "11111111-2222-3333-4444-555555555555", ID: "19:abc@thread.tacv2"}
	if err := hs.client.Send(context.Background(), bot.Message{To: channel, Header: "🎉 Shout-out"}); err != nil {
		t.Fatal(err)
	}
	c := hs.fake.WaitFor(t, "/activities", 1, time.Second)[0]
	if c.Method != http.MethodPost || c.Path != "/v3/conversations/19:abc@thread.tacv2/activities" {
		t.Errorf("got %s %s, want a new post in the channel", c.Method, c.Path)
	}
}

func TestBadTokensAreRefusedAndNothingIsProcessed(t *testing.T) {
	hs := mustAdapter(t, nil)
	other := fakebf.New(t) // another key, not in herald's JWKS
	body := fixture(t, "message-activity.json", hs.fake.ServiceURL(), nil)
	claims := func(edit func(c map[string]any)) map[string]any {
		c := hs.fake.Claims(appID)
		edit(c)
		return c
	}
	sign := func(c map[string]any) string { return "Bearer " + fakebf.Sign(t, hs.fake.Key, fakebf.KeyID, c) }
	tests := []struct {
		name string
		give string
		want int
	}{
		{"missing", "", http.StatusUnauthorized},
		{"not bearer", "Basic YTpi", http.StatusUnauthorized},
		{"garbage", "Bearer not.a.jwt", http.StatusUnauthorized},
		{"forged: another key under herald's key id", "Bearer " + fakebf.Sign(t, other.Key, fakebf.KeyID, hs.fake.Claims(appID)), http.StatusUnauthorized},
		{"unknown key id", "Bearer " + fakebf.Sign(t, hs.fake.Key, "nope", hs.fake.Claims(appID)), http.StatusUnauthorized},
		{"expired", sign(claims(func(c map[string]any) { c["exp"] = time.Now().Add(-10 * time.Minute).Unix() })), http.StatusUnauthorized},
		{"no expiry", sign(claims(func(c map[string]any) { delete(c, "exp") })), http.StatusUnauthorized},
		{"not yet valid", sign(claims(func(c map[string]any) { c["nbf"] = time.Now().Add(10 * time.Minute).Unix() })), http.StatusUnauthorized},
		{"wrong audience", sign(claims(func(c map[string]any) { c["aud"] = "another-bot" })), http.StatusUnauthorized},
		{"wrong issuer", sign(claims(func(c map[string]any) { c["iss"] = "https://sts.windows.net/evil/" })), http.StatusUnauthorized},
		{"unsigned", "Bearer " + unsigned(t, hs.fake.Claims(appID)), http.StatusUnauthorized},
		{"another service url", sign(claims(func(c map[string]any) { c["serviceurl"] = "https://evil.example/" })), http.StatusForbidden},
		{"no service url", sign(claims(func(c map[string]any) { delete(c, "serviceurl") })), http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fakebf.PostWith(t, hs.url, tt.give, body); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
	// Within skew an expired token still passes: proves the clock check is lenient only by the skew.
	late := sign(claims(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }))
	if got := fakebf.PostWith(t, hs.url, late, fixture(t, "message-activity.json", hs.fake.ServiceURL(), map[string]any{"text": "help"})); got != http.StatusOK {
		t.Fatalf("token expired a minute ago (within the 5 min skew): got %d, want 200", got)
	}
	if req := hs.h.wait(t); req.Text != "help" || len(hs.h.requests()) != 1 {
		t.Errorf("processed %d requests (last %q); want only the one with a valid token", len(hs.h.requests()), req.Text)
	}
	if n := len(hs.fake.Calls("")); n != 0 {
		t.Errorf("connector calls: got %d, want 0", n)
	}
}

// unsigned is a token with alg "none".
func unsigned(t *testing.T, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimRight(base64URL(b), "=")
	}
	return enc(map[string]string{"alg": "none", "kid": fakebf.KeyID, "typ": "JWT"}) + "." + enc(claims) + "."
}

func TestBodyOver1MiBIs413(t *testing.T) {
	hs := mustAdapter(t, nil)
	big := []byte(`{"type":"message","text":"` + strings.Repeat("a", 1<<20) + `"}`)
	if got := hs.fake.Post(t, hs.url, appID, big); got != http.StatusRequestEntityTooLarge {
		t.Errorf("got %d, want 413", got)
	}
	// Without Content-Length the limit is found while reading (with a valid
	// token: without one the body is not read at all).
	req, _ := http.NewRequest(http.MethodPost, hs.url, &endless{})
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+fakebf.Sign(t, hs.fake.Key, fakebf.KeyID, hs.fake.Claims(appID)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked: got %d, want 413", resp.StatusCode)
	}
}

// endless is a reader that never ends.
type endless struct{}

func (*endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func TestRepliesInAChannelGoToTheRequestersChat(t *testing.T) {
	tests := []struct {
		name     string
		give     bot.Message
		wantPath string
	}{
		{"ephemeral: private", bot.Message{Ephemeral: true, Text: bot.Plain("only for you")}, "/v3/conversations/a:dm-29:1aBcD/activities"},
		{"replace of a shared card: private", bot.Message{Replace: true, Text: bot.Plain("only for you")}, "/v3/conversations/a:dm-29:1aBcD/activities"},
		{"for everyone: in the thread", bot.Message{Text: bot.Plain("for everyone")}, "/v3/conversations/19:abc@thread.tacv2;messageid=1700000000000/activities/1700000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := mustAdapter(t, func(bot.Request) *bot.Message { m := tt.give; return &m })
			body := fixture(t, "message-activity.json", hs.fake.ServiceURL(), map[string]any{
				"conversation": map[string]any{"id": "19:abc@thread.tacv2;messageid=1700000000000", "conversationType": "channel", "tenantId": "11111111-2222-3333-4444-555555555555"},
				"replyToId":    "1699999999999",
			})
			hs.fake.Post(t, hs.url, appID, body)
			c := hs.fake.WaitFor(t, "/activities", 1, 5*time.Second)[0]
			if c.Method != http.MethodPost || c.Path != tt.wantPath {
				t.Errorf("got %s %s, want POST %s", c.Method, c.Path, tt.wantPath)
			}
		})
	}
}

func TestRotatedKeysAreFetched(t *testing.T) {
	hs := mustAdapter(t, nil)
	body := fixture(t, "message-activity.json", hs.fake.ServiceURL(), map[string]any{"text": "help"})
	if got := hs.fake.Post(t, hs.url, appID, body); got != http.StatusOK {
		t.Fatalf("before rotation: got %d, want 200", got)
	}
	hs.h.wait(t)
	key := hs.fake.AddKey(t, "rotated-key") // published after herald read the keys
	tok := "Bearer " + fakebf.Sign(t, key, "rotated-key", hs.fake.Claims(appID))
	if got := fakebf.PostWith(t, hs.url, tok, body); got != http.StatusOK {
		t.Fatalf("token signed with the new key: got %d, want 200", got)
	}
	hs.h.wait(t)
}

func TestUnknownKeyIDsDoNotHoldRequests(t *testing.T) {
	hs := mustAdapter(t, nil)
	body := fixture(t, "message-activity.json", hs.fake.ServiceURL(), nil)
	// Teams gives up on a request after 15 seconds; so does this client.
	teamsClient := &http.Client{Timeout: 15 * time.Second}
	// The first unknown key id reads the keys again; the next ones, within a
	// minute, are refused at once rather than held for the refresh limit.
	for i := range 3 {
		req, err := http.NewRequest(http.MethodPost, hs.url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+fakebf.Sign(t, hs.fake.Key, fmt.Sprintf("unknown-%d", i), hs.fake.Claims(appID)))
		resp, err := teamsClient.Do(req)
		if err != nil {
			t.Fatalf("#%d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("#%d: got %d, want 401", i, resp.StatusCode)
		}
	}
}
