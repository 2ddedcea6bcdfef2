package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
)

// env returns a getenv over vars only, so tests never read the machine's environment.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// console runs herald in console mode on input and returns what it printed.
func runConsoleT(t *testing.T, vars map[string]string, input string) string {
	t.Helper()
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"herald"}, env(vars), strings.NewReader(input), &out, &errs); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errs.String())
	}
	return out.String()
}

func TestConsoleShoutoutSurvivesARestart(t *testing.T) {
	vars := map[string]string{"HERALD_DATA_DIR": t.TempDir(), "HERALD_WINS_CHANNEL": "wins"}
	out := runConsoleT(t, vars, "help\nshoutout @anna @ben shipped the CRM rollout #customer-first\nshoutout list\n")
	for _, want := range []string{
		"herald console: you are @you.",
		"herald helps your organisation carry a change through",
		"[#wins] 🎉 Shout-out",
		"@you praised @anna, @ben",
		"Values: #customer-first",
		"Thank you! Your shout-out for @anna, @ben is posted in #wins.",
		"@you → @anna, @ben: shipped the CRM rollout #customer-first",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("first run: output lacks %q:\n%s", want, out)
		}
	}
	again := runConsoleT(t, vars, "/herald shoutout list\nshoutout top\n")
	for _, want := range []string{
		"@you → @anna, @ben: shipped the CRM rollout #customer-first",
		"1 shout-out this month.",
		"#customer-first · 1",
	} {
		if !strings.Contains(again, want) {
			t.Errorf("after restart: output lacks %q:\n%s", want, again)
		}
	}
}

func TestConsoleSpeaksGerman(t *testing.T) {
	vars := map[string]string{"HERALD_DATA_DIR": t.TempDir(), "HERALD_LANG": "de"}
	out := runConsoleT(t, vars, "hilfe\nshoutout @anna\ntanzen\nhilfe umfrage\n")
	for _, want := range []string{
		"herald-Konsole: du bist @you.",
		"herald hilft deiner Organisation",
		"Schreib dazu, was geleistet wurde",
		`"tanzen" kenne ich nicht.`,
		"Hilfe: umfrage",
		"In dieser Konsole: as @name <Befehl>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestConsoleOnRedis(t *testing.T) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("REDIS_URL not set; the embedded store is covered by TestConsoleShoutoutSurvivesARestart")
	}
	prefix := fmt.Sprintf("heraldtest:console:%d:", time.Now().UnixNano())
	vars := map[string]string{"REDIS_URL": url, "HERALD_REDIS_PREFIX": prefix}
	runConsoleT(t, vars, "shoutout @anna thanks for the demo\n")
	if out := runConsoleT(t, vars, "shoutout list\n"); !strings.Contains(out, "@you → @anna: thanks for the demo") {
		t.Errorf("second run lacks the shout-out:\n%s", out)
	}
}

func TestBadConfigurationStopsWithOneLine(t *testing.T) {
	tests := []struct {
		give map[string]string
		want string
	}{
		{map[string]string{"REDIS_URL": "http://localhost"}, `REDIS_URL "http://localhost" is not a redis:// or rediss:// URL`},
		{map[string]string{"HERALD_LANG": "fr"}, `HERALD_LANG "fr" is not one of en, de`},
		{map[string]string{"HERALD_TZ": "Mars/Olympus"}, `HERALD_TZ "Mars/Olympus" is not an IANA time zone`},
		{map[string]string{"HERALD_ANONYMITY_MIN": "0"}, `HERALD_ANONYMITY_MIN "0" must be a whole number of at least 3`},
		{map[string]string{"HERALD_ANONYMITY_MIN": "2"}, `HERALD_ANONYMITY_MIN "2" must be a whole number of at least 3: fewer answers cannot stay anonymous`},
		{map[string]string{"HERALD_LOG_FORMAT": "xml"}, `HERALD_LOG_FORMAT "xml" is not text or json`},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN set but SLACK_SIGNING_SECRET missing"},
		{map[string]string{"HERALD_WINS_CHANNEL": "slak:C0WINS"}, `HERALD_WINS_CHANNEL: "slak" in "slak:C0WINS" is not a platform: slack, teams or console`},
		{map[string]string{"HERALD_FEEDBACK_CHANNEL": "C0FEED,C1FEED"}, `HERALD_FEEDBACK_CHANNEL: "C0FEED" and "C1FEED" are both for every platform`},
		{map[string]string{"REDIS_URL": "redis://127.0.0.1:1"}, "redis unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			tt.give["HERALD_DATA_DIR"] = t.TempDir()
			var out, errs bytes.Buffer
			err := run(context.Background(), []string{"herald"}, env(tt.give), strings.NewReader("help\n"), &out, &errs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
			if out.Len() != 0 {
				t.Errorf("printed %q before failing, want nothing", out.String())
			}
		})
	}
}

func TestDotenvIsReadAndTheEnvironmentWins(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile(".env", []byte("HERALD_LANG=de\nHERALD_CONSOLE_USER=dora\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runConsoleT(t, map[string]string{"HERALD_CONSOLE_USER": "erik", "HERALD_DATA_DIR": dir}, "")
	if want := "herald-Konsole: du bist @erik."; !strings.Contains(out, want) {
		t.Errorf("got %q, want %q (German from .env, user from the environment)", out, want)
	}
}

// lineWriter collects log output and reports the address herald listens on.
type lineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
}

// String returns what was written so far.
func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

var listening = regexp.MustCompile(`msg="http listening" addr=(\S+)`)

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	sc := bufio.NewScanner(bytes.NewReader(p))
	for sc.Scan() {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			w.addr <- m[1]
		}
	}
	return len(p), nil
}

// MustServe runs herald as a server until the test ends and returns its base URL.
func MustServe(tb testing.TB, vars map[string]string) string {
	tb.Helper()
	return MustServeWithClock(tb, bot.SystemClock{}, vars)
}

// MustServeWithClock is MustServe with clock as herald's time.
func MustServeWithClock(tb testing.TB, clock bot.Clock, vars map[string]string) string {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lineWriter{addr: make(chan string, 1)}
	vars["HERALD_ADDR"] = "127.0.0.1:0"
	if vars["HERALD_DATA_DIR"] == "" {
		vars["HERALD_DATA_DIR"] = tb.TempDir()
	}
	if u := os.Getenv("REDIS_URL"); u != "" && vars["REDIS_URL"] == "" {
		vars["REDIS_URL"] = u
		vars["HERALD_REDIS_PREFIX"] = fmt.Sprintf("heraldtest:%s:%d:", tb.Name(), time.Now().UnixNano())
	}
	done := make(chan error, 1)
	go func() { done <- runWithClock(ctx, clock, []string{"herald"}, env(vars), nil, io.Discard, logs) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("herald stopped with %v, want a clean stop", err)
		}
	})
	select {
	case addr := <-logs.addr:
		return "http://" + addr
	case err := <-done:
		tb.Fatalf("herald stopped early: %v\n%s", err, logs.buf.String())
	case <-time.After(10 * time.Second):
		tb.Fatalf("herald did not listen within 10s:\n%s", logs.buf.String())
	}
	return ""
}

func TestServerHealthReadyMetricsAndBodyLimit(t *testing.T) {
	base := MustServe(t, map[string]string{
		"HERALD_DATA_DIR": t.TempDir(), "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
		"SLACK_API_URL": "http://127.0.0.1:1/api/",
	})
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/nope": 404} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: got %d, want %d", path, resp.StatusCode, want)
		}
	}
	big := bytes.Repeat([]byte("a"), 1<<20+1)
	resp, err := http.Post(base+"/slack/commands", "application/x-www-form-urlencoded", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MiB + 1 body: got %d, want 413", resp.StatusCode)
	}
}
