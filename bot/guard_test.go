package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

func TestSchedulesMoreOftenThanHourlyAreRefused(t *testing.T) {
	r := newRig(t, now, bot.Config{})
	tests := []struct {
		give string
		want string
		args []any
	}{
		{`keymsg add "* * * * *" #general Hi`, "schedule.err.often", []any{"* * * * *", "1m", "1h"}},
		{`keymsg add "*/30 9-17 * * *" #general Hi`, "schedule.err.often", []any{"*/30 9-17 * * *", "30m", "1h"}},
		{`keymsg add "0 * * * *" #general Hi`, "keymsg.added", []any{"K1", "Wed 2026-11-18 13:00 UTC"}},
		{`keymsg add "on 2027-01-15 at 9:00" #general Hi`, "keymsg.added", []any{"K2", "Fri 2027-01-15 09:00 UTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got, want := text(r.say("boss", tt.give)), r.t(tt.want, tt.args...); !strings.Contains(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestOperatorMayAllowFrequentSchedules(t *testing.T) {
	r := newRig(t, now, bot.Config{MinInterval: time.Minute})
	if got, want := text(r.say("boss", `keymsg add "* * * * *" #general Hi`)), r.t("keymsg.added", "K1", "Wed 2026-11-18 12:01 UTC"); !strings.Contains(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRecurringPulsesAreChecked(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.Schedules = schedule.Parser{} })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA", "UDAN", "UEVA")...) // as many as anonymous results need
	tests := []struct {
		give string
		want string
		args []any
	}{
		{`pulse new "Q?" type=yesno to=#team every="* * * * *"`, "schedule.err.often", []any{"* * * * *", "1m", "1h"}},
		{`pulse new "Q?" type=yesno to=#team every="on 2027-01-15 at 9:00"`, "schedule.err.once", []any{"on 2027-01-15 at 9:00"}},
		{`pulse new "Q?" type=yesno to=#team every="every day at 9:00" closes=3d`, "pulse.err.closes.every", []any{"3d", "every day at 9:00", "1d"}},
		{`pulse new "Q?" type=yesno to=#team every="every day at 9:00"`, "pulse.started", []any{"P1", "Q?", 5, "Tue 2026-11-24 10:00 UTC"}},
		{`pulse template enps to=#team every="every monday at 9:00" closes=1w`, "pulse.started", []any{"P2", "eNPS", 5, "Mon 2026-11-30 10:00 UTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			mustContain(t, tt.give, text(h.run(h.owner, tt.give, team)), h.t(tt.want, tt.args...))
		})
	}
}

func TestGoalTargetsMustBeReachable(t *testing.T) {
	h := MustHarness(t)
	tests := []struct {
		give string
		want string
		args []any
	}{
		{`goal add "Wins" metric=shoutouts target=-5 by=2027-01-31`, "goal.err.target.low", []any{-5}},
		{`goal add "Wins" metric=shoutouts target=0 by=2027-01-31`, "goal.err.target.low", []any{0}},
		{`goal add "Wins" metric=shoutouts target=5 by=2027-01-31`, "goal.added", []any{"G1", "Wins", 5, "2027-01-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			mustContain(t, tt.give, text(h.run(h.owner, tt.give)), h.t(tt.want, tt.args...))
		})
	}
}

func TestDeleteAsksFirst(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA", "UDAN", "UEVA")...)
	h.run(h.owner, `pulse new "Q?" type=yesno to=#team`, team)
	h.run(h.owner, `goal add "Wins" metric=shoutouts target=5 by=2027-01-31`)
	steps := []struct {
		give string
		want string
		args []any
	}{
		{"pulse delete P1", "pulse.delete.confirm", []any{"P1", "Q?", 1}},
		{"pulse results P1", "pulse.res.header", []any{"Q?", "P1.1"}},
		{"pulse delete p1 yes", "pulse.deleted", []any{"P1"}},
		{"pulse results P1", "pulse.err.notfound", []any{"P1"}},
		{"pulse list", "pulse.list.empty", nil},
		{"goal delete G1", "goal.delete.confirm", []any{"G1", "Wins"}},
		{"goal list", "goal.list.header", nil},
		{"goal delete g1 ja", "goal.deleted", []any{"G1"}},
		{"goal list", "goal.list.empty", nil},
		{"goal delete G7", "goal.err.notfound", []any{"G7"}},
	}
	for _, s := range steps {
		mustContain(t, s.give, text(h.run(h.owner, s.give)), h.t(s.want, s.args...))
	}
	mustContain(t, "an answer to the deleted pulse", text(h.click(user("UANNA"), bot.ActionPulseAnswer, "P1.1|1|yes")), h.t("pulse.err.notfound", "P1.1"))
}
