package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
)

// syncBuffer is a Buffer that run's logger and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`msg="http listening" addr=(\S+)`)

// startHerald runs herald with env until the test ends and returns its base URL.
func startHerald(t *testing.T, env map[string]string) string {
	t.Helper()
	env["HERALD_ADDR"] = "127.0.0.1:0"
	env["HERALD_DATA_DIR"] = t.TempDir()
	if u := os.Getenv("REDIS_URL"); u != "" {
		env["REDIS_URL"] = u
		env["HERALD_REDIS_PREFIX"] = "heraldtest:" + t.Name() + ":" + time.Now().Format("150405.000000") + ":"
	}
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"herald"}, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v\n%s", err, stderr)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			return "http://" + m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("herald did not start listening:\n%s", stderr)
	return ""
}

func TestSlackShoutoutEndToEnd(t *testing.T) {
	const secret = "e2e-signing-secret"
	fake := fakeslack.New(t)
	base := startHerald(t, map[string]string{
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
		resp.Body.Close()
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
	fake.WaitFor(t, "response_url", 1, 5*time.Second)
	if got := len(fake.Calls("chat.postMessage")); got != 1 {
		t.Errorf("got %d broadcasts, want 1 (refused requests post nothing)", got)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	metrics, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"herald_slack_queued 0", "herald_slack_busy_total 0"} {
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
