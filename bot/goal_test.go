package bot_test

import (
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
)

func TestGoalErrors(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, crowd("UANNA")...)
	h.run(h.owner, `pulse new "Ready?" type=yesno to=#team`, team)
	tests := []struct {
		give string
		want string
		args []any
	}{
		{give: `goal add metric=shoutouts target=5 by=2026-12-31`, want: "goal.err.name"},
		{give: `goal add "Wins" metric=likes target=5 by=2026-12-31`, want: "goal.err.metric", args: []any{"likes"}},
		{give: `goal add "Wins" target=5 by=2026-12-31`, want: "goal.err.metric", args: []any{""}},
		{give: `goal add "Wins" metric=shoutouts target=many by=2026-12-31`, want: "goal.err.target", args: []any{"many"}},
		{give: `goal add "Wins" metric=shoutouts target=5 by=31.12.2026`, want: "goal.err.by", args: []any{"31.12.2026"}},
		{give: `goal add "Wins" metric=shoutouts target=5 by=2025-01-01`, want: "goal.err.past", args: []any{"2025-01-01"}},
		{give: `goal add "Wins" metric=shoutouts target=5`, want: "goal.err.by", args: []any{""}},
		{give: `goal add "Mood" metric=enps:P9 target=5 by=2026-12-31`, want: "pulse.err.notfound", args: []any{"P9"}},
		{give: `goal add "Mood" metric=enps:P1 target=5 by=2026-12-31`, want: "goal.err.notnps", args: []any{"P1"}},
		{give: `goal frob`, want: "err.unknown.sub", args: []any{"frob", "goal"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			mustContain(t, tt.give, h.run(h.owner, tt.give).Text.String(), h.t(tt.want, tt.args...))
		})
	}
	mustContain(t, "non-admin", h.run(user("UANNA"), "goal list").Text.String(), h.t("err.admin"))
}

func TestGoalProgress(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 3 })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA")...)
	h.run(h.owner, "pulse template enps to=#team", team)
	mustContain(t, "add", h.run(h.owner, `goal add "Engaged team" metric=enps:P1 target=20 by=2027-03-31`).Text.String(),
		h.t("goal.added", "G1", "Engaged team", 20, "2027-03-31"))
	h.run(h.owner, `goal add "Celebrate wins" metric=shoutouts target=2 by=2026-12-31`)
	list := h.run(h.owner, "goal list").Text.String()
	mustContain(t, "no result yet", list, h.t("goal.line", "G1", "Engaged team", h.t("goal.metric.enps", "P1"), h.t("goal.unknown"), 20, "2027-03-31"))
	h.rate(user("UANNA"), "P1.1", 1, 10)
	h.rate(user("UBEN"), "P1.1", 1, 8)
	mustContain(t, "below the threshold", h.run(h.owner, "goal list").Text.String(), h.t("goal.unknown"))
	h.rate(user("UCARLA"), "P1.1", 1, 9)
	for range 2 {
		h.run(user("UANNA"), "shoutout @uben great demo", user("UBEN"))
	}
	h.clock.Add(10 * 24 * time.Hour) // into December: the count spans months
	h.run(user("UBEN"), "shoutout @uanna thanks", user("UANNA"))
	st, err := h.bot.GoalProgress(t.Context(), "slack:T1")
	if err != nil {
		t.Fatalf("progress: %v", err)
	}
	if len(st) != 2 || st[0].Current != 67 || !st[0].Known || !st[0].Reached || st[1].Current != 3 || !st[1].Reached {
		t.Errorf("got %+v, want eNPS +67 reached and 3 shout-outs reached", st)
	}
	mustContain(t, "list", h.run(h.owner, "goal list").Text.String(), h.t("goal.reached"))
}
