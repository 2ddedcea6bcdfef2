// Command herald runs the herald chatbot: in the console when no chat platform
// is configured, else as an HTTP server for Slack and Teams. The README lists
// its commands and configuration.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // IANA zones on machines without a zoneinfo database
)

func main() {
	if os.Getenv("GOGC") == "" {
		// herald's live heap is a few MB and its requests allocate briskly:
		// collecting at 200 % growth instead of Go's 100 % costs a few MB and
		// saves about a tenth of the CPU of a request (13 % more signed
		// commands a second, p99 12 % lower, in scripts/bench-peers.sh).
		// GOGC, when set, and GOMEMLIMIT still rule.
		debug.SetGCPercent(200)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "herald:", err)
		os.Exit(1)
	}
}
