package teams_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

// TestOnlyTeamsActivitiesFromEndorsedKeys: a Direct Line client holding the
// bot's secret could once pose as an admin and move the wins channel.
func TestOnlyTeamsActivitiesFromEndorsedKeys(t *testing.T) {
	hs := mustAdapter(t, nil)
	webchat := hs.fake.AddKey(t, "webchat-key", "webchat", "directline")
	wins := map[string]any{"id": "19:wins@thread.tacv2", "conversationType": "channel", "tenantId": "11111111-2222-3333-4444-555555555555"}
	tests := []struct {
		name  string
		key   string // kid of the signing key
		edits map[string]any
		want  int
	}{
		{"direct line, as an admin, in the wins channel", fakebf.KeyID, map[string]any{"channelId": "directline", "conversation": wins}, http.StatusForbidden},
		{"webchat", fakebf.KeyID, map[string]any{"channelId": "webchat"}, http.StatusForbidden},
		{"no channel", fakebf.KeyID, map[string]any{"channelId": ""}, http.StatusForbidden},
		{"msteams, signed by a key endorsed for webchat only", "webchat-key", map[string]any{"conversation": wins}, http.StatusForbidden},
	}
	signer := map[string]func() string{
		fakebf.KeyID:  func() string { return fakebf.Sign(t, hs.fake.Key, fakebf.KeyID, hs.fake.Claims(appID)) },
		"webchat-key": func() string { return fakebf.Sign(t, webchat, "webchat-key", hs.fake.Claims(appID)) },
	}
	for _, tt := range tests {
		body := fixture(t, "message-activity.json", hs.fake.ServiceURL(), tt.edits)
		if got := fakebf.PostWith(t, hs.url, "Bearer "+signer[tt.key](), body); got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, got, tt.want)
		}
	}
	if n := len(hs.h.requests()); n != 0 || hs.convs.Len() != 0 {
		t.Errorf("got %d requests and %d stored conversations, want none", n, hs.convs.Len())
	}
}

func TestReplayedActivityRunsOnce(t *testing.T) {
	// One worker: the activities run in the order they came.
	hs := mustAdapter(t, nil, func(c *teams.Config) { c.Seen, c.Workers = &seen{}, 1 })
	body := fixture(t, "message-activity.json", hs.fake.ServiceURL(), map[string]any{"text": "help"})
	for range 2 {
		if got := hs.fake.Post(t, hs.url, appID, body); got != http.StatusOK {
			t.Fatalf("got %d, want 200", got)
		}
	}
	other := fixture(t, "message-activity.json", hs.fake.ServiceURL(), map[string]any{"text": "help shoutout", "id": "1700000000001"})
	if got := hs.fake.Post(t, hs.url, appID, other); got != http.StatusOK {
		t.Fatalf("got %d, want 200", got)
	}
	hs.h.wait(t)
	hs.h.wait(t)
	// The replay ran nothing: only the two distinct activities reached the core.
	reqs := hs.h.requests()
	if len(reqs) != 2 || reqs[0].Text != "help" || reqs[1].Text != "help shoutout" {
		t.Errorf("got %+v, want the two distinct activities", reqs)
	}
}

// seen is an in-memory teams.Deduper.
type seen struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (s *seen) FirstSeen(_ context.Context, key string, _ time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys[key] {
		return false, nil
	}
	if s.keys == nil {
		s.keys = map[string]bool{}
	}
	s.keys[key] = true
	return true, nil
}

// readGuard is a request body that records whether it was read.
type readGuard struct{ read bool }

func (g *readGuard) Read([]byte) (int, error) { g.read = true; return 0, io.EOF }

func TestTokenCheckedBeforeTheBody(t *testing.T) {
	hs := mustAdapter(t, nil)
	for _, auth := range []string{"", "Basic YTpi", "Bearer expired.or.forged"} {
		body := &readGuard{}
		req, _ := http.NewRequest(http.MethodPost, hs.url, body)
		req.ContentLength = 100
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		hs.handler.ServeHTTP(w, req)
		if w.Code != http.StatusUnauthorized || body.read {
			t.Errorf("%q: got %d, body read %v; want 401 without reading", auth, w.Code, body.read)
		}
	}
}

// TestVerifiedTokensStillExpire: a token checked once is remembered, but
// never beyond its expiry.
func TestVerifiedTokensStillExpire(t *testing.T) {
	fake := fakebf.New(t)
	now := time.Now()
	v := teams.NewVerifier(appID, fake.MetadataURL(), nil, nil, func() time.Time { return now })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = v.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	claims := fake.Claims(appID)
	claims["exp"] = now.Add(time.Hour).Unix()
	auth := "Bearer " + fakebf.Sign(t, fake.Key, fakebf.KeyID, claims)
	steps := []struct {
		at      time.Duration
		wantErr bool
	}{
		{0, false},
		{30 * time.Minute, false}, // remembered
		{time.Hour + 6*time.Minute, true},
	}
	for _, st := range steps {
		now = time.Now().Add(st.at)
		err := v.Verify(context.Background(), auth, fake.ServiceURL(), teams.Channel)
		if (err != nil) != st.wantErr {
			t.Errorf("at +%v: got %v, want error %v", st.at, err, st.wantErr)
		}
	}
}
