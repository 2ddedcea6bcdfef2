package inbound_test

import (
	"testing"
	"time"

	"github.com/herald-chat/herald/bot/internal/inbound"
)

func TestSampler(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s := inbound.Sampler{Every: 10 * time.Second, Now: func() time.Time { return now }}
	steps := []struct {
		after       time.Duration
		wantOK      bool
		wantDropped int
	}{
		{0, true, 0},
		{time.Second, false, 0},
		{time.Second, false, 0},
		{10 * time.Second, true, 2},
		{9 * time.Second, false, 0},
		{time.Second, true, 1},
	}
	for i, st := range steps {
		now = now.Add(st.after)
		ok, dropped := s.Allow()
		if ok != st.wantOK || dropped != st.wantDropped {
			t.Errorf("step %d: got %v, %d; want %v, %d", i+1, ok, dropped, st.wantOK, st.wantDropped)
		}
	}
}
