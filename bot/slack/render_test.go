package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestRenderGolden(t *testing.T) {
	b := base("T0001")
	anna := b.Same(bot.UserRef, "U024BE7LH", "anna")
	steve := b.Same(bot.UserRef, "U2147483697", "steve")
	devs := b.Same(bot.GroupRef, "S0614TZR7", "devs")
	wins := b.Same(bot.ChannelRef, "C0WINS", "")
	var manyButtons []bot.Button
	for i := range 30 {
		manyButtons = append(manyButtons, bot.Button{Label: "Option " + string(rune('A'+i%26)), Action: "pulse.answer", Value: "R1|q1|" + string(rune('a'+i%26))})
	}
	tests := []struct {
		name string
		give bot.Message
	}{
		{"shoutout", bot.Message{
			To: wins, Header: "🎉 Shout-out",
			Text:     bot.Text{bot.Mention(steve), bot.Str(" praised "), bot.Mention(anna), bot.Str(", "), bot.Mention(devs), bot.Str("\nshipped the CRM rollout")},
			Fields:   []bot.Field{{Label: "Values", Value: bot.Plain("#customer-first #ownership")}},
			Fallback: "@steve praised @anna, @devs",
		}},
		{"reply", bot.Message{Ephemeral: true, Text: bot.Text{bot.Str("Thank you! Your shout-out for "), bot.Mention(anna), bot.Str(" is posted in "), bot.Mention(wins), bot.Str(".")}}},
		{"help", bot.Message{Header: "herald", Text: bot.Plain("Commands:\n• shoutout @person… <what they did>"), Context: "Type help <command> for details."}},
		{"buttons", bot.Message{
			Header:  "Key message",
			Text:    bot.Text{bot.Bold("Please read:"), bot.Str(" the new travel policy")},
			Buttons: []bot.Button{{Label: "Got it", Action: "keymsg.ack", Value: "KM1|2026-11-02", Style: "primary"}, {Label: "Remove", Action: "keymsg.delete", Value: "KM1", Style: "danger"}},
		}},
		{"rating-enps", bot.Message{
			Text:   bot.Plain("How likely are you to recommend working here?"),
			Rating: &bot.Rating{Action: "pulse.answer", Value: "ROUND|q1", Min: 0, Max: 10, MinLabel: "Not at all likely", MaxLabel: "Extremely likely"},
		}},
		{"rating-scale5", bot.Message{
			Text:   bot.Plain("I can explain the change to a customer."),
			Rating: &bot.Rating{Action: "pulse.answer", Value: "ROUND|q2", Min: 1, Max: 5},
		}},
		{"many-buttons", bot.Message{Text: bot.Plain("Pick one"), Buttons: manyButtons}},
		{"escaped", bot.Message{
			Header:   "<!channel> header & co",
			Text:     bot.Plain("<!channel> <@U999|ceo> look & see <https://evil.example|bank>"),
			Fields:   []bot.Field{{Label: "<b>", Value: bot.Plain("<!here>")}},
			Context:  "<!everyone>",
			Fallback: "<!channel> ping",
		}},
		{"privacy", bottest.MustReply(t, bot.Request{User: anna, Channel: anna, Text: "privacy"})},
		{"results-anonymity", bottest.ResultsAnonymity(anna, steve)},
		{"home-empty", bot.Message{
			Header:  "Your herald",
			Text:    bot.Text{bot.Bold("Shout-outs you received"), bot.Str("\nNone yet."), bot.Str("\n\n"), bot.Bold("Shout-outs you gave"), bot.Str("\nNone yet.")},
			Context: "Type /herald help to see everything herald can do.",
		}},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"text": Fallback(tt.give), "blocks": Blocks(tt.give, maxMessageBlocks)}); err != nil {
			t.Fatal(err)
		}
		bottest.Golden(t, tt.name, buf.Bytes(), *update)
	}
}

func TestRenderLimits(t *testing.T) {
	line := strings.Repeat("x", 150) + " <@U1> & more\n"
	m := bot.Message{
		Header:  strings.Repeat("H", 200),
		Text:    bot.Plain(strings.Repeat(line, 2000)), // ~330 kB: far over 50 sections
		Context: strings.Repeat("c", 4000),
	}
	blocks := Blocks(m, maxMessageBlocks)
	if len(blocks) != maxMessageBlocks {
		t.Fatalf("got %d blocks, want %d", len(blocks), maxMessageBlocks)
	}
	data, _ := json.Marshal(blocks)
	var raw []struct {
		Type     string                  `json:"type"`
		Text     *struct{ Text string }  `json:"text"`
		Elements []struct{ Text string } `json:"elements"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if got := raw[0].Text.Text; len([]rune(got)) > maxHeaderText || !strings.HasSuffix(got, ellipsis) {
		t.Errorf("header: got %d characters ending %q, want at most %d ending with …", len([]rune(got)), got[len(got)-4:], maxHeaderText)
	}
	for i, b := range raw[1 : len(raw)-1] {
		if b.Type != "section" || len(b.Text.Text) > maxSectionText {
			t.Errorf("block %d: got %s with %d bytes, want a section of at most %d", i+1, b.Type, len(b.Text.Text), maxSectionText)
		}
	}
	if last := raw[len(raw)-1]; last.Type != "context" || last.Elements[0].Text != ellipsis {
		t.Errorf("last block: got %s %v, want a context block with %q", last.Type, last.Elements, ellipsis)
	}
}

func TestButtonValueCut(t *testing.T) {
	m := bot.Message{Buttons: []bot.Button{{Label: strings.Repeat("L", 100), Action: "a", Value: strings.Repeat("v", 2500)}}}
	data, _ := json.Marshal(Blocks(m, maxMessageBlocks))
	var raw []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			Text     struct{ Text string }
		} `json:"elements"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	el := raw[0].Elements[0]
	// Slack counts both limits in characters.
	if len([]rune(el.Value)) > maxButtonValue || len([]rune(el.Text.Text)) > maxButtonText || el.ActionID != "a#0" {
		t.Errorf("got value %d characters, label %d characters, action_id %q; want ≤%d, ≤%d, a#0", len(el.Value), len([]rune(el.Text.Text)), el.ActionID, maxButtonValue, maxButtonText)
	}
}

func TestActionName(t *testing.T) {
	tests := []struct{ give, want string }{
		{"keymsg.ack#0", "keymsg.ack"},
		{"pulse.answer#10", "pulse.answer"},
		{"plain", "plain"},
		{actionID("a#b", 3), "a#b"},
	}
	for _, tt := range tests {
		if got := actionName(tt.give); got != tt.want {
			t.Errorf("actionName(%q): got %q, want %q", tt.give, got, tt.want)
		}
	}
}
