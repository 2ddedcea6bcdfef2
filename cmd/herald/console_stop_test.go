package main

import (
	"context"
	"io"
	"regexp"
	"testing"
)

// A stop by signal (the context ends) is a clean stop: run returns nil, so
// herald exits 0, whether idle or with work in the queue.
func TestConsoleStopsCleanlyOnASignal(t *testing.T) {
	for _, give := range []string{"", "keymsg add \"every day at 9:00\" #general Hello"} {
		t.Run(give, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			in, typing := io.Pipe()
			defer typing.Close()
			c := &consoleSession{t: t, typing: typing, out: &syncBuffer{}, done: make(chan error, 1)}
			go func() {
				c.done <- run(ctx, []string{"herald"}, env(map[string]string{"HERALD_DATA_DIR": t.TempDir()}), in, c.out, io.Discard)
			}()
			c.waitFrom(0, regexp.MustCompile(`herald console`))
			if give != "" {
				c.expect(give, regexp.MustCompile(`K1`))
			}
			cancel()
			if err := <-c.done; err != nil {
				t.Errorf("run after a signal: got %v, want nil (exit 0)", err)
			}
		})
	}
}
