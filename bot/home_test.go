package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
)

func TestHome(t *testing.T) {
	ctx := context.Background()
	user := func(id string) bot.Ref {
		return bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: id, Name: id}
	}
	shouts := &bottest.Shoutouts{}
	b, err := bot.New(bot.Config{
		Shoutouts: shouts, Outbox: &bottest.Messenger{},
		Clock: bottest.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)),
		Lang:  "en",
	})
	if err != nil {
		t.Fatal(err)
	}
	channel := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: "T1", ID: "C1"}
	b.Handle(ctx, bot.Request{User: user("anna"), Channel: channel, Text: "shoutout <@ben> fixed the build", Refs: map[string]bot.Ref{"<@ben>": user("ben")}})

	tests := []struct {
		give string
		want []string
	}{
		{give: "newbie", want: []string{"Shout-outs you received\nNone yet.", "Shout-outs you gave\nNone yet."}},
		{give: "ben", want: []string{"Shout-outs you received\n• Nov 2 @anna: fixed the build", "Shout-outs you gave\nNone yet."}},
		{give: "anna", want: []string{"Shout-outs you received\nNone yet.", "Shout-outs you gave\n• Nov 2 → @ben: fixed the build"}},
	}
	for _, tt := range tests {
		m, err := b.Home(ctx, user(tt.give))
		if err != nil {
			t.Fatalf("Home(%s): %v", tt.give, err)
		}
		got := m.Text.String()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Home(%s): got %q, want it to contain %q", tt.give, got, w)
			}
		}
		if m.Header != "Your herald" {
			t.Errorf("Home(%s) header: got %q, want %q", tt.give, m.Header, "Your herald")
		}
	}
	shouts.Err = bot.Unavailable("err.unavailable", context.DeadlineExceeded)
	if _, err := b.Home(ctx, user("ben")); bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Errorf("Home with the store down: got %v, want %s", err, bot.EUNAVAILABLE)
	}
}
