package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

// memFiles is an in-memory teams.Files.
type memFiles struct {
	mu     sync.Mutex
	files  map[string]bot.File
	ttls   map[string]time.Duration
	claims map[string]bool
	down   bool // the database can't be reached
}

func (m *memFiles) SaveFile(_ context.Context, id string, f bot.File, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return bot.Unavailable("err.unavailable", errors.New("memFiles: down"))
	}
	if m.files == nil {
		m.files, m.ttls = map[string]bot.File{}, map[string]time.Duration{}
	}
	m.files[id], m.ttls[id] = f, ttl
	return nil
}

func (m *memFiles) LoadFile(_ context.Context, id string) (bot.File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return bot.File{}, bot.Unavailable("err.unavailable", errors.New("memFiles: down"))
	}
	f, ok := m.files[id]
	if !ok {
		return bot.File{}, bot.Errorf(bot.ENOTFOUND, "teams.file.expired")
	}
	return f, nil
}

func (m *memFiles) ClaimFile(_ context.Context, id string, _ time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return false, bot.Unavailable("err.unavailable", errors.New("memFiles: down"))
	}
	if m.claims == nil {
		m.claims = map[string]bool{}
	}
	if m.claims[id] {
		return false, nil
	}
	m.claims[id] = true
	return true, nil
}

func (m *memFiles) ReleaseFile(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return bot.Unavailable("err.unavailable", errors.New("memFiles: down"))
	}
	delete(m.claims, id)
	return nil
}

// expire forgets every file, as their TTL would.
func (m *memFiles) expire() {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.files)
}

// setDown makes the database unreachable, or reachable again.
func (m *memFiles) setDown(down bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.down = down
}

// stored returns the files kept, by id, and their TTLs.
func (m *memFiles) stored() (map[string]bot.File, map[string]time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.files), maps.Clone(m.ttls)
}

// export is a CSV of n answers, as pulse export makes it.
func export(n int) *bot.File {
	var b bytes.Buffer
	b.WriteString("round,question,answer\n")
	for i := range n {
		fmt.Fprintf(&b, "P1.1,1,%d\n", i%11)
	}
	return &bot.File{Name: "P1.csv", Type: "text/csv", Content: b.Bytes()}
}

func TestEveryCardFitsTeams(t *testing.T) {
	tr := catalogT(t)
	long := strings.Repeat("Eine lange Antwort in eigenen Worten, die niemand kürzen wollte. ", 40)
	tests := []struct {
		name string
		give bot.Message
	}{
		{"export of 300 answers shown as text", bot.Message{Header: "Export", File: export(300), Buttons: []bot.Button{{Label: "OK", Action: "a"}}}},
		{"many long free-text answers", bot.Message{Header: "Results", Fields: []bot.Field{{Label: "Q", Value: bot.Plain(strings.Repeat(long+"\n", 20))}}, Buttons: []bot.Button{{Label: "OK", Action: "a"}}}},
		{"long text", bot.Message{Text: bot.Plain(strings.Repeat(long+"\n", 30)), Buttons: []bot.Button{{Label: "OK", Action: "a"}}}},
		{"long results with a chart", bot.Message{Header: "Results", Fields: []bot.Field{{Label: "Q", Value: bot.Plain(strings.Repeat(long+"\n", 20))}},
			Image: &bot.Image{PNG: noisyPNG(t, 960, 400), Alt: "chart"}, Buttons: []bot.Button{{Label: "OK", Action: "a"}}}},
	}
	for _, tt := range tests {
		raw := teams.CardJSON(tt.give, tr)
		compact := new(bytes.Buffer)
		if err := json.Compact(compact, raw); err != nil {
			t.Fatal(err)
		}
		if n := compact.Len(); n > 24<<10 {
			t.Errorf("%s: card of %d bytes, want at most 24 KB (Teams takes about 28)", tt.name, n)
		}
		if !strings.Contains(compact.String(), tr("teams.card.cut")) || !strings.Contains(compact.String(), `"Action.Submit"`) {
			t.Errorf("%s: want the cut noted and the button kept", tt.name)
		}
		if got, want := strings.Contains(compact.String(), `"data:image/png;base64,`), tt.give.Image != nil; got != want {
			t.Errorf("%s: got chart in the card %t, want %t", tt.name, got, want)
		}
	}
}

// linkClient is a Client that sends files by link, served by a test server.
func linkClient(t *testing.T) (*teams.Client, *fakebf.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	links := teams.NewLinks(&memFiles{}, srv.URL, []byte("link-key"), nil)
	mux.Handle("GET /files/{id}", links.Handler())
	return mustClient(t, func(c *teams.ClientConfig) { c.Links = links })
}

func TestExportAndBigChartGoByLink(t *testing.T) {
	c, fake := linkClient(t)
	wins := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Teams, Workspace: tenant, ID: "19:wins@thread.tacv2"}
	csv := export(5000)
	chart := pngOf(t, 1200, 900)
	if err := c.Send(context.Background(), bot.Message{To: wins, Header: "Export", File: csv, Image: &bot.Image{PNG: append(chart, make([]byte, 40<<10)...), Alt: "chart"}}); err != nil {
		t.Fatal(err)
	}
	posted := fake.Calls("/activities")[0]
	var act struct {
		Attachments []struct {
			Content struct {
				Body []map[string]any `json:"body"`
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(posted.Body, &act); err != nil {
		t.Fatal(err)
	}
	var download, image string
	for _, e := range act.Attachments[0].Content.Body {
		switch e["type"] {
		case "ActionSet":
			a := e["actions"].([]any)[0].(map[string]any)
			if a["type"] == "Action.OpenUrl" {
				download = a["url"].(string)
			}
		case "Image":
			image, _ = e["url"].(string)
		}
	}
	if download == "" || !strings.HasPrefix(image, "http") {
		t.Fatalf("card: got download %q and image %q, want links to both\n%s", download, image, posted.Body)
	}
	resp, err := http.Get(download)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	_, _ = got.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got.Bytes(), csv.Content) || !strings.Contains(resp.Header.Get("Content-Disposition"), "P1.csv") {
		t.Errorf("download: got %d, %d bytes, %q; want the CSV as P1.csv", resp.StatusCode, got.Len(), resp.Header.Get("Content-Disposition"))
	}
	forged := strings.Replace(download, "sig=", "sig=x", 1)
	expired := strings.Replace(download, "exp=", "exp=1", 1) // 1…: long past, and no longer signed
	for _, u := range []string{forged, expired} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: got %d, want 403", u, resp.StatusCode)
		}
	}
}

func TestRefusedReplyReachesTheRequester(t *testing.T) {
	hs := mustAdapter(t, func(bot.Request) *bot.Message { return &bot.Message{Text: bot.Plain("the answer")} })
	hs.fake.FailOnce("a:1xYz", http.StatusRequestEntityTooLarge)
	body := fixture(t, "message-activity.json", hs.fake.ServiceURL(), map[string]any{"text": "help"})
	if got := hs.fake.Post(t, hs.url, appID, body); got != http.StatusOK {
		t.Fatalf("got %d, want 200", got)
	}
	hs.h.wait(t)
	var calls []fakebf.Call
	for deadline := time.Now().Add(5 * time.Second); len(calls) < 2 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		calls = hs.fake.Calls("/activities")
	}
	if len(calls) != 2 || !strings.Contains(string(calls[1].Body), "Teams did not take herald") {
		t.Fatalf("got %d replies, want the refused answer and then a note about it", len(calls))
	}
}

func TestDownloadLinksExpire(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	links := teams.NewLinks(&memFiles{}, "https://herald.example.org", []byte("k"), func() time.Time { return now })
	u, err := links.Put(context.Background(), bot.File{Name: "P1.csv", Type: "text/csv", Content: []byte("a,b\n")})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /files/{id}", links.Handler())
	tests := []struct {
		after time.Duration
		want  int
	}{
		{time.Hour, http.StatusOK},
		{teams.LinkTTL + time.Minute, http.StatusGone},
	}
	for _, tt := range tests {
		now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC).Add(tt.after)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, strings.TrimPrefix(u, "https://herald.example.org"), nil))
		if w.Code != tt.want {
			t.Errorf("after %v: got %d, want %d", tt.after, w.Code, tt.want)
		}
	}
}

func TestRepliesNameChannelsAsTeamsShowsThem(t *testing.T) {
	c, fake := mustClient(t)
	c.Learn(map[string]string{"19:feedback@thread.tacv2": "Feedback"})
	wins := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Teams, Workspace: tenant, ID: "19:wins@thread.tacv2"}
	feedback := wins
	feedback.ID = "19:feedback@thread.tacv2"
	m := bot.Message{To: wins, Text: bot.Text{bot.Str("Sent to "), bot.Mention(feedback), bot.Str(".")}}
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	body := string(fake.Calls("/activities")[0].Body)
	if !strings.Contains(body, "Sent to #Feedback.") || strings.Contains(body, "19:feedback") {
		t.Errorf("got %s, want the channel named #Feedback", body)
	}
	if m.Text[1].Ref.Name != "" {
		t.Error("the caller's message was changed")
	}
}

// claimed returns how many files are claimed by an answer.
func (m *memFiles) claimed() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.claims)
}
