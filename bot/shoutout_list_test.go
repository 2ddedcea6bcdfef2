package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
)

func TestShoutoutListReadsRight(t *testing.T) {
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			h := MustHarness(t, func(c *bot.Config) { c.Lang = lang })
			tr := func(key string, args ...any) string { return h.bot.Catalog().T(lang, key, args...) }
			anna, ben := user("UANNA"), user("UBEN")
			for i := range 14 {
				h.run(h.owner, fmt.Sprintf("shoutout @uanna thanks %d #value-with-ümlaut #123 #", i), anna)
			}
			h.run(h.owner, "shoutout @uben great #teamwork in the demo #team", ben)
			list := text(h.run(h.owner, "shoutout list"))
			wantDay := map[string]string{"en": "Nov 23", "de": "23.11."}[lang]
			mustContain(t, "date as the language writes it, each value once", list, "• "+wantDay+" @uboss → @uben: great #teamwork in the demo #team\n")
			if strings.Contains(list, "# #value-with-ümlaut") {
				t.Errorf("values shown twice:\n%s", list)
			}
			mustContain(t, "and N more", list, tr("shoutout.list.more", 5))
			mustContain(t, "past month", text(h.run(h.owner, "shoutout list 2026-10")), tr("shoutout.list.none", h.bot.Catalog().Printer(lang).MonthName("2026-10")))
			mustContain(t, "a month to come", text(h.run(ben, "shoutout list 2026-12")), tr("shoutout.list.none", h.bot.Catalog().Printer(lang).MonthName("2026-12")))
			mustContain(t, "old month", text(h.run(ben, "shoutout top 1999-01")), tr("shoutout.list.none", h.bot.Catalog().Printer(lang).MonthName("1999-01")))
		})
	}
}

func TestDatesAsEachLanguageWritesThem(t *testing.T) {
	cat, err := bot.NewCatalog("en")
	if err != nil {
		t.Fatal(err)
	}
	at := start.Add(-time.Hour) // Monday, 2026-11-23 09:00 UTC
	tests := []struct {
		lang, wantDay, wantDate, wantWhen string
	}{
		{"en", "Nov 23", "2026-11-23", "Mon 2026-11-23 09:00 UTC"},
		{"de", "23.11.", "23.11.2026", "Mo. 23.11.2026 09:00 UTC"},
	}
	for _, tt := range tests {
		pr := cat.Printer(tt.lang)
		if got := pr.Date(at); got != tt.wantDate {
			t.Errorf("%s Date: got %q, want %q", tt.lang, got, tt.wantDate)
		}
		if got := pr.Day(at, time.UTC); got != tt.wantDay {
			t.Errorf("%s Day: got %q, want %q", tt.lang, got, tt.wantDay)
		}
		if got := pr.When(at, time.UTC); got != tt.wantWhen {
			t.Errorf("%s When: got %q, want %q", tt.lang, got, tt.wantWhen)
		}
	}
}
