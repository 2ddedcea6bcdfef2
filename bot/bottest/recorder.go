package bottest

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// Recorder keeps what a fake platform received, in order, for tests to read
// and to wait for. Its zero value is ready to use; it is safe for concurrent
// use.
type Recorder[T any] struct {
	mu    sync.Mutex
	items []T
	// added is closed on the next Add, to wake waiters; nil until one waits.
	added chan struct{}
}

// Add records v and wakes every waiter.
func (r *Recorder[T]) Add(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items = append(r.items, v)
	if r.added != nil {
		close(r.added)
		r.added = nil
	}
}

// Filter returns the recorded items keep accepts, in order.
func (r *Recorder[T]) Filter(keep func(T) bool) []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(r.items), func(v T) bool { return !keep(v) })
}

// WaitFor waits until at least n recorded items are accepted by keep and
// returns them; it fails tb, naming what, when timeout passes first.
func (r *Recorder[T]) WaitFor(tb testing.TB, what string, keep func(T) bool, n int, timeout time.Duration) []T {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		count, added := r.count(keep)
		if count >= n {
			return r.Filter(keep)
		}
		select {
		case <-added:
		case <-deadline.C:
			tb.Fatalf("got %d %s within %v, want %d; everything recorded: %+v", count, what, timeout, n, r.Filter(func(T) bool { return true }))
			return nil
		}
	}
}

// count returns how many items keep accepts, without copying them, and a
// channel closed on the next Add.
func (r *Recorder[T]) count(keep func(T) bool) (int, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, v := range r.items {
		if keep(v) {
			n++
		}
	}
	if r.added == nil {
		r.added = make(chan struct{})
	}
	return n, r.added
}
