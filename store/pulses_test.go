package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store/storetest"
)

func TestRecordAnswerStatuses(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustStore(t)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := &bot.Pulse{Space: "slack:T1", Title: "Q", Questions: []bot.Question{{Text: "Q", Type: bot.QNPS}}, Anonymous: true}
	if err := s.CreatePulse(ctx, p); err != nil {
		t.Fatalf("create: %v", err)
	}
	r := bot.Round{Pulse: p.ID, N: 1, Opened: at, Closes: at.Add(time.Hour), Invited: 250, Salt: "s"}
	var inv []bot.Invitee
	for i := range 250 {
		inv = append(inv, bot.Invitee{Who: hash(i), Segment: i % 3})
	}
	if err := s.OpenRound(ctx, p, r, inv); err != nil {
		t.Fatalf("open: %v", err)
	}
	answer := func(who string) bot.Answer {
		return bot.Answer{Space: p.Space, Pulse: p.ID, Round: 1, Question: 1, Questions: 1, Invited: 250, Who: who, Value: "9"}
	}
	tests := []struct {
		name     string
		give     bot.Answer
		close    bool
		want     bot.AnswerStatus
		wantBits uint64
	}{
		{name: "first", give: answer(hash(7)), want: bot.Recorded, wantBits: 1},
		{name: "again", give: answer(hash(7)), want: bot.Duplicate, wantBits: 1},
		{name: "other bucket", give: answer(hash(200)), want: bot.Recorded, wantBits: 1},
		{name: "not invited", give: answer("ffffffffffffffff"), want: bot.NotInvited},
		{name: "after close", give: answer(hash(8)), close: true, want: bot.RoundShut},
	}
	for _, tt := range tests {
		if tt.close {
			ans, err := s.Answered(ctx, p.Space, p.ID, 1, []string{hash(7), hash(8), "ffffffffffffffff"})
			if err != nil {
				t.Fatalf("answered: %v", err)
			}
			if len(ans) != 2 || ans[hash(7)] != 1 || ans[hash(8)] != 0 {
				t.Errorf("got answered %v, want 7 → 1, 8 → 0, the stranger missing", ans)
			}
			if closed, err := s.CloseRound(ctx, p.Space, p.ID, 1, 5); err != nil || !closed {
				t.Fatalf("close: %v, %v", closed, err)
			}
		}
		got, bits, err := s.RecordAnswer(ctx, tt.give)
		if err != nil || got != tt.want || bits != tt.wantBits {
			t.Errorf("%s: got %v bits %b err %v, want %v bits %b", tt.name, got, bits, err, tt.want, tt.wantBits)
		}
	}
	// Closing deleted who was asked.
	ans, err := s.Answered(ctx, p.Space, p.ID, 1, []string{hash(7), hash(8)})
	if err != nil || len(ans) != 0 {
		t.Errorf("got answered %v, %v after close, want nothing", ans, err)
	}
	tally, err := s.Tally(ctx, p.Space, p.ID, 1)
	if err != nil {
		t.Fatalf("tally: %v", err)
	}
	seg7, seg200 := 7%3, 200%3
	if tally.Respondents != 2 || tally.Invited != 250 || tally.SegRespondents[seg7] != 1 || tally.SegRespondents[seg200] != 1 ||
		tally.Counts[bot.TallyKey{Question: 1, Segment: seg7, Value: "9"}] != 1 {
		t.Errorf("got tally %+v, want 2 respondents of 250 in segments %d and %d", tally, seg7, seg200)
	}
	if closed, _ := s.CloseRound(ctx, p.Space, p.ID, 1, 5); closed {
		t.Error("closing twice reported a close")
	}
	due, err := s.DueRounds(ctx, at.Add(2*time.Hour))
	if err != nil || len(due) != 0 {
		t.Errorf("got due rounds %v, %v after close, want none", due, err)
	}
}

// hash returns a respondent hash for test invitee i.
func hash(i int) string {
	const hex = "0123456789abcdef"
	b := []byte("0000000000000000")
	for j := 15; i > 0; j-- {
		b[j] = hex[i%16]
		i /= 16
	}
	// Spread the buckets: the bucket is taken from the first 8 hex digits.
	copy(b[:8], b[8:])
	return string(b)
}

func TestOpeningARoundBumpsTheSchedulesVersion(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustStore(t)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := &bot.Pulse{Space: "slack:T1", Title: "Q", Questions: []bot.Question{{Text: "Q", Type: bot.QNPS}}, Anonymous: true}
	if err := s.CreatePulse(ctx, p); err != nil {
		t.Fatalf("create: %v", err)
	}
	before, err := s.SchedulesVersion(ctx)
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	r := bot.Round{Pulse: p.ID, N: 1, Opened: at, Closes: at.Add(time.Hour), Invited: 1, Salt: "s"}
	if err := s.OpenRound(ctx, p, r, []bot.Invitee{{Who: hash(1)}}); err != nil {
		t.Fatalf("open: %v", err)
	}
	after, err := s.SchedulesVersion(ctx)
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	if after <= before {
		t.Errorf("got version %d after opening a round, want more than %d: its reminder and close are scheduled runs", after, before)
	}
}

func TestCloseRoundKeepsPartialTuplesFromTheMinimumOn(t *testing.T) {
	tests := []struct {
		give int // people who answered the first of two questions only
		want int // partial tuples kept
	}{
		{give: 2, want: 0},
		{give: 3, want: 3},
	}
	for _, tt := range tests {
		ctx := context.Background()
		s := storetest.MustStore(t)
		at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		p := &bot.Pulse{Space: "slack:T1", Title: "Q", Anonymous: true,
			Questions: []bot.Question{{Text: "Can", Type: bot.QScale5}, {Text: "Want", Type: bot.QScale5}}}
		if err := s.CreatePulse(ctx, p); err != nil {
			t.Fatalf("create: %v", err)
		}
		r := bot.Round{Pulse: p.ID, N: 1, Opened: at, Closes: at.Add(time.Hour), Invited: 5, Salt: "s"}
		var inv []bot.Invitee
		for i := range 5 {
			inv = append(inv, bot.Invitee{Who: hash(i), Segment: 0})
		}
		if err := s.OpenRound(ctx, p, r, inv); err != nil {
			t.Fatalf("open: %v", err)
		}
		for i := range tt.give {
			a := bot.Answer{Space: p.Space, Pulse: p.ID, Round: 1, Question: 1, Questions: 2, Invited: 5, Who: hash(i), Value: "4"}
			if _, _, err := s.RecordAnswer(ctx, a); err != nil {
				t.Fatalf("answer: %v", err)
			}
		}
		if _, err := s.CloseRound(ctx, p.Space, p.ID, 1, 3); err != nil {
			t.Fatalf("close: %v", err)
		}
		tally, err := s.Tally(ctx, p.Space, p.ID, 1)
		if err != nil {
			t.Fatalf("tally: %v", err)
		}
		got := 0
		for _, tu := range tally.Tuples {
			got += tu.N
		}
		if got != tt.want || tally.Counts[bot.TallyKey{Question: 1, Segment: 0, Value: "4"}] != tt.give {
			t.Errorf("%d partial: got %d tuples and counts %v, want %d tuples and every answer counted", tt.give, got, tally.Counts, tt.want)
		}
	}
}
