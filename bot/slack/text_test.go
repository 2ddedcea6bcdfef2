package slack

import (
	"maps"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/herald-chat/herald/bot"
)

func TestParseText(t *testing.T) {
	b := base("T1")
	user := func(id, name string) bot.Ref { return b.Same(bot.UserRef, id, name) }
	tests := []struct {
		give     string
		wantText string
		wantRefs map[string]bot.Ref
	}{
		{
			give:     "shoutout <@U024BE7LH|anna> shipped the CRM rollout #customer-first",
			wantText: "shoutout <@U024BE7LH> shipped the CRM rollout #customer-first",
			wantRefs: map[string]bot.Ref{"<@U024BE7LH>": user("U024BE7LH", "anna")},
		},
		{
			give:     "shoutout <!subteam^S0614TZR7|@devs> and <@W123> in <#C0001|general>",
			wantText: "shoutout <!subteam^S0614TZR7> and <@W123> in <#C0001>",
			wantRefs: map[string]bot.Ref{
				"<!subteam^S0614TZR7>": b.Same(bot.GroupRef, "S0614TZR7", "devs"),
				"<@W123>":              user("W123", ""),
				"<#C0001>":             b.Same(bot.ChannelRef, "C0001", "general"),
			},
		},
		{
			give:     "shoutout <@U1|a>did &lt;b&gt;it&lt;/b&gt; &amp; more",
			wantText: "shoutout <@U1> did <b>it</b> & more",
			wantRefs: map[string]bot.Ref{"<@U1>": user("U1", "a")},
		},
		{
			give:     "say <!channel> <!here> see <https://example.com|example> <!date^1392734382^{date}|Feb 18>",
			wantText: "say @channel @here see https://example.com Feb 18",
		},
		{give: "unclosed <@U1 text", wantText: "unclosed <@U1 text"},
		{give: "", wantText: ""},
	}
	for _, tt := range tests {
		text, refs := parseText(tt.give, b)
		if text != tt.wantText {
			t.Errorf("parseText(%q) text: got %q, want %q", tt.give, text, tt.wantText)
		}
		if !maps.Equal(refs, tt.wantRefs) {
			t.Errorf("parseText(%q) refs: got %v, want %v", tt.give, refs, tt.wantRefs)
		}
	}
}

func TestMrkdwnEscapes(t *testing.T) {
	anna := base("T1").Same(bot.UserRef, "U1", "anna")
	tests := []struct {
		give bot.Text
		want string
	}{
		{bot.Plain("<!channel> & <@U2|fake> > all"), "&lt;!channel&gt; &amp; &lt;@U2|fake&gt; &gt; all"},
		{bot.Text{bot.Mention(anna), bot.Str(" did "), bot.Bold(" great <work> ")}, "<@U1> did  *great &lt;work&gt;* "},
		{bot.Text{bot.Mention(base("T1").Same(bot.ChannelRef, "wins", ""))}, "#wins"},
		{bot.Text{bot.Mention(base("T1").Same(bot.ChannelRef, "C0WINS", ""))}, "<#C0WINS>"},
		{bot.Text{bot.Mention(base("T1").Same(bot.GroupRef, "S1", "devs"))}, "<!subteam^S1>"},
		{bot.Text{bot.Mention(bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, ID: "29:x", Name: "<b>"})}, "@&lt;b&gt;"},
	}
	for _, tt := range tests {
		if got := mrkdwn(tt.give); got != tt.want {
			t.Errorf("mrkdwn(%v): got %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestSplitKeepsMentionsAndEntitiesWhole(t *testing.T) {
	long := strings.Repeat("word <@U12345> &amp; ü ", 400)
	parts := split(long, maxSectionText)
	if len(parts) < 2 {
		t.Fatalf("got %d parts, want at least 2", len(parts))
	}
	var joined int
	for i, p := range parts {
		if len(p) > maxSectionText {
			t.Errorf("part %d: got %d bytes, want at most %d", i, len(p), maxSectionText)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is not valid UTF-8", i)
		}
		if strings.Count(p, "<") != strings.Count(p, ">") {
			t.Errorf("part %d cuts a mention: ...%q", i, p[max(0, len(p)-20):])
		}
		if strings.Count(p, "&") != strings.Count(p, ";") {
			t.Errorf("part %d cuts an entity: ...%q", i, p[max(0, len(p)-20):])
		}
		joined += len(strings.TrimSpace(p))
	}
	if want := len(strings.TrimSpace(long)) - (len(parts) - 1); joined < want {
		t.Errorf("split lost text: got %d bytes, want at least %d", joined, want)
	}
}
