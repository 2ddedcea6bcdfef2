package teams_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/teams"
)

func TestMessageTextBecomesWords(t *testing.T) {
	herald := teams.Entity{Type: "mention", Text: "<at>herald</at>", Mentioned: teams.Account{ID: "28:APP_ID", Name: "herald"}}
	general := teams.Entity{Type: "mention", Text: "<at>General</at>", Mentioned: teams.Account{ID: "19:general@thread.tacv2", Name: "General"}}
	ben := teams.Entity{Type: "mention", Text: "<at>Ben Example</at>", Mentioned: teams.Account{ID: "29:ben", Name: "Ben Example"}}
	tests := []struct {
		name     string
		give     string
		entities []teams.Entity
		want     string
		wantRefs []string
	}{
		{"bot mention stripped", "<at>herald</at> help", []teams.Entity{herald}, "help", nil},
		{"mention with a space is one word", "<at>herald</at> shoutout <at>Ben Example</at> thanks", []teams.Entity{herald, ben}, "shoutout <@29:ben> thanks", []string{"<@29:ben>"}},
		{"glued mention", "shoutout<at>Ben Example</at>thanks", []teams.Entity{ben}, "shoutout <@29:ben> thanks", []string{"<@29:ben>"}},
		{"html entities and tags", "<p>pulse new &quot;Q?&quot; to=<at>Ben Example</at></p>", []teams.Entity{ben}, `pulse new "Q?" to= <@29:ben>`, []string{"<@29:ben>"}},
		{"typed tag is text, not a mention", "shoutout &lt;@29:ceo&gt; hi", nil, "shoutout <@29:ceo> hi", nil},
		{"no mention entity: the name stays as text", "<at>Someone</at> hi", nil, "Someone hi", nil},
		{"channel mention", "keymsg send K1 to=<at>General</at>", []teams.Entity{general}, "keymsg send K1 to= <#19:general@thread.tacv2>", []string{"<#19:general@thread.tacv2>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			act := teams.Activity{Type: "message", Text: tt.give, Entities: tt.entities,
				Recipient: teams.Account{ID: "28:APP_ID"}, From: teams.Account{ID: "29:anna"},
				Conversation: teams.Conversation{ID: "19:c@thread.tacv2;messageid=42", TenantID: "T"}}
			req, ok := act.Request()
			if !ok {
				t.Fatal("not a request")
			}
			if req.Text != tt.want {
				t.Errorf("text: got %q, want %q", req.Text, tt.want)
			}
			if got := slices.Sorted(maps.Keys(req.Refs)); !slices.Equal(got, tt.wantRefs) {
				t.Errorf("refs: got %v, want %v", got, tt.wantRefs)
			}
			if req.Channel.ID != "19:c@thread.tacv2" {
				t.Errorf("channel: got %q, want the channel without ;messageid", req.Channel.ID)
			}
		})
	}
}

func TestSubmitValues(t *testing.T) {
	tests := []struct {
		give   string
		wantOK bool
		want   string
	}{
		{`{"action":"keymsg.ack","value":"1|100"}`, true, "keymsg.ack 1|100"},
		{`{"kind":"pulse-answer","answer":"9"}`, false, ""},
		{`"just a string"`, false, ""},
	}
	for _, tt := range tests {
		act := teams.Activity{Type: "message", Value: json.RawMessage(tt.give), Conversation: teams.Conversation{ID: "a:1"}}
		req, ok := act.Request()
		got := ""
		if req.Action != nil {
			got = req.Action.Name + " " + req.Action.Value
		}
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestChannelMentionIsAChannel(t *testing.T) {
	general := teams.Entity{Type: "mention", Text: "<at>General</at>", Mentioned: teams.Account{ID: "19:general@thread.tacv2", Name: "General"}}
	act := teams.Activity{Type: "message", Text: "pulse new \"Q?\" type=yesno to=<at>General</at>", Entities: []teams.Entity{general},
		Recipient: teams.Account{ID: "28:APP_ID"}, From: teams.Account{ID: "29:anna"},
		Conversation: teams.Conversation{ID: "a:1", TenantID: "T"}}
	req, _ := act.Request()
	got := req.Refs["<#19:general@thread.tacv2>"]
	want := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Teams, Workspace: "T", ID: "19:general@thread.tacv2", Name: "General"}
	if got != want || got.Label() != "#General" {
		t.Errorf("got %+v (%s), want %+v, named #General", got, got.Label(), want)
	}
}

func TestChannelNames(t *testing.T) {
	act := teams.Activity{
		Entities: []teams.Entity{
			{Type: "mention", Text: "<at>Wins</at>", Mentioned: teams.Account{ID: "19:wins@thread.tacv2", Name: "Wins"}},
			{Type: "mention", Text: "<at>Ben</at>", Mentioned: teams.Account{ID: "29:ben", Name: "Ben"}},
		},
	}
	act.ChannelData.Channel.ID, act.ChannelData.Channel.Name = "19:feedback@thread.tacv2", "Feedback"
	want := map[string]string{"19:wins@thread.tacv2": "Wins", "19:feedback@thread.tacv2": "Feedback"}
	if got := act.ChannelNames(); !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
