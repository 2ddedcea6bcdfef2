package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store/storetest"
)

func TestKeyMessageSendsAreRecordedOnce(t *testing.T) {
	st := storetest.MustStore(t)
	ctx := context.Background()
	anna := bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: "U1"}
	ben := bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: "U2"}
	now := time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
	k := &bot.KeyMessage{Space: anna.Space(), Schedule: "every day at 9:00", Zone: "UTC", Targets: []bot.Ref{anna, ben}, Created: now, Since: now}
	if err := st.AddKeyMessage(ctx, k); err != nil || k.ID != "1" {
		t.Fatalf("add: id %q, err %v; want id 1", k.ID, err)
	}
	send := bot.KeySend{ID: "100", Due: now, At: now, Posts: 2}
	for i, want := range []bool{true, false} {
		created, err := st.AddKeySend(ctx, k.Space, k.ID, send, []bot.Ref{anna, ben})
		if err != nil || created != want {
			t.Errorf("add send #%d: got %v, %v; want %v", i+1, created, err, want)
		}
	}
	if _, err := st.AckKeySend(ctx, k.Space, k.ID, "999", anna); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("ack of an unknown send: got %v, want ENOTFOUND", err)
	}
	stranger := bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: "U9"} // joined the channel later
	if _, err := st.AckKeySend(ctx, k.Space, k.ID, send.ID, stranger); err != nil {
		t.Fatalf("ack by someone outside the audience: %v", err)
	}
	for i, want := range []bool{true, false} {
		first, err := st.AckKeySend(ctx, k.Space, k.ID, send.ID, anna)
		if err != nil || first != want {
			t.Errorf("ack #%d: got %v, %v; want %v", i+1, first, err, want)
		}
	}
	steps := []struct {
		to   bot.Ref
		code string
	}{{anna, ""}, {ben, bot.EUNAVAILABLE}, {ben, ""}, {anna, ""}}
	for _, s := range steps {
		if err := st.RecordDelivery(ctx, k.Space, k.ID, send.ID, s.to, s.code); err != nil {
			t.Fatalf("record delivery: %v", err)
		}
	}
	reports, err := st.KeySends(ctx, k.Space, k.ID, 5, 10)
	if err != nil || len(reports) != 1 {
		t.Fatalf("sends: got %d, %v; want 1", len(reports), err)
	}
	r := reports[0]
	if r.Delivered != 2 || len(r.Failures) != 0 || r.Audience != 2 || r.Acked != 1 || len(r.Missing) != 1 || r.Missing[0].ID != "U2" {
		t.Errorf("got %+v, want 2 delivered, no failures, 1 of 2 acknowledged, U2 missing", r)
	}
}

func TestKeyMessageChangesBumpTheVersion(t *testing.T) {
	st := storetest.MustStore(t)
	ctx := context.Background()
	version := func() int64 {
		v, err := st.SchedulesVersion(ctx)
		if err != nil {
			t.Fatalf("schedules version: %v", err)
		}
		return v
	}
	k := &bot.KeyMessage{Space: "slack:T1", Schedule: "every day at 9:00", Zone: "UTC"}
	steps := []struct {
		name string
		do   func() error
		code string
	}{
		{"add", func() error { return st.AddKeyMessage(ctx, k) }, ""},
		{"pause", func() error { k.Paused = true; return st.UpdateKeyMessage(ctx, k) }, ""},
		{"delete", func() error { return st.DeleteKeyMessage(ctx, k.Space, k.ID) }, ""},
		{"delete again", func() error { return st.DeleteKeyMessage(ctx, k.Space, k.ID) }, bot.ENOTFOUND},
		{"update deleted", func() error { return st.UpdateKeyMessage(ctx, k) }, bot.ENOTFOUND},
	}
	for _, s := range steps {
		before := version()
		err := s.do()
		if bot.ErrorCode(err) != s.code {
			t.Errorf("%s: got %v, want code %q", s.name, err, s.code)
		}
		if bumped := version() > before; bumped != (s.code == "") {
			t.Errorf("%s: version bumped %v, want %v", s.name, bumped, s.code == "")
		}
	}
	all, err := st.AllKeyMessages(ctx)
	if err != nil || len(all) != 0 {
		t.Errorf("all: got %d, %v; want none", len(all), err)
	}
}
