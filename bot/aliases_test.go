package bot_test

import (
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

func TestGermanCommandWords(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.Lang = "de"; c.Schedules = schedule.Parser{}; c.AnonymityMin = 3 })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA")...)
	de := func(key string, args ...any) string { return h.bot.Catalog().T("de", key, args...) }
	anna := user("UANNA")
	tests := []struct {
		who  bot.Ref
		give string
		want string
	}{
		{h.owner, "hilfe", de("help.intro")},
		{h.owner, "hilfe", de("cmd.pulse.usage")},
		{h.owner, "hilfe umfrage", de("help.topic", "umfrage")},
		{h.owner, "lob liste", de("shoutout.list.empty")},
		{h.owner, `umfrage neu "Klappt es?" type=yesno to=#team`, de("pulse.started", "P1", "Klappt es?", 3, "Do. 26.11.2026 10:00 UTC")},
		{h.owner, "umfrage ergebnisse P1", de("pulse.res.header", "Klappt es?", "P1.1")},
		{h.owner, "umfrage lösch P1", de("err.unknown.near", "umfrage lösch", "umfrage löschen")},
		{h.owner, "umfrag liste", de("err.unknown.near", "umfrag", "umfrage")},
		{h.owner, "ziel liste", de("goal.list.empty")},
		{anna, "antwort P1 ja", de("pulse.thanks")},
		{anna, "sprache en", h.t("language.set")},
		{anna, "help", h.t("help.intro")},
	}
	for _, tt := range tests {
		mustContain(t, tt.give, text(h.run(tt.who, tt.give, team)), tt.want)
	}
}

func TestDidYouMeanSuggestsTheReadersWords(t *testing.T) {
	h := MustHarness(t)
	anna := user("UANNA")
	h.run(anna, "language de")
	de := func(key string, args ...any) string { return h.bot.Catalog().T("de", key, args...) }
	tests := []struct {
		who        bot.Ref
		give, want string
	}{
		{h.owner, "shoutout lis", h.t("err.unknown.near", "shoutout lis", "shoutout list")},
		{anna, "lob lis", de("err.unknown.near", "lob lis", "lob liste")},
		{h.owner, "hel", h.t("err.unknown.near", "hel", "help")},
		{anna, "hilf", de("err.unknown.near", "hilf", "hilfe")},
	}
	for _, tt := range tests {
		mustContain(t, tt.give, text(h.run(tt.who, tt.give)), tt.want)
	}
}
