package bot_test

import (
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot"
)

func TestPeopleChooseTheirLanguage(t *testing.T) {
	h := MustHarness(t)
	anna := user("UANNA")
	de := func(key string, args ...any) string { return h.bot.Catalog().T("de", key, args...) }

	mustContain(t, "default", text(h.run(anna, "language")), h.t("language.current", "English", h.t("language.how.default")))
	mustContain(t, "choose", text(h.run(anna, "language deutsch")), de("language.set"))
	mustContain(t, "now German", text(h.run(anna, "help")), "herald hilft deiner Organisation")
	mustContain(t, "shown", text(h.run(anna, "language")), de("language.current", "Deutsch", de("language.how.chosen")))
	mustContain(t, "others keep the default", text(h.run(user("UBEN"), "help")), "herald helps your organisation")
	mustContain(t, "unknown", text(h.run(anna, "language klingon")), de("language.err.unknown", "klingon", "en (English), de (Deutsch)"))

	// Direct messages speak each person's language.
	h.dir.Set(team, crowd("UANNA", "UBEN")...)
	h.run(h.owner, `pulse new "Join the pilot?" type=yesno to=#team`, team)
	for who, want := range map[string]string{"UANNA": "Pulsumfrage", "UBEN": "Pulse survey"} {
		dms := h.sentTo(user(who))
		if len(dms) != 1 || !strings.Contains(text(&dms[0]), want) {
			t.Errorf("%s's pulse DM: got %v, want it to contain %q", who, dms, want)
		}
	}

	mustContain(t, "auto", text(h.run(anna, "language auto")), h.t("language.auto", "English"))
	mustContain(t, "back to default", text(h.run(anna, "help")), "herald helps your organisation")
}

func TestLanguageOfAChatAppIsUsedUntilOneIsChosen(t *testing.T) {
	h := MustHarness(t)
	req := bot.Request{User: user("UANNA"), Channel: channel("CGEN", "general"), Text: "language", Lang: "de-DE"}
	got := text(h.bot.Handle(t.Context(), req))
	mustContain(t, "platform", got, h.bot.Catalog().T("de", "language.current", "Deutsch", h.bot.Catalog().T("de", "language.how.platform")))
	req.Text = "language en"
	h.bot.Handle(t.Context(), req)
	req.Text = "help"
	mustContain(t, "choice wins over the app", text(h.bot.Handle(t.Context(), req)), "herald helps your organisation")
}

func TestHomeSpeaksThePersonsLanguage(t *testing.T) {
	h := MustHarness(t)
	anna := user("UANNA")
	h.run(anna, "language de")
	home, err := h.bot.Home(t.Context(), anna)
	if err != nil {
		t.Fatal(err)
	}
	if want := h.bot.Catalog().T("de", "home.header"); home.Header != want {
		t.Errorf("got header %q, want %q", home.Header, want)
	}
}
