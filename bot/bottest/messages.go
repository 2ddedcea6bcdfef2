package bottest

import (
	"context"
	"testing"

	"github.com/herald-chat/herald/bot"
)

// ResultsAnonymity returns the results of a pulse round asked with names
// (anonymous=no), split by audience, in which yes answered Yes and no
// answered No: a message every adapter's golden tests render.
func ResultsAnonymity(yes, no bot.Ref) bot.Message {
	return bot.Message{
		Ephemeral: true, Header: "📊 Results: Recommend us? (round P1.1)",
		Text: bot.Plain("Response rate: 13 of 15 (87%)"),
		Fields: []bot.Field{
			{Label: "By audience", Value: bot.Plain("#sales: eNPS +100 (6 answered)\nothers (#eng, #ops): eNPS -100 (7 answered)")},
			{Label: "Answers with names (anonymous=no)", Value: bot.Text{bot.Str("• "), bot.Mention(yes), bot.Str(": Yes"), bot.Str("\n• "), bot.Mention(no), bot.Str(": No")}},
		},
	}
}

// MustReply returns the real reply of a core speaking English, with stores
// in memory, to req; it fails the test when there is none.
func MustReply(tb testing.TB, req bot.Request) bot.Message {
	tb.Helper()
	b, err := bot.New(bot.Config{Lang: "en", Shoutouts: &Shoutouts{}, Outbox: &Messenger{}})
	if err != nil {
		tb.Fatal(err)
	}
	m := b.Handle(context.Background(), req)
	if m == nil {
		tb.Fatalf("%s: no reply", req.Text)
	}
	return *m
}
