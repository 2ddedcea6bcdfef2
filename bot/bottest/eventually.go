package bottest

import (
	"testing"
	"time"
)

// pollEvery is how often Eventually looks at its condition.
const pollEvery = 10 * time.Millisecond

// Eventually polls cond until it holds or timeout passes, and reports whether
// it held. Callers fail with their own message, which says what was awaited:
//
//	if !bottest.Eventually(t, 10*time.Second, func() bool { return p.Total() >= 3 }) {
//		t.Fatalf("got %d messages, want 3", p.Total())
//	}
func Eventually(tb testing.TB, timeout time.Duration, cond func() bool) bool {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollEvery)
	}
	return true
}
