package main

import (
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot/bottest"
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

// consoleSession is herald in console mode with a person typing into it.
type consoleSession struct {
	t      *testing.T
	typing *io.PipeWriter
	out    *syncBuffer
	done   chan error
}

// startConsole runs herald in console mode until the test ends.
func startConsole(t *testing.T, vars map[string]string) *consoleSession {
	t.Helper()
	in, typing := io.Pipe()
	c := &consoleSession{t: t, typing: typing, out: &syncBuffer{}, done: make(chan error, 1)}
	go func() { c.done <- run(context.Background(), []string{"herald"}, env(vars), in, c.out, io.Discard) }()
	t.Cleanup(func() { c.stop() })
	return c
}

// mark is how much herald has printed so far.
func (c *consoleSession) mark() int { return len(c.out.String()) }

// expect types line and waits until what herald prints after it matches want;
// it returns the submatches.
func (c *consoleSession) expect(line string, want *regexp.Regexp) []string {
	c.t.Helper()
	mark := c.mark()
	if _, err := io.WriteString(c.typing, line+"\n"); err != nil {
		c.t.Fatalf("type %q: %v", line, err)
	}
	return c.waitFrom(mark, want)
}

// waitFrom waits until what herald printed since mark matches want.
func (c *consoleSession) waitFrom(mark int, want *regexp.Regexp) []string {
	c.t.Helper()
	line := "(output since mark)"
	var m []string
	if bottest.Eventually(c.t, 10*time.Second, func() bool {
		m = want.FindStringSubmatch(c.out.String()[mark:])
		return m != nil
	}) {
		return m
	}
	c.t.Fatalf("after %q: output has no %s:\n%s", line, want, c.out.String()[mark:])
	return nil
}

// stop ends the input and waits for herald to stop cleanly.
func (c *consoleSession) stop() {
	c.t.Helper()
	c.typing.Close()
	select {
	case err := <-c.done:
		if err != nil {
			c.t.Errorf("run: %v", err)
		}
		c.done <- nil // a second stop returns at once
	case <-time.After(15 * time.Second):
		c.t.Fatal("run did not return after input ended")
	}
}

func TestConsoleKeyMessageFlow(t *testing.T) {
	c := startConsole(t, map[string]string{"HERALD_DATA_DIR": t.TempDir(), "HERALD_LOG_LEVEL": "error"})
	c.expect(`keymsg add "every day at 2:30 Europe/Berlin" #general @anna Town hall on Friday`, regexp.MustCompile(`Key message K1 is scheduled`))
	c.expect("keymsg preview K1", regexp.MustCompile(`Next sends of key message K1\n(• \w{3} \d{4}-\d\d-\d\d 0[23]:\d\d CES?T\n){5}`))
	m := c.expect("keymsg send 1", regexp.MustCompile(`\[@anna\] 📣 Key message\n\s+Town hall on Friday\n\s+\[(\d+): ✅ I've shared this with my team\]`))
	c.expect("as @anna click "+m[1], regexp.MustCompile(`We noted that you shared this with your team`))
	c.expect("keymsg show 1", regexp.MustCompile(`sent by hand · delivered 2 of 2 · acknowledged 1 of \d+`))
	c.stop()
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
