package bot_test

import (
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

func TestTemplatePulsesSpeakEachReadersLanguage(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 3 })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA")...)
	anna, ben, carla := user("UANNA"), user("UBEN"), user("UCARLA")
	de := func(key string, args ...any) string { return h.bot.Catalog().T("de", key, args...) }
	h.run(anna, "language de")
	h.run(h.owner, `pulse template canwant to=#team`, team)

	toAnna, toBen := h.sentTo(anna), h.sentTo(ben)
	if len(toAnna) != 1 || len(toBen) != 1 {
		t.Fatalf("got %d and %d messages, want one question each", len(toAnna), len(toBen))
	}
	mustContain(t, "German question", text(&toAnna[0]), de("pulse.tpl.canwant.q1"))
	mustContain(t, "German title", toAnna[0].Header, de("pulse.tpl.canwant.title"))
	mustContain(t, "English question", text(&toBen[0]), h.t("pulse.tpl.canwant.q1"))
	next := h.rate(anna, "P1.1", 1, 5)
	mustContain(t, "German second question", text(next), de("pulse.tpl.canwant.q2"))

	h.rate(anna, "P1.1", 2, 4)
	for _, u := range []bot.Ref{ben, carla} {
		h.rate(u, "P1.1", 1, 4)
		h.rate(u, "P1.1", 2, 2)
	}
	h.run(h.owner, "pulse close P1") // an anonymous round shows its figures once it closes
	h.run(h.owner, "language de")
	res := text(h.run(h.owner, "pulse results P1"))
	mustContain(t, "results header in the reader's language", res, de("pulse.res.header", de("pulse.tpl.canwant.title"), "P1.1"))
	mustContain(t, "question label in the reader's language", res, "1. "+de("pulse.tpl.canwant.q1"))
	if strings.Contains(res, h.t("pulse.tpl.canwant.q1")) {
		t.Errorf("German results hold the English question:\n%s", res)
	}
}

func TestDigestHeadlinesPerQuestionType(t *testing.T) {
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 3; c.Schedules = schedule.Parser{}; c.Lang = lang })
			tr := func(key string, args ...any) string { return h.bot.Catalog().T(lang, key, args...) }
			h.dir.Set(team, people("UANNA", "UBEN", "UCARLA", "UDAN")...)
			anna, ben, carla := user("UANNA"), user("UBEN"), user("UCARLA")
			h.run(h.owner, `pulse new "Is the CRM helping?" type=yesno to=#team`, team)
			h.click(anna, bot.ActionPulseAnswer, "P1.1|1|yes")
			h.click(ben, bot.ActionPulseAnswer, "P1.1|1|no")
			h.click(carla, bot.ActionPulseAnswer, "P1.1|1|yes")
			h.run(h.owner, `pulse new "Which training do you want?" type=choice:CRM|Reporting to=#team`, team)
			for _, u := range []bot.Ref{anna, ben, carla} {
				h.click(u, bot.ActionPulseAnswer, "P2.1|1|2")
			}
			h.run(h.owner, `pulse new "What should we improve?" type=text to=#team`, team)
			h.click(anna, bot.ActionPulseText, "P3.1|1")
			for u, give := range map[bot.Ref]string{anna: "more training", ben: "fewer meetings", carla: "clearer goals"} {
				h.bot.AnswerPulse(t.Context(), bot.Request{User: u, Channel: channel("DM", "dm")}, "P3.1", 1, give)
			}
			for _, id := range []string{"P1", "P2", "P3"} {
				h.run(h.owner, "pulse close "+id) // anonymous rounds show their figures once they close
			}

			got := text(h.run(h.owner, "digest preview"))
			rate := tr("digest.pulse.rate", 3, 4, 75)
			for _, want := range []string{
				tr("digest.pulse.value", "Is the CRM helping? (P1.1)", tr("pulse.res.yes.short"), "67%") + " " + rate,
				tr("digest.pulse.choice", "Which training do you want? (P2.1)", "Reporting", 100) + " " + rate,
				tr("digest.pulse.texts", 3, "What should we improve? (P3.1)") + " " + rate,
			} {
				mustContain(t, "headline", got, want)
			}
			if strings.Contains(got, "0.0") {
				t.Errorf("digest shows a meaningless 0.0:\n%s", got)
			}
		})
	}
}
