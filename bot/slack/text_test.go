package slack

import (
	"maps"
	"slices"
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
		if n := utf8.RuneCountInString(p); n > maxSectionText {
			t.Errorf("part %d: got %d characters, want at most %d", i, n, maxSectionText)
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

// TestSplitCountsCharacters proves German text gets Slack's whole limit,
// which counts characters, not bytes.
func TestSplitCountsCharacters(t *testing.T) {
	tests := []struct {
		give string
		max  int
		want []string
	}{
		{give: "äöü", max: 3, want: []string{"äöü"}},
		{give: "äöüß", max: 3, want: []string{"äöü", "ß"}},
		{give: "Grüße an alle", max: 10, want: []string{"Grüße an ", "alle"}},
		// A lead byte followed by continuation bytes once made split loop forever.
		{give: "\xe2" + strings.Repeat("\x80", 5), max: 2, want: []string{"\u2000\x80", "\x80\x80"}},
		{give: "\xc3" + strings.Repeat("\xa9", 4), max: 2, want: []string{"é\xa9", "\xa9\xa9"}},
	}
	for _, tt := range tests {
		if got := split(tt.give, tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("split(%q, %d): got %q, want %q", tt.give, tt.max, got, tt.want)
		}
	}
}

// FuzzSplit checks that split always ends, never makes a piece longer than
// max characters and loses nothing but the spaces and line breaks it cuts at.
func FuzzSplit(f *testing.F) {
	f.Add("word <@U12345> &amp; ü ", 10)
	f.Add("\xe2"+strings.Repeat("\x80", 3000), 3000)
	f.Add("a <@U1> b &amp; c\nd", 1)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = 1 + abs(max)%4000
		parts := split(s, max)
		var kept strings.Builder
		for i, p := range parts {
			if n := utf8.RuneCountInString(p); n > max {
				t.Fatalf("part %d has %d characters, want at most %d", i, n, max)
			}
			kept.WriteString(p)
		}
		if strip(kept.String()) != strip(s) {
			t.Fatalf("split(%q, %d) lost text: %q", s, max, parts)
		}
		if c := cutMrkdwn(s, max+1); utf8.RuneCountInString(c) > max+1 {
			t.Fatalf("cutMrkdwn(%q, %d) has %d characters", s, max+1, utf8.RuneCountInString(c))
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// strip drops spaces and line breaks, which split may cut at.
func strip(s string) string { return strings.NewReplacer(" ", "", "\n", "").Replace(s) }
