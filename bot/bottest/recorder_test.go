package bottest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot/bottest"
)

func TestRecorderWaitForWakesEveryWaiter(t *testing.T) {
	var r bottest.Recorder[int]
	even := func(v int) bool { return v%2 == 0 }
	got := make(chan []int, 2)
	for range 2 {
		go func() { got <- r.WaitFor(t, "even numbers", even, 2, time.Minute) }()
	}
	for v := range 5 {
		r.Add(v)
	}
	for range 2 {
		if g := <-got; len(g) < 2 || !slices.IsSorted(g) || !even(g[0]) || !even(g[1]) {
			t.Errorf("got %v, want at least two even numbers in order", g)
		}
	}
	if g := r.Filter(even); !slices.Equal(g, []int{0, 2, 4}) {
		t.Errorf("Filter: got %v, want [0 2 4]", g)
	}
}
