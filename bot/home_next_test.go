package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/store"
)

func TestHomeScheduledNext(t *testing.T) {
	// Friday 20 November 2026, 10:00 UTC.
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		lang  string
		execs []bot.Ref
		say   []string // commands of the admin, boss
		who   string
		want  string // the admin section; "" when it must not be shown
	}{
		{name: "nothing scheduled", lang: "en", who: "boss",
			want: "Scheduled next\nNothing is scheduled. keymsg add schedules a key message."},
		{name: "not an admin", lang: "en", execs: []bot.Ref{user("exec")},
			say: []string{`keymsg add "every weekday at 9:00" #general Town hall`}, who: "anna", want: ""},
		{name: "key messages and the digest, soonest first, paused left out", lang: "en", execs: []bot.Ref{user("exec")},
			say: []string{
				`keymsg add "every weekday at 9:00 Europe/Berlin" #general Town hall on Friday`,
				`keymsg add "on 2026-11-21 at 8:00" @anna Your badge is ready`,
				`keymsg add "every monday at 7:00" @team Paused one`,
				`keymsg pause 3`,
			}, who: "boss",
			want: "Scheduled next" +
				"\n• Sat 2026-11-21 08:00 UTC · Key message K2 → @anna: “Your badge is ready”" +
				"\n• Mon 2026-11-23 09:00 CET · Key message K1 → #general: “Town hall on Friday”" +
				"\n• Tue 2026-12-01 09:00 UTC · Monthly digest to the executives"},
		{name: "in German", lang: "de", execs: []bot.Ref{user("exec")}, who: "boss",
			want: "Als Nächstes geplant\n• Di. 01.12.2026 09:00 UTC · Monatlicher Überblick an die Geschäftsleitung"},
		{name: "more than fit", lang: "en", who: "boss",
			say: []string{
				`keymsg add "on 2026-11-21 at 9:00" @anna a`, `keymsg add "on 2026-11-22 at 9:00" @anna b`,
				`keymsg add "on 2026-11-23 at 9:00" @anna c`, `keymsg add "on 2026-11-24 at 9:00" @anna d`,
				`keymsg add "on 2026-11-25 at 9:00" @anna e`, `keymsg add "on 2026-11-26 at 9:00" @anna f`,
				`keymsg add "on 2026-11-27 at 9:00" @anna g`,
			},
			want: "Scheduled next" +
				"\n• Sat 2026-11-21 09:00 UTC · Key message K1 → @anna: “a”" +
				"\n• Sun 2026-11-22 09:00 UTC · Key message K2 → @anna: “b”" +
				"\n• Mon 2026-11-23 09:00 UTC · Key message K3 → @anna: “c”" +
				"\n• Tue 2026-11-24 09:00 UTC · Key message K4 → @anna: “d”" +
				"\n• Wed 2026-11-25 09:00 UTC · Key message K5 → @anna: “e”" +
				"\n… and 2 more; keymsg list shows them all."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, now, bot.Config{Lang: tt.lang, Executives: tt.execs})
			for _, line := range tt.say {
				if m := r.say("boss", line); m == nil || !strings.Contains(m.Text.String(), "Key message") {
					t.Fatalf("%s: got %v, want a confirmation", line, m)
				}
			}
			m, err := r.b.Home(context.Background(), user(tt.who))
			if err != nil {
				t.Fatalf("Home: %v", err)
			}
			got := m.Text.String()
			section := ""
			if i := strings.Index(got, strings.SplitN(tt.want+"\n", "\n", 2)[0]); tt.want != "" && i >= 0 {
				section = got[i:]
			}
			if tt.want == "" {
				for _, head := range []string{"Scheduled next", "Als Nächstes geplant"} {
					if strings.Contains(got, head) {
						t.Errorf("got %q, want no admin section for %s", got, tt.who)
					}
				}
				return
			}
			if section != tt.want {
				t.Errorf("got section\n%s\nwant\n%s\n(home: %q)", section, tt.want, got)
			}
		})
	}
}

// TestHomeScheduledNextStoreDown: when the key messages can't be read, the
// home page is unavailable rather than claiming that nothing is scheduled.
func TestHomeScheduledNextStoreDown(t *testing.T) {
	down := store.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1}), "herald:")
	b, err := bot.New(bot.Config{
		Shoutouts: &bottest.Shoutouts{}, KeyMessages: down, Schedules: schedule.Parser{}, Outbox: &bottest.Messenger{},
		Lang: "en", Admins: []string{"boss"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Home(context.Background(), user("boss")); bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Errorf("got %v, want %s", err, bot.EUNAVAILABLE)
	}
	if _, err := b.Home(context.Background(), user("anna")); err != nil {
		t.Errorf("home of a non-admin: got %v, want it drawn without the store of key messages", err)
	}
}
