package teams_test

import (
	"bytes"
	"encoding/base64"
	"flag"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/teams"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func catalogT(t *testing.T) func(string, ...any) string {
	t.Helper()
	cat, err := bot.NewCatalog("en")
	if err != nil {
		t.Fatal(err)
	}
	return func(key string, args ...any) string { return cat.T("", key, args...) }
}

// coreReply is the core's real reply to text from a Teams user.
func coreReply(t *testing.T, text string) bot.Message {
	t.Helper()
	user := bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: "T", ID: "29:a", Name: "Anna"}
	return bottest.MustReply(t, bot.Request{User: user, Channel: user.Same(bot.ChannelRef, "a:1", ""), Text: text})
}

func TestCardGolden(t *testing.T) {
	tenant := bot.Ref{Platform: bot.Teams, Workspace: "11111111-2222-3333-4444-555555555555"}
	anna := tenant.Same(bot.UserRef, "29:1aBcD", "Anna Example")
	ben := tenant.Same(bot.UserRef, "29:2eFgH", "Ben")
	wins := tenant.Same(bot.ChannelRef, "19:wins@thread.tacv2", "wins")
	png := pngOf(t, 40, 20)
	tests := []struct {
		name string
		give bot.Message
	}{
		{"shoutout", bot.Message{
			To: wins, Header: "🎉 Shout-out",
			Text:     bot.Text{bot.Mention(anna), bot.Str(" praised "), bot.Mention(ben), bot.Str("\nshipped the CRM rollout")},
			Fields:   []bot.Field{{Label: "Values", Value: bot.Plain("#customer-first #ownership")}},
			Fallback: "@Anna Example praised @Ben",
		}},
		{"help", coreReply(t, "help")},
		{"privacy", coreReply(t, "privacy")},
		{"results-anonymity", bottest.ResultsAnonymity(anna, ben)},
		{"keymsg", bot.Message{
			To: wins, Header: "📣 Key message",
			Text:    bot.Text{bot.Bold("Please read:"), bot.Str(" the new travel policy applies from 1 December.")},
			Buttons: []bot.Button{{Label: "Got it", Action: "keymsg.ack", Value: "1|100", Style: "primary"}},
			Context: "Key message 1 · every monday at 9:00",
		}},
		{"pulse-dm", bot.Message{
			To: ben, Header: "📊 Pulse",
			Text:    bot.Plain("How likely are you to recommend working here?"),
			Rating:  &bot.Rating{Action: "pulse.answer", Value: "P1|1|0", Min: 0, Max: 10, MinLabel: "Not at all likely", MaxLabel: "Extremely likely"},
			Context: "Anonymous: results show once at least 5 people have answered.",
		}},
		{"results", bot.Message{
			Ephemeral: true, Header: "Results of P1",
			Text:   bot.Plain("Response rate: 6 of 8 (75%)\neNPS: +17"),
			Fields: []bot.Field{{Label: "Promoters", Value: bot.Plain("3")}, {Label: "Detractors", Value: bot.Plain("2")}},
			Image:  &bot.Image{PNG: png, Alt: "eNPS by round"},
		}},
		{"export", bot.Message{
			Ephemeral: true, Text: bot.Plain("Export of P1"),
			File: &bot.File{Name: "P1.csv", Type: "text/csv", Content: []byte("round,q1\n1,9\n1,*bold*\n")},
		}},
		{"escaped", bot.Message{
			To: wins, Header: "**Header** <at>CEO</at>",
			Text:    bot.Text{bot.Mention(ben), bot.Str(" wrote [click me](https://evil.example) <at>CEO</at> _x_ ~y~ `z`\n- not a list\n1. not numbered\n# not a heading")},
			Fields:  []bot.Field{{Label: "[label](https://evil.example)", Value: bot.Plain("*v*")}},
			Buttons: []bot.Button{{Label: "[b](https://x)", Action: "a", Value: "v"}},
			Context: "<at>everyone</at>",
		}},
	}
	tr := catalogT(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bottest.Golden(t, "card-"+tt.name, append(teams.CardJSON(tt.give, tr), '\n'), *update)
		})
	}
}

func TestCardTooLargeFileBecomesNote(t *testing.T) {
	tr := catalogT(t)
	m := bot.Message{File: &bot.File{Name: "P1.csv", Content: bytes.Repeat([]byte("1,2\n"), 50<<10)}}
	got := string(teams.CardJSON(m, tr))
	if want := tr("teams.file.toolarge", "P1.csv"); !strings.Contains(got, want) {
		t.Errorf("card lacks %q:\n%s", want, got)
	}
	if len(got) > 4<<10 {
		t.Errorf("card carries the large file (%d bytes)", len(got))
	}
}

// TestCardShrinksTooLargeChart: a chart too large to embed is shown smaller,
// with its palette and its proportions, never left out.
func TestCardShrinksTooLargeChart(t *testing.T) {
	give := noisyPNG(t, 960, 400) // about 96 KB
	card := teams.Card(bot.Message{Image: &bot.Image{PNG: give, Alt: "chart"}}, catalogT(t))
	var url string
	for _, e := range card.Body {
		if e["type"] == "Image" {
			url, _ = e["url"].(string)
		}
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(url, "data:image/png;base64,"))
	if err != nil || url == "" {
		t.Fatalf("card: got image %.40q (%v), want the chart as a data URI", url, err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if len(data) > 16<<10 || w >= 960 || w < 200 || w*10/h != 24 {
		t.Errorf("got a %d-byte %dx%d PNG, want at most 16 KB, smaller than 960x400, same proportions", len(data), w, h)
	}
	if _, ok := img.(*image.Paletted); !ok {
		t.Errorf("got a %T, want the chart's palette kept", img)
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		give bot.Message
		want string
	}{
		{bot.Message{Fallback: "fb", Header: "h"}, "fb"},
		{bot.Message{Header: "h", Text: bot.Plain("t")}, "h"},
		{bot.Message{Text: bot.Plain("first line\nsecond")}, "first line"},
		// Cut by characters, not bytes.
		{bot.Message{Text: bot.Plain(strings.Repeat("ä", 150))}, strings.Repeat("ä", 150)},
		{bot.Message{Text: bot.Plain(strings.Repeat("ä", 250))}, strings.Repeat("ä", 199) + "…"},
	}
	for _, tt := range tests {
		if got := teams.Summary(tt.give); got != tt.want {
			t.Errorf("Summary(%+v): got %q, want %q", tt.give, got, tt.want)
		}
	}
}
