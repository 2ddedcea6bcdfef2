package inbound_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot/internal/inbound"
)

// memo is a Deduper in memory that fails with err when it is set.
type memo struct {
	keys map[string]bool
	err  error
}

func (m *memo) FirstSeen(_ context.Context, key string, _ time.Duration) (bool, error) {
	if m.err != nil {
		return false, m.err
	}
	if m.keys[key] {
		return false, nil
	}
	m.keys[key] = true
	return true, nil
}

func TestEdgeFirstSeen(t *testing.T) {
	tests := []struct {
		name     string
		giveErr  error
		giveKeys []string
		want     []bool
		wantKeys []string // what the Deduper remembers
		wantLog  string
	}{
		{"new then replayed", nil, []string{"ev:1", "ev:2", "ev:1"}, []bool{true, true, false}, []string{"test:ev:1", "test:ev:2"}, "test: duplicate skipped"},
		{"empty key", nil, []string{"", ""}, []bool{true, true}, []string{}, ""},
		{"deduper down", errors.New("down"), []string{"ev:1", "ev:1"}, []bool{true, true}, []string{}, "test: dedupe unavailable; processing"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		seen := &memo{keys: map[string]bool{}, err: tt.giveErr}
		e := inbound.NewEdge("test", inbound.PoolConfig{}, 0, seen, slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})))
		got := []bool{}
		for _, k := range tt.giveKeys {
			got = append(got, e.FirstSeen(context.Background(), k, time.Minute))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
		if keys := slices.Sorted(maps.Keys(seen.keys)); !slices.Equal(keys, tt.wantKeys) {
			t.Errorf("%s: got %q remembered, want %q", tt.name, keys, tt.wantKeys)
		}
		if log := out.String(); !strings.Contains(log, tt.wantLog) || (tt.wantLog == "") != (log == "") {
			t.Errorf("%s: got log %q, want one with %q", tt.name, log, tt.wantLog)
		}
	}
}

// TestEdgeWithoutDeduper proves every request is new when nothing remembers.
func TestEdgeWithoutDeduper(t *testing.T) {
	e := inbound.NewEdge("test", inbound.PoolConfig{}, 0, nil, nil)
	for i := range 2 {
		if !e.FirstSeen(context.Background(), "ev:1", time.Minute) {
			t.Errorf("call %d: got false, want true", i+1)
		}
	}
}
