package main

import (
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer safe for the console's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConsoleKeyMessageFlow(t *testing.T) {
	in, typing := io.Pipe()
	out := &syncBuffer{}
	vars := map[string]string{"HERALD_DATA_DIR": t.TempDir(), "HERALD_LOG_LEVEL": "error"}
	done := make(chan error, 1)
	go func() { done <- run(context.Background(), []string{"herald"}, env(vars), in, out, io.Discard) }()
	expect := func(line string, want *regexp.Regexp) []string {
		t.Helper()
		if line != "" {
			if _, err := io.WriteString(typing, line+"\n"); err != nil {
				t.Fatalf("type %q: %v", line, err)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if m := want.FindStringSubmatch(out.String()); m != nil {
				return m
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("after %q: output has no %s:\n%s", line, want, out.String())
		return nil
	}
	expect(`keymsg add "every day at 2:30 Europe/Berlin" #general @anna Town hall on Friday`, regexp.MustCompile(`Key message 1 is scheduled`))
	expect("keymsg preview 1", regexp.MustCompile(`Next sends of 1\n(• \w{3} \d{4}-\d\d-\d\d 0[23]:\d\d CES?T\n){5}`))
	m := expect("keymsg send 1", regexp.MustCompile(`\[@anna\] 📣 Key message\n\s+Town hall on Friday\n\s+\[(\d+): ✅ I've shared this with my team\]`))
	expect("as @anna click "+m[1], regexp.MustCompile(`We noted that you shared this with your team`))
	expect("keymsg show 1", regexp.MustCompile(`sent by hand · delivered 2 of 2 · acknowledged 1 of \d+`))
	typing.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after input ended")
	}
}

func TestConfigOfSchedulesAndDigest(t *testing.T) {
	tests := []struct {
		give    map[string]string
		wantErr string
	}{
		{map[string]string{"HERALD_CATCHUP_GRACE": "90m"}, ""},
		{map[string]string{"HERALD_CATCHUP_GRACE": "soon"}, `HERALD_CATCHUP_GRACE "soon" is not a duration`},
		{map[string]string{"HERALD_EXECUTIVES": "anna, slack:T1:U2"}, ""},
		{map[string]string{"HERALD_EXECUTIVES": "slack:U2"}, `HERALD_EXECUTIVES: "slack:U2" is not platform:workspace:user`},
	}
	for _, tt := range tests {
		_, err := loadConfig(env(tt.give))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if (tt.wantErr == "") != (got == "") || !strings.Contains(got, tt.wantErr) {
			t.Errorf("%v: got %q, want %q", tt.give, got, tt.wantErr)
		}
	}
	cfg, err := loadConfig(env(map[string]string{"HERALD_EXECUTIVES": "anna,slack:T1:U2", "HERALD_CATCHUP_GRACE": "90m"}))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if len(cfg.Executives) != 2 || cfg.Executives[0].Key() != "console:local:user:anna" || cfg.Executives[1].Key() != "slack:T1:user:U2" {
		t.Errorf("got executives %v, want console anna and slack U2", cfg.Executives)
	}
	if cfg.CatchupGrace != 90*time.Minute {
		t.Errorf("got grace %s, want 1h30m", cfg.CatchupGrace)
	}
	err = run(context.Background(), []string{"herald"}, env(map[string]string{"HERALD_DATA_DIR": t.TempDir(), "HERALD_DIGEST_SCHEDULE": "every blue moon"}), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `digest schedule "every blue moon": `) {
		t.Errorf("bad digest schedule: got %v, want a clear error", err)
	}
}
