package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

func TestDeletePulseLeavesNoKey(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := storetest.MustRedis(t)
	s := store.New(rdb, prefix)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := &bot.Pulse{Space: "slack:T1", Title: "Q", Every: "every monday at 9:00", Anonymous: true,
		Questions: []bot.Question{{Text: "Q", Type: bot.QScale5}, {Text: "Why?", Type: bot.QText}}}
	if err := s.CreatePulse(ctx, p); err != nil {
		t.Fatalf("create: %v", err)
	}
	for n := 1; n <= 2; n++ {
		r := bot.Round{Pulse: p.ID, N: n, Opened: at, Closes: at.Add(time.Hour), Invited: 2, Salt: "s"}
		if err := s.OpenRound(ctx, p, r, []bot.Invitee{{Who: hash(1)}, {Who: hash(2)}}); err != nil {
			t.Fatalf("open: %v", err)
		}
		for q, v := range []string{"4", "more time"} {
			a := bot.Answer{Space: p.Space, Pulse: p.ID, Round: n, Question: q + 1, Questions: 2, Invited: 2, Who: hash(1), Value: v, Text: q == 1}
			if _, _, err := s.RecordAnswer(ctx, a); err != nil {
				t.Fatalf("answer: %v", err)
			}
		}
	}
	g := &bot.Goal{Space: p.Space, Name: "G", Metric: bot.MetricShoutouts, Target: 5}
	if err := s.AddGoal(ctx, g); err != nil {
		t.Fatalf("add goal: %v", err)
	}
	if err := s.DeletePulse(ctx, p.Space, p.ID); err != nil {
		t.Fatalf("delete pulse: %v", err)
	}
	if err := s.DeleteGoal(ctx, g.Space, g.ID); err != nil {
		t.Fatalf("delete goal: %v", err)
	}
	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		switch k {
		case prefix + "{slack:T1}:pulse:seq", prefix + "{slack:T1}:goal:seq", prefix + "schedules:version": // ids are not reused; schedulers were told
		default:
			t.Errorf("key %s is left after deleting the pulse and the goal", k)
		}
	}
	if recurring, err := s.RecurringPulses(ctx); err != nil || len(recurring) != 0 {
		t.Errorf("got recurring %v, %v, want none", recurring, err)
	}
	for _, err := range []error{s.DeletePulse(ctx, p.Space, p.ID), s.DeleteGoal(ctx, g.Space, g.ID)} {
		if bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("delete again: got %v, want ENOTFOUND", err)
		}
	}
}
