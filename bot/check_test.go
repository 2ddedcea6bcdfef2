package bot_test

import (
	"testing"

	"github.com/herald-chat/herald/bot"
)

func TestCheck(t *testing.T) {
	h := MustHarness(t)
	refs := map[string]bot.Ref{"#team": team}
	tests := []struct {
		by        bot.Ref
		give      string
		wantKey   string
		wantField string
	}{
		{h.owner, `pulse new "Recommend us?" type=nps to=#team`, "", ""},
		{h.owner, `/herald pulse new "Recommend us?" type=choice:Yes|Maybe|No to=#team closes=2d anonymous=no`, "", ""},
		{h.owner, `shoutout nobody`, "", ""},
		{h.owner, `pulse list`, "", ""},
		{h.owner, `pulse new`, "pulse.err.question", "question"},
		{h.owner, `pulse new "open`, "err.quote", ""},
		{h.owner, `pulse new "Recommend us?" to=#team`, "pulse.err.type.missing", "type"},
		{h.owner, `pulse new "Recommend us?" type=stars to=#team`, "pulse.err.type", "type"},
		{h.owner, `pulse new "Pick one" type=choice:Only to=#team`, "pulse.err.choice.count", "options"},
		{h.owner, `pulse new "Pick one" type=choice:A|a to=#team`, "pulse.err.choice.twice", "options"},
		{h.owner, `pulse new "Recommend us?" type=nps`, "pulse.err.to", "to"},
		{h.owner, `pulse new "Recommend us?" type=nps to=#elsewhere`, "pulse.err.target", "to"},
		{h.owner, `pulse new "Recommend us?" type=nps to=#team closes=soon`, "pulse.err.closes", "closes"},
		{h.owner, `pulse new "Recommend us?" type=nps to=#team closes=10m`, "pulse.err.closes.range", "closes"},
		{h.owner, `pulse new "Recommend us?" type=nps to=#team anonymous=maybe`, "pulse.err.anonymous", "anonymous"},
		{user("UANNA"), `pulse new "Recommend us?" type=nps to=#team`, "err.admin", ""},
		{user("UANNA"), `pulse list`, "err.admin", ""},
	}
	for _, tt := range tests {
		err := h.bot.Check(bot.Request{User: tt.by, Text: tt.give, Refs: refs})
		gotKey, gotField := "", ""
		if err != nil {
			gotKey, gotField = err.Key, err.Field
		}
		if gotKey != tt.wantKey || gotField != tt.wantField {
			t.Errorf("%s by %s: got %q on %q, want %q on %q", tt.give, tt.by.ID, gotKey, gotField, tt.wantKey, tt.wantField)
		}
	}
	if got := h.dump(); len(got) != 0 {
		t.Errorf("Check wrote to Redis: %v", got)
	}
}
