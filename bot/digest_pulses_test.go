package bot_test

import (
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

func TestDigestReportsPulsesAndGoals(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 3; c.Schedules = schedule.Parser{} })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA", "UDAN")...)
	h.run(h.owner, `pulse template enps to=#team`, team)
	h.rate(user("UANNA"), "P1.1", 1, 10)
	h.rate(user("UBEN"), "P1.1", 1, 9)
	h.rate(user("UCARLA"), "P1.1", 1, 9)
	h.run(h.owner, `pulse new "Is the CRM helping?" type=yesno to=#team`, team)
	h.click(user("UANNA"), bot.ActionPulseAnswer, "P2.1|1|yes") // two answers: below the threshold of 3
	h.click(user("UBEN"), bot.ActionPulseAnswer, "P2.1|1|no")
	// Three answered the round of the question below, but only one the eNPS:
	// neither the digest nor the goal may show that one answer.
	h.run(h.owner, `pulse template enps to=#team`, team)
	h.rate(user("UANNA"), "P3.1", 1, 0)
	for _, u := range []string{"UBEN", "UCARLA"} {
		h.click(user(u), bot.ActionPulseAnswer, "P3.1|2|-") // not rated: only the text question, skipped
	}
	// Open rounds sum up nothing yet: their figures would change answer by answer.
	mustContain(t, "open round", text(h.run(h.owner, "digest preview")),
		h.t("digest.pulse.open", h.t("pulse.tpl.enps.title")+" (P1.1)", h.t("digest.pulse.rate", 3, 4, 75)))
	for _, id := range []string{"P1", "P2", "P3"} {
		h.run(h.owner, "pulse close "+id)
	}
	h.run(h.owner, `goal add "eNPS at 20 by June" metric=enps:P1 target=20 by=2027-06-30`)
	h.run(h.owner, `goal add "Mood" metric=enps:P3 target=20 by=2027-06-30`)

	got := text(h.run(h.owner, "digest preview"))
	mustContain(t, "pulse section", got, h.t("digest.pulses")+": ")
	mustContain(t, "eNPS headline", got, h.t("digest.pulse.value", h.t("pulse.tpl.enps.title")+" (P1.1)", h.t("digest.pulse.enps"), "+100"))
	mustContain(t, "response rate", got, h.t("digest.pulse.rate", 3, 4, 75))
	mustContain(t, "withheld", got, h.t("digest.pulse.withheld", "Is the CRM helping? (P2.1)", h.t("digest.pulse.rate", 2, 4, 50)))
	mustContain(t, "goal section", got, h.t("digest.goals")+": ")
	mustContain(t, "goal progress", got, "eNPS at 20 by June")
	mustContain(t, "one eNPS answer withheld", got, h.t("digest.pulse.withheld", h.t("pulse.tpl.enps.title")+" (P3.1)", h.t("digest.pulse.rate", 3, 4, 75)))
	mustContain(t, "goal of one eNPS answer", got, h.t("goal.line", "G2", "Mood", h.t("goal.metric.enps", "P3"), h.t("goal.unknown"), 20, "2027-06-30"))
	if testing.Verbose() {
		t.Log(got)
	}
}
