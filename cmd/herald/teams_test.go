package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

const (
	teamsApp    = "APP_ID" // the fixtures' bot is 28:APP_ID
	teamsTenant = "11111111-2222-3333-4444-555555555555"
	teamsWins   = "19:wins@thread.tacv2"
)

// teamsActivity reads a shared fixture, points it at the fake connector and
// applies edits.
func teamsActivity(t *testing.T, name string, fake *fakebf.Server, edits map[string]any) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "bot", "teams", "testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	var act map[string]any
	if err := json.Unmarshal(raw, &act); err != nil {
		t.Fatal(err)
	}
	act["serviceUrl"] = fake.ServiceURL()
	for k, v := range edits {
		act[k] = v
	}
	out, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cardTexts returns every text of the Adaptive Cards in an activity herald
// sent, with Teams' markdown escapes removed, and the data of its buttons by
// title.
func cardTexts(t *testing.T, body []byte) (string, map[string]json.RawMessage) {
	t.Helper()
	var act struct {
		Attachments []struct {
			Content json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &act); err != nil {
		t.Fatal(err)
	}
	var texts []string
	buttons := map[string]json.RawMessage{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "Action.Submit" {
				data, _ := json.Marshal(v["data"])
				buttons[v["title"].(string)] = data
			}
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "text" || k == "value" || k == "title") {
					texts = append(texts, strings.ReplaceAll(s, `\`, ""))
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, a := range act.Attachments {
		var c any
		if err := json.Unmarshal(a.Content, &c); err != nil {
			t.Fatal(err)
		}
		walk(c)
	}
	return strings.Join(texts, "\n"), buttons
}

// lastTo waits for an activity herald sends to conversation (new, reply or
// update) whose card contains want, and returns it.
func lastTo(t *testing.T, fake *fakebf.Server, conversation, want string) fakebf.Call {
	t.Helper()
	var found fakebf.Call
	ok := bottest.Eventually(t, 10*time.Second, func() bool {
		for _, c := range fake.Calls("/activities") {
			if c.Method == http.MethodDelete || c.Conversation != conversation && !strings.HasPrefix(c.Conversation, conversation+";") {
				continue
			}
			if text, _ := cardTexts(t, c.Body); strings.Contains(text, want) {
				found = c
				return true
			}
		}
		return false
	})
	if ok {
		return found
	}
	var seen []string
	for _, c := range fake.Calls("") {
		seen = append(seen, c.Method+" "+c.Path+" "+string(c.Body))
	}
	t.Fatalf("no activity to %s containing %q within 10s; calls:\n%s", conversation, want, strings.Join(seen, "\n"))
	return fakebf.Call{}
}

// serveTeams starts herald on Teams against a fake Bot Framework, with vars
// beside the Teams settings, and returns the fake, herald's messaging URL
// and post, which sends a signed activity there and wants 200.
func serveTeams(t *testing.T, vars map[string]string) (*fakebf.Server, string, func(body []byte)) {
	t.Helper()
	fake := fakebf.New(t)
	all := map[string]string{
		"TEAMS_APP_ID":              teamsApp,
		"TEAMS_APP_PASSWORD":        "e2e-password",
		"TEAMS_OPENID_METADATA_URL": fake.MetadataURL(),
		"TEAMS_TOKEN_URL":           fake.TokenURL(),
	}
	maps.Copy(all, vars)
	url := MustServe(t, all) + "/api/messages"
	post := func(body []byte) {
		t.Helper()
		if got := fake.Post(t, url, teamsApp, body); got != http.StatusOK {
			t.Fatalf("POST /api/messages: got %d, want 200", got)
		}
	}
	return fake, url, post
}

func TestTeamsShoutoutAndPulseEndToEnd(t *testing.T) {
	fake, url, post := serveTeams(t, map[string]string{
		"HERALD_WINS_CHANNEL":  teamsWins,
		"HERALD_ADMINS":        "29:1aBcD",
		"HERALD_ANONYMITY_MIN": "3",
	})
	cat, err := bot.NewCatalog("en")
	if err != nil {
		t.Fatal(err)
	}
	tr := func(key string, args ...any) string { return cat.T("en", key, args...) }
	de := func(key string, args ...any) string { return cat.T("de", key, args...) } // Anna's Teams speaks German

	// A forged token is refused before anything happens.
	if got := fakebf.PostWith(t, url, "Bearer "+fakebf.Sign(t, fakebf.New(t).Key, fakebf.KeyID, fake.Claims(teamsApp)),
		teamsActivity(t, "message-activity.json", fake, nil)); got != http.StatusUnauthorized {
		t.Fatalf("forged token: got %d, want 401", got)
	}

	// herald is added to the wins channel, then Anna types a shout-out in her chat with herald.
	post(teamsActivity(t, "conversation-update-installed.json", fake, map[string]any{
		"conversation": map[string]any{"id": teamsWins, "conversationType": "channel", "tenantId": teamsTenant},
	}))
	post(teamsActivity(t, "message-activity.json", fake, nil))
	broadcast := lastTo(t, fake, teamsWins, "great demo")
	if broadcast.Method != http.MethodPost || broadcast.Activity != "" {
		t.Errorf("broadcast: got %s %s, want a new post in the wins channel", broadcast.Method, broadcast.Path)
	}
	if !bytes.Contains(broadcast.Body, []byte(`"mentioned":{"id":"29:2eFgH","name":"Ben"}`)) {
		t.Errorf("broadcast does not mention Ben as a Teams mention: %s", broadcast.Body)
	}
	// The German thanks, up to where it names Ben.
	reply := lastTo(t, fake, "a:1xYz", strings.SplitN(de("shoutout.posted", "\x00", "\x00"), "\x00", 2)[0])
	if reply.Activity != "1700000000000" {
		t.Errorf("reply: got %s %s, want a reply to Anna's message 1700000000000", reply.Method, reply.Path)
	}

	// Anna, an admin, asks Ben; Ben clicks 4 on the card in his chat; the answer counts.
	post(teamsActivity(t, "message-activity.json", fake, map[string]any{
		"id":   "1700000000001",
		"text": `<at>herald</at> pulse new &quot;Is the rollout going well?&quot; type=scale5 to=<at>Ben</at> anonymous=no`,
	}))
	dm := "a:dm-29:2eFgH"
	question := lastTo(t, fake, dm, "Is the rollout going well?")
	_, buttons := cardTexts(t, question.Body)
	four, ok := buttons["4"]
	if !ok {
		t.Fatalf("the pulse card has no button 4: %s", question.Body)
	}
	var value map[string]any
	if err := json.Unmarshal(four, &value); err != nil {
		t.Fatal(err)
	}
	post(teamsActivity(t, "card-submit-activity.json", fake, map[string]any{
		"id":           "1700000000002",
		"replyToId":    "card-1",
		"from":         map[string]any{"id": "29:2eFgH", "name": "Ben"},
		"conversation": map[string]any{"id": dm, "conversationType": "personal", "tenantId": teamsTenant},
		"value":        value,
		"locale":       "en-US",
	}))
	thanks := lastTo(t, fake, dm, tr("pulse.thanks"))
	if thanks.Method != http.MethodPut || thanks.Activity != "card-1" {
		t.Errorf("answer: got %s %s, want the card (card-1) replaced", thanks.Method, thanks.Path)
	}
	post(teamsActivity(t, "message-activity.json", fake, map[string]any{"id": "1700000000003", "text": "<at>herald</at> pulse results P1"}))
	lastTo(t, fake, "a:1xYz", de("pulse.res.rate", 1, 1, 100))
	if n := fake.Tokens(); n != 1 {
		t.Errorf("connector tokens fetched: got %d, want 1 (cached)", n)
	}
}

func TestTeamsManifestPackage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "herald-teams.zip")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"herald", "teams-manifest", "--out", out, "--url", "https://herald.example.org"},
		env(map[string]string{"TEAMS_APP_ID": "00000000-1111-2222-3333-444444444444"}), nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("teams-manifest: %v\n%s", err, stderr.String())
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		// A DOS date with month 0 (what zip.Writer.Create writes) is refused by Teams.
		if f.Modified.Year() < 2020 {
			t.Errorf("%s: dated %v, want the time the package was written", f.Name, f.Modified)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	var m struct {
		ManifestVersion string `json:"manifestVersion"`
		Version         string `json:"version"`
		ID              string `json:"id"`
		Developer       struct {
			WebsiteURL string `json:"websiteUrl"`
		} `json:"developer"`
		Description struct {
			Short string `json:"short"`
		} `json:"description"`
		Icons struct{ Color, Outline string } `json:"icons"`
		Bots  []struct {
			BotID         string   `json:"botId"`
			Scopes        []string `json:"scopes"`
			SupportsFiles bool     `json:"supportsFiles"`
			CommandLists  []struct {
				Commands []struct{ Title, Description string } `json:"commands"`
			} `json:"commandLists"`
		} `json:"bots"`
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if m.ManifestVersion != "1.16" || m.ID != "00000000-1111-2222-3333-444444444444" || m.Version != "1.0.0" || m.Developer.WebsiteURL != "https://herald.example.org" {
		t.Errorf("manifest: got version %s, id %s, app version %s, site %s", m.ManifestVersion, m.ID, m.Version, m.Developer.WebsiteURL)
	}
	if len(m.Description.Short) == 0 || len(m.Description.Short) > 80 {
		t.Errorf("short description: got %q, want 1–80 characters", m.Description.Short)
	}
	if len(m.Bots) != 1 || m.Bots[0].BotID != m.ID || strings.Join(m.Bots[0].Scopes, ",") != "personal,team,groupChat" {
		t.Fatalf("bots: got %+v, want herald in personal, team and groupChat", m.Bots)
	}
	if !m.Bots[0].SupportsFiles {
		t.Error("bots: supportsFiles is false, want true: without it Teams shows no file consent card")
	}
	var titles []string
	for _, c := range m.Bots[0].CommandLists[0].Commands {
		titles = append(titles, c.Title)
		if c.Description == "" || len(c.Description) > 128 || strings.HasPrefix(c.Description, "cmd.") {
			t.Errorf("command %s: description %q is not a text of 1–128 characters", c.Title, c.Description)
		}
	}
	if got, want := strings.Join(titles, " "), "help shoutout keymsg pulse answer feedback privacy language goal digest"; got != want {
		t.Errorf("commands: got %q, want %q", got, want)
	}
	icons := []struct {
		name   string
		size   int
		opaque bool
	}{{m.Icons.Color, 192, true}, {m.Icons.Outline, 32, false}}
	for _, ic := range icons {
		img, err := png.Decode(bytes.NewReader(files[ic.name]))
		if err != nil {
			t.Fatalf("%s: %v", ic.name, err)
		}
		if b := img.Bounds(); b.Dx() != ic.size || b.Dy() != ic.size {
			t.Errorf("%s: got %dx%d, want %dx%d", ic.name, b.Dx(), b.Dy(), ic.size, ic.size)
		}
		var white, clear, other int
		for y := range ic.size {
			for x := range ic.size {
				r, g, b, a := img.At(x, y).RGBA()
				switch {
				case a == 0:
					clear++
				case r == 0xffff && g == 0xffff && b == 0xffff && a == 0xffff:
					white++
				default:
					other++
				}
			}
		}
		if white == 0 {
			t.Errorf("%s: no white mark", ic.name)
		}
		if ic.opaque && clear != 0 {
			t.Errorf("%s: %d transparent pixels, want a full-colour icon", ic.name, clear)
		}
		if !ic.opaque && (other != 0 || clear == 0) {
			t.Errorf("%s: %d pixels neither white nor transparent (%d transparent), want white on transparent", ic.name, other, clear)
		}
	}
}

func TestTeamsManifestChecksItsInputs(t *testing.T) {
	tests := []struct {
		appID, url string
		wantErr    string
	}{
		{"herald-bot", "https://herald.example.org", "is not a GUID"},
		{"00000000-1111-2222-3333-444444444444", "herald.example.org", "is not an https:// address"},
		{"00000000-1111-2222-3333-444444444444", "http://herald.example.org", "is not an https:// address"},
		{"00000000-1111-2222-3333-444444444444", "", "--url https://your.host (or HERALD_PUBLIC_URL) is required"},
	}
	for _, tt := range tests {
		args := []string{"herald", "teams-manifest", "--out", filepath.Join(t.TempDir(), "x.zip")}
		if tt.url != "" {
			args = append(args, "--url", tt.url)
		}
		err := run(context.Background(), args, env(map[string]string{"TEAMS_APP_ID": tt.appID}), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s %q: got %v, want an error saying %q", tt.appID, tt.url, err, tt.wantErr)
		}
	}
}

func TestTeamsManifestNeedsAnAppID(t *testing.T) {
	err := run(context.Background(), []string{"herald", "teams-manifest", "--out", filepath.Join(t.TempDir(), "x.zip")}, env(nil), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "TEAMS_APP_ID is not set") {
		t.Errorf("got %v, want an error naming TEAMS_APP_ID", err)
	}
}

func TestTeamsWithoutPasswordStopsWithOneLine(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"herald"}, env(map[string]string{"TEAMS_APP_ID": "x", "HERALD_DATA_DIR": t.TempDir()}), nil, &out, io.Discard)
	if want := "TEAMS_APP_ID set but TEAMS_APP_PASSWORD missing"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestSlackAndTeamsServedSideBySide(t *testing.T) {
	fake := fakebf.New(t)
	base := MustServe(t, map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret", "SLACK_API_URL": "http://127.0.0.1:1/api/",
		"TEAMS_APP_ID": teamsApp, "TEAMS_APP_PASSWORD": "pw",
		"TEAMS_OPENID_METADATA_URL": fake.MetadataURL(), "TEAMS_TOKEN_URL": fake.TokenURL(),
	})
	tests := []struct {
		path string
		auth string
		body []byte
		want int
	}{
		{"/slack/commands", "", []byte("text=help"), http.StatusUnauthorized},
		{"/api/messages", "", teamsActivity(t, "message-activity.json", fake, nil), http.StatusUnauthorized},
		{"/api/messages", "Bearer " + fakebf.Sign(t, fake.Key, fakebf.KeyID, fake.Claims(teamsApp)), teamsActivity(t, "message-activity.json", fake, map[string]any{"text": "help"}), http.StatusOK},
		{"/api/messages", "", bytes.Repeat([]byte("a"), 1<<20+1), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		if got := fakebf.PostWith(t, base+tt.path, tt.auth, tt.body); got != tt.want {
			t.Errorf("POST %s (auth %t): got %d, want %d", tt.path, tt.auth != "", got, tt.want)
		}
	}
	lastTo(t, fake, "a:1xYz", "herald")
}
