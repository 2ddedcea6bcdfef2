package bot_test

import (
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/schedule"
)

func TestPulseRemindCloseAndListSayWhatHappened(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.Schedules = schedule.Parser{}; c.AnonymityMin = 3 })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA")...)
	h.run(h.owner, `pulse template enps to=#team`, team)
	h.rate(user("UANNA"), "P1.1", 1, 9) // skips the optional text question
	h.rate(user("UBEN"), "P1.1", 1, 7)
	h.click(user("UBEN"), bot.ActionPulseAnswer, "P1.1|2|-")
	mustContain(t, "only the one who gave no rating is reminded", text(h.run(h.owner, "pulse remind P1")), h.t("pulse.reminded", 1, "P1.1"))

	closed := h.run(h.owner, "pulse close P1")
	if got, want := closed.Context, h.t("pulse.closed.now", "P1.1"); got != want {
		t.Errorf("close: got context %q, want %q", got, want)
	}
	mustContain(t, "remind a closed round", text(h.run(h.owner, "pulse remind P1")), h.t("pulse.err.remind.closed", "P1.1"))

	h.run(h.owner, `pulse new "Q?" type=yesno to=#team every="every monday at 9:00" closes=2d`, team)
	h.run(h.owner, "pulse stop P2")
	list := text(h.run(h.owner, "pulse list"))
	mustContain(t, "stopped", list, h.t("pulse.list.stopped"))
	if strings.Contains(list, h.t("pulse.list.every", "every monday at 9:00")) {
		t.Errorf("a stopped pulse is listed as repeating:\n%s", list)
	}
}

func TestKeyMessageSenderIsNotAskedToAcknowledge(t *testing.T) {
	dir := &bottest.Directory{}
	dir.Set(channel("general", "general"), user("boss"), user("anna"), user("dan"))
	r := newRig(t, now, bot.Config{Directory: dir})
	r.say("boss", `keymsg add "every monday at 9:00" #general Town hall on Friday`)
	r.say("boss", "keymsg send K1")
	show := text(r.say("boss", "keymsg show K1"))
	mustContain(t, "audience without the sender", show, r.t("keymsg.send.acked", 0, 2))
	if strings.Contains(show, "@boss") {
		t.Errorf("the sender is listed as not yet acknowledged:\n%s", show)
	}
}

func TestAnswersSayWhatIsWrong(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.Schedules = schedule.Parser{} })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA", "UDAN", "UEVA")...)
	h.run(h.owner, `pulse template adoption to=#team`, team)
	tests := []struct {
		who  bot.Ref
		give string
		want string
		args []any
	}{
		{user("UANNA"), "answer P1 99 5", "answer.err.question.range", []any{"P1", 3, 99}},
		{user("UANNA"), "answer P1 5", "answer.err.question", []any{"P1", 3}},
		{h.owner, "pulse template foo to=#team", "pulse.err.template.unknown", []any{"foo", "enps, canwant, adoption"}},
		{h.owner, `pulse new "Q?" type=yesno to=#team every="jeden Montag um 9:00 bitte"`, "schedule.err.trailing", []any{"bitte", "jeden Montag um 9:00 bitte"}},
	}
	for _, tt := range tests {
		mustContain(t, tt.give, text(h.run(tt.who, tt.give, team)), h.t(tt.want, tt.args...))
	}
}
