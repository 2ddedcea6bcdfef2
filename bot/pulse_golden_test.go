package bot_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/herald-chat/herald/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares v, as indented JSON, with testdata/name.golden.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatalf("update %s: %v", path, err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run go test -update to create it): %v", path, err)
	}
	if string(want) != string(got)+"\n" {
		t.Errorf("%s: got\n%s\nwant\n%s", path, got, want)
	}
}

// TestPulseMessagesGolden pins the platform-neutral messages a respondent and
// an owner see, which the Slack and Teams adapters render.
func TestPulseMessagesGolden(t *testing.T) {
	tests := []struct {
		name string
		give string
	}{
		{name: "dm_nps", give: `pulse new "How likely would you recommend us?" type=nps to=#team`},
		{name: "dm_scale5", give: `pulse new "Our goal is clear to me." type=scale5 to=#team closes=36h`},
		{name: "dm_yesno_named", give: `pulse new "Join the pilot?" type=yesno to=#team anonymous=no`},
		{name: "dm_choice", give: `pulse new "Which training?" type=choice:CRM|Reporting|Mobile to=#team`},
		{name: "dm_text", give: `pulse new "What gets in your way?" type=text to=#team`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t)
			h.dir.Set(team, crowd("UANNA")...)
			h.run(h.owner, tt.give, team)
			golden(t, "pulse_"+tt.name, h.sentTo(user("UANNA")))
		})
	}
	t.Run("results_canwant", func(t *testing.T) {
		h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 3 })
		var ids []string
		for _, a := range canwant {
			ids = append(ids, a.who)
		}
		h.dir.Set(team, people(ids...)...)
		h.run(h.owner, "pulse template canwant to=#team", team)
		for _, a := range canwant {
			h.rate(user(a.who), "P1.1", 1, a.can)
			h.rate(user(a.who), "P1.1", 2, a.want)
		}
		h.out.Reset()
		h.run(h.owner, "pulse close P1")
		golden(t, "pulse_results_canwant", h.run(h.owner, "pulse results P1"))
	})
}
