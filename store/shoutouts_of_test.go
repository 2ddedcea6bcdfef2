package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store/storetest"
)

func TestShoutoutsOf(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustStore(t)
	ref := func(id string) bot.Ref {
		return bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: id}
	}
	at := time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)
	add := func(author string, to []string, text string, d time.Duration) {
		t.Helper()
		sh := &bot.Shoutout{Author: ref(author), Text: bot.Plain(text), At: at.Add(d), Month: bot.MonthOf(at.Add(d), time.UTC)}
		for _, id := range to {
			sh.Recipients = append(sh.Recipients, ref(id))
		}
		if err := s.AddShoutout(ctx, sh, nil); err != nil {
			t.Fatalf("AddShoutout: %v", err)
		}
	}
	add("U1", []string{"U2"}, "october", 0)
	add("U2", []string{"U1", "U3"}, "november", 2*time.Hour) // next month
	add("U1", []string{"U3"}, "newest", 3*time.Hour)

	texts := func(list []bot.Shoutout) []string {
		var out []string
		for _, sh := range list {
			out = append(out, sh.Text.String())
		}
		return out
	}
	tests := []struct {
		give               string
		limit              int
		wantRecv, wantGive []string
	}{
		{give: "U1", limit: 5, wantRecv: []string{"november"}, wantGive: []string{"newest", "october"}},
		{give: "U3", limit: 5, wantRecv: []string{"newest", "november"}, wantGive: nil},
		{give: "U1", limit: 1, wantRecv: []string{"november"}, wantGive: []string{"newest"}},
		{give: "U9", limit: 5, wantRecv: nil, wantGive: nil},
	}
	for _, tt := range tests {
		recv, given, err := s.ShoutoutsOf(ctx, ref(tt.give), tt.limit)
		if err != nil {
			t.Fatalf("ShoutoutsOf(%s): %v", tt.give, err)
		}
		if got := texts(recv); !slices.Equal(got, tt.wantRecv) {
			t.Errorf("received by %s (limit %d): got %q, want %q", tt.give, tt.limit, got, tt.wantRecv)
		}
		if got := texts(given); !slices.Equal(got, tt.wantGive) {
			t.Errorf("given by %s (limit %d): got %q, want %q", tt.give, tt.limit, got, tt.wantGive)
		}
	}
}

func TestFirstSeen(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustStore(t)
	for i, want := range []bool{true, false, false} {
		got, err := s.FirstSeen(ctx, "slack:Ev1", time.Minute)
		if err != nil {
			t.Fatalf("FirstSeen: %v", err)
		}
		if got != want {
			t.Errorf("call %d: got %v, want %v", i+1, got, want)
		}
	}
	if got, _ := s.FirstSeen(ctx, "slack:Ev2", time.Minute); !got {
		t.Errorf("other key: got false, want true")
	}
}
