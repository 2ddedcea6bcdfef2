package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
)

// stub is a core for rendering tests: it knows the texts and nothing else.
type stub struct{ cat *bot.Catalog }

func (s stub) Handle(context.Context, bot.Request) *bot.Message { return nil }
func (s stub) Home(context.Context, bot.Ref) (bot.Message, error) {
	return bot.Message{}, nil
}
func (s stub) Catalog() *bot.Catalog        { return s.cat }
func (s stub) Check(bot.Request) *bot.Error { return nil }

func TestModalGolden(t *testing.T) {
	for _, lang := range []string{"en", "de"} {
		cat, err := bot.NewCatalog(lang)
		if err != nil {
			t.Fatal(err)
		}
		a := New(Config{Handler: stub{cat}})
		user := base("T0001").Same(bot.UserRef, "U1", "anna")
		form := bot.Form{
			Title: cat.T(lang, "pulse.form.title"), Label: "What should we change first?", Hint: cat.T(lang, "pulse.dm.anon", 5),
			Submit: cat.T(lang, "pulse.form.submit"), Action: bot.ActionPulseText, Value: "P1.1|2", Multiline: true, MaxLength: 2000,
		}
		tests := []struct {
			name string
			give any
		}{
			{"form-" + lang, a.formModal(form, formMeta{Action: form.Action, Value: form.Value, ResponseURL: "https://hooks.slack.com/actions/T0001/1/x", Channel: "D1", Lang: lang})},
			{"pulse-new-" + lang, a.pulseModal(bot.Request{User: user, Channel: user.Same(bot.ChannelRef, "C1", ""), Lang: lang})},
		}
		for _, tt := range tests {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(tt.give); err != nil {
				t.Fatal(err)
			}
			bottest.Golden(t, tt.name, buf.Bytes(), *update)
		}
	}
}

func TestPulseRequest(t *testing.T) {
	user := base("T0001").Same(bot.UserRef, "UBOSS", "boss")
	tests := []struct {
		give pulseForm
		want string
	}{
		{pulseForm{question: "How clear is our goal?", typ: "scale5", channels: []string{"C1"}, anonymous: true},
			`pulse new "How clear is our goal?" type="scale5" to=<#C1>`},
		{pulseForm{question: "Which tool first?", typ: "choice", options: []string{"CRM", "Mobile app"}, channels: []string{"C1", "C2"},
			people: []string{"U9"}, every: "every monday at 9:00", closes: "2d"},
			`pulse new "Which tool first?" type="choice:CRM|Mobile app" to=<#C1> <#C2> <@U9> every="every monday at 9:00" closes="2d" anonymous=no`},
	}
	for _, tt := range tests {
		req := pulseRequest(user, "C0GEN", tt.give)
		if req.Text != tt.want {
			t.Errorf("got %s, want %s", req.Text, tt.want)
		}
		for _, id := range append(tt.give.channels, tt.give.people...) {
			var word string
			if id[0] == 'C' {
				word = "<#" + id + ">"
			} else {
				word = "<@" + id + ">"
			}
			if r, ok := req.Refs[word]; !ok || r.ID != id || r.Workspace != "T0001" {
				t.Errorf("%s: got ref %+v, want %s in T0001", tt.want, r, id)
			}
		}
	}
}
