package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
)

func TestSlackShoutoutEndToEnd(t *testing.T) {
	const secret = "e2e-signing-secret"
	fake := fakeslack.New(t)
	base := MustServe(t, map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-e2e",
		"SLACK_SIGNING_SECRET": secret,
		"SLACK_API_URL":        fake.GetAPIURL(),
		"HERALD_WINS_CHANNEL":  "C0WINS",
	})
	raw, err := os.ReadFile("../../bot/slack/testdata/fixtures/slash-command.form")
	if err != nil {
		t.Fatal(err)
	}
	form, err := url.ParseQuery(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	form.Set("response_url", fake.ResponseURL("e2e"))
	body := form.Encode()
	var ack []byte
	send := func(sign string, at time.Time) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sign != "" {
			ts, sig := slackbot.Sign(sign, at, []byte(body))
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", sig)
		}
		// Slack gives up after three seconds; so does this client.
		resp, err := (&http.Client{Timeout: 3 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("POST /slack/commands: %v", err)
		}
		defer resp.Body.Close()
		ack, _ = io.ReadAll(resp.Body)
		return resp.StatusCode
	}
	refused := []struct {
		name string
		key  string
		at   time.Time
	}{
		{"unsigned", "", time.Now()},
		{"forged", "wrong-secret", time.Now()},
		{"stale", secret, time.Now().Add(-10 * time.Minute)},
	}
	for _, tt := range refused {
		if code := send(tt.key, tt.at); code != http.StatusUnauthorized {
			t.Errorf("%s: got %d, want 401", tt.name, code)
		}
	}
	if code := send(secret, time.Now()); code != http.StatusOK {
		t.Fatalf("signed: got %d, want 200", code)
	}
	posts := fake.WaitFor(t, "chat.postMessage", 1, 5*time.Second)
	if got := posts[0].Form.Get("channel"); got != "C0WINS" {
		t.Errorf("broadcast: got channel %q, want C0WINS", got)
	}
	if blocks := posts[0].Form.Get("blocks"); !strings.Contains(blocks, "shipped the CRM rollout") {
		t.Errorf("broadcast blocks: got %s, want the shout-out text", blocks)
	}
	// The core answered within two seconds: the thank-you is in the
	// acknowledgement.
	if !strings.Contains(string(ack), "Thank you!") {
		t.Errorf("acknowledgement: got %s, want the thank-you inline", ack)
	}
	if got := len(fake.Calls("chat.postMessage")); got != 1 {
		t.Errorf("got %d broadcasts, want 1 (refused requests post nothing)", got)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	metrics, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"herald_slack_queued 0", "herald_slack_busy_total 0",
		`herald_outbox_backlog{platform="slack",workspace="slack:`, `herald_outbox_pace_per_second{platform="slack",workspace="slack:`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics: want a line %q", want)
		}
	}
}

func TestSlackManifestCommand(t *testing.T) {
	tests := []struct {
		args    []string
		env     map[string]string
		wantURL string
		socket  bool
	}{
		{[]string{"herald", "slack-manifest", "--url", "https://h.example.net"}, map[string]string{}, "https://h.example.net/slack/commands", false},
		{[]string{"herald", "slack-manifest"}, map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, "", true},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, nil, &out, &bytes.Buffer{}); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		var m struct {
			Features struct {
				SlashCommands []struct{ URL string } `yaml:"slash_commands"`
			} `yaml:"features"`
			Settings struct {
				SocketMode bool `yaml:"socket_mode_enabled"`
			} `yaml:"settings"`
		}
		if err := yaml.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatalf("%v: not YAML: %v", tt.args, err)
		}
		if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].URL != tt.wantURL || m.Settings.SocketMode != tt.socket {
			t.Errorf("%v: got %+v, want command URL %q and socket mode %v", tt.args, m, tt.wantURL, tt.socket)
		}
	}
}
