package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// resend sends every script call twice, as a client does that lost the
// answer of the first (a read timeout) after Redis applied it.
type resend struct{}

func (resend) DialHook(next redis.DialHook) redis.DialHook { return next }
func (resend) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if name := cmd.Name(); name == "evalsha" || name == "eval" {
			if err := next(ctx, cmd); err != nil {
				return err
			}
		}
		return next(ctx, cmd)
	}
}
func (resend) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func TestAnAnswerSentTwiceByTheClientIsRecordedOnce(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := storetest.MustRedis(t)
	s := store.New(rdb, prefix)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := &bot.Pulse{Space: "slack:T1", Title: "Q", Questions: []bot.Question{{Text: "Q", Type: bot.QNPS}}, Anonymous: true}
	if err := s.CreatePulse(ctx, p); err != nil {
		t.Fatalf("create: %v", err)
	}
	r := bot.Round{Pulse: p.ID, N: 1, Opened: at, Closes: at.Add(time.Hour), Invited: 10, Salt: "s"}
	var inv []bot.Invitee
	for i := range 10 {
		inv = append(inv, bot.Invitee{Who: hash(i), Segment: 0})
	}
	if err := s.OpenRound(ctx, p, r, inv); err != nil {
		t.Fatalf("open: %v", err)
	}
	rdb.AddHook(resend{})
	answer := bot.Answer{Space: p.Space, Pulse: p.ID, Round: 1, Question: 1, Questions: 1, Invited: 10, Who: hash(3), Value: "9"}
	if got, _, err := s.RecordAnswer(ctx, answer); err != nil || got != bot.Recorded {
		t.Errorf("first click, sent twice: got %v (%v), want recorded", got, err)
	}
	if got, _, err := s.RecordAnswer(ctx, answer); err != nil || got != bot.Duplicate {
		t.Errorf("second click: got %v (%v), want duplicate", got, err)
	}
	tally, err := s.Tally(ctx, p.Space, p.ID, 1)
	if err != nil {
		t.Fatalf("tally: %v", err)
	}
	if tally.Respondents != 1 {
		t.Errorf("got %d respondents, want 1", tally.Respondents)
	}
}
