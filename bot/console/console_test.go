package console_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/console"
)

// recorder answers every request with a message holding two buttons and a
// rating, and keeps the requests it got.
type recorder struct {
	got   []bot.Request
	langs map[string]string // language by user id; English when missing
}

func (r *recorder) Catalog() *bot.Catalog {
	cat, err := bot.NewCatalog("en")
	if err != nil {
		panic(err)
	}
	return cat
}

func (r *recorder) Lang(_ context.Context, req bot.Request) string { return r.langs[req.User.ID] }

func (r *recorder) Handle(_ context.Context, req bot.Request) *bot.Message {
	r.got = append(r.got, req)
	return &bot.Message{
		Text:    bot.Plain("ok"),
		Buttons: []bot.Button{{Label: "Yes", Action: "t.yes", Value: "v1"}, {Label: "No", Action: "t.no", Value: "v2"}},
		Rating:  &bot.Rating{Action: "t.rate", Value: "r1|q1", Min: 0, Max: 10, MinLabel: "not at all", MaxLabel: "very"},
	}
}

func TestConsoleTurnsLinesIntoRequests(t *testing.T) {
	var out bytes.Buffer
	a := console.New(&out, "you", []string{"anna", "@ben", "anna"})
	h := &recorder{}
	input := strings.Join([]string{
		"shoutout @anna #wins great work!",
		"as @ben help",
		"click 3",
		"as @anna click 1 9",
		"click 1",
		"click 99",
		"click",
		"as nobody help",
	}, "\n")
	if err := a.Run(context.Background(), strings.NewReader(input), h); err != nil {
		t.Fatal(err)
	}
	if len(h.got) != 4 {
		t.Fatalf("got %d requests, want 4:\n%s", len(h.got), out.String())
	}
	first := h.got[0]
	if first.User.ID != "you" || first.Refs["@anna"].Kind != bot.UserRef || first.Refs["#wins"].Kind != bot.ChannelRef {
		t.Errorf("first request: got %+v, want you with @anna and #wins resolved", first)
	}
	if got := h.got[1].User.ID; got != "ben" {
		t.Errorf("as @ben: got user %s, want ben", got)
	}
	if a := h.got[2].Action; a == nil || a.Name != "t.no" || a.Value != "v2" {
		t.Errorf("click 3: got %+v, want t.no v2", a)
	}
	if a, u := h.got[3].Action, h.got[3].User.ID; a == nil || a.Name != "t.rate" || a.Value != "r1|q1|9" || u != "anna" {
		t.Errorf("as @anna click 1 9: got %+v by %s, want t.rate r1|q1|9 by anna", a, u)
	}
	for _, want := range []string{
		"[1: 0…10] 0 = not at all, 10 = very  (click 1 <number>)",
		"[2: Yes] [3: No]",
		"click N <number>: this button is a rating",
		h.Catalog().T("en", "console.click.none", 99, 12),
		h.Catalog().T("en", "console.click.usage"),
		h.Catalog().T("en", "console.as.usage"),
		h.Catalog().T("en", "console.help"), // after "as @ben help"
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	members, _ := a.Members(context.Background(), console.Ref(bot.ChannelRef, "team"))
	var ids []string
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	if got, want := strings.Join(ids, ","), "you,anna,ben"; got != want {
		t.Errorf("members: got %s, want %s", got, want)
	}
}

func TestConsolePrintsPosts(t *testing.T) {
	tests := []struct {
		name string
		give bot.Message
		want string
	}{
		{name: "a post with its channel", give: bot.Message{
			To:     console.Ref(bot.ChannelRef, "wins"),
			Header: "🎉 Shout-out",
			Text:   bot.Text{bot.Mention(console.Ref(bot.UserRef, "you")), bot.Str(" praised "), bot.Mention(console.Ref(bot.UserRef, "anna"))},
			Fields: []bot.Field{{Label: "Values", Value: bot.Plain("#teamwork")}},
		}, want: "[#wins] 🎉 Shout-out\n        @you praised @anna\n        Values: #teamwork\n\n"},
		{name: "labels that end a sentence get no colon", give: bot.Message{To: console.Ref(bot.UserRef, "you"), Fields: []bot.Field{
			{Label: "1. How clear is our goal?", Value: bot.Plain("Average 4.2 of 5")},
			{Label: "2. I can work the new way.", Value: bot.Plain("Average 3.0 of 5")},
		}}, want: "[@you] 1. How clear is our goal? Average 4.2 of 5\n       2. I can work the new way. Average 3.0 of 5\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := console.New(&out, "you", nil).Send(context.Background(), tt.give); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConsoleClickWaitsForAButtonOnItsWay(t *testing.T) {
	var out bytes.Buffer
	a := console.New(&out, "you", nil)
	in, typing := io.Pipe()
	h := &recorder{}
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background(), in, h) }()
	// The click is typed before the message with its button is delivered.
	clicked := make(chan struct{})
	go func() {
		_, _ = io.WriteString(typing, "click 1\n")
		close(clicked)
	}()
	<-clicked
	if err := a.Send(context.Background(), bot.Message{To: console.Ref(bot.ChannelRef, "general"), Text: bot.Plain("vote"),
		Buttons: []bot.Button{{Label: "Go", Action: "t.go", Value: "g"}}}); err != nil {
		t.Fatal(err)
	}
	_ = typing.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(h.got) != 1 || h.got[0].Action == nil || h.got[0].Action.Name != "t.go" {
		t.Errorf("got requests %+v, want the click on t.go:\n%s", h.got, out.String())
	}
}

func TestConsoleSavesChartsAndExports(t *testing.T) {
	var out bytes.Buffer
	dir := filepath.Join(t.TempDir(), "files")
	a := console.New(&out, "you", nil)
	a.SaveFilesIn(dir)
	h := &recorder{}
	if err := a.Run(context.Background(), strings.NewReader(""), h); err != nil { // sets the catalog
		t.Fatal(err)
	}
	err := a.Send(context.Background(), bot.Message{To: console.Ref(bot.UserRef, "you"), Text: bot.Plain("results"),
		Image: &bot.Image{PNG: []byte("png"), Alt: "Chart of P1"},
		File:  &bot.File{Name: "P1.1.csv", Type: "text/csv", Content: []byte("round,answer\n1,yes\n")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, content, key string }{
		{"chart-1.png", "png", "console.saved"},
		{"P1.1.csv", "round,answer\n1,yes\n", "console.saved.file"},
	} {
		path := filepath.Join(dir, f.name)
		if got, err := os.ReadFile(path); err != nil || string(got) != f.content {
			t.Errorf("%s: got %q, %v, want %q", path, got, err, f.content)
		}
		args := []any{path}
		if f.key == "console.saved" {
			args = []any{"Chart of P1", path}
		}
		if want := h.Catalog().T("en", f.key, args...); !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestConsoleSpeaksEachPersonsLanguage(t *testing.T) {
	var out bytes.Buffer
	a := console.New(&out, "you", []string{"anna"})
	h := &recorder{langs: map[string]string{"anna": "de"}}
	if err := a.Run(context.Background(), strings.NewReader("as @anna help\nas @anna click 99\nhelp\n"), h); err != nil {
		t.Fatal(err)
	}
	cat := h.Catalog()
	for _, want := range []string{
		cat.T("de", "console.help"),
		cat.T("de", "console.click.none", 99, 3),
		cat.T("en", "console.help"),
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
