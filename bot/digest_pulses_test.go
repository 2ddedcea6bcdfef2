package bot_test

import (
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

func TestDigestReportsPulsesAndGoals(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 2; c.Schedules = schedule.Parser{} })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA")...)
	h.run(h.owner, `pulse template enps to=#team`, team)
	h.rate(user("UANNA"), "P1.1", 1, 10)
	h.rate(user("UBEN"), "P1.1", 1, 9)
	h.run(h.owner, `pulse new "Is the CRM helping?" type=yesno to=#team`, team)
	h.click(user("UANNA"), bot.ActionPulseAnswer, "P2.1|1|yes") // one answer: below the threshold of 2
	h.run(h.owner, `goal add "eNPS at 20 by June" metric=enps:P1 target=20 by=2027-06-30`)

	got := text(h.run(h.owner, "digest preview"))
	mustContain(t, "pulse section", got, h.t("digest.pulses")+": ")
	mustContain(t, "eNPS headline", got, h.t("digest.pulse.value", h.t("pulse.tpl.enps.title")+" (P1.1)", h.t("digest.pulse.enps"), "+100"))
	mustContain(t, "response rate", got, h.t("digest.pulse.rate", 2, 3, 67))
	mustContain(t, "withheld", got, h.t("digest.pulse.withheld", "Is the CRM helping? (P2.1)", h.t("digest.pulse.rate", 1, 3, 33)))
	mustContain(t, "goal section", got, h.t("digest.goals")+": ")
	mustContain(t, "goal progress", got, "eNPS at 20 by June")
	if testing.Verbose() {
		t.Log(got)
	}
}
