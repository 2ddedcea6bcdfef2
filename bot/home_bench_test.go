package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/store/storetest"
)

// BenchmarkHomeAdmin draws an admin's home page in a workspace with 1,000 key
// messages: every schedule is read to find the next five sends.
func BenchmarkHomeAdmin(b *testing.B) {
	ctx := context.Background()
	st := storetest.MustStore(b)
	core, err := bot.New(bot.Config{
		Shoutouts: st, KeyMessages: st, Schedules: schedule.Parser{}, Outbox: &bottest.Messenger{},
		Clock: bottest.NewClock(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)),
		Lang:  "en", Admins: []string{"boss"}, Executives: []bot.Ref{user("exec")},
	})
	if err != nil {
		b.Fatal(err)
	}
	specs := []string{"every weekday at 9:00 Europe/Berlin", "every monday at 7:30", "every 2 weeks on friday at 15:00", "every month on the first monday at 9:00", "0 */4 * * *"}
	for i := range 1000 {
		text := fmt.Sprintf(`keymsg add %q #general Update %d`, specs[i%len(specs)], i)
		m := core.Handle(ctx, bot.Request{User: user("boss"), Channel: channel("general", "general"), Text: text,
			Refs: map[string]bot.Ref{"#general": channel("general", "general")}})
		if !strings.Contains(m.Text.String(), "scheduled") {
			b.Fatalf("%s: %s", text, m.Text.String())
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := core.Home(ctx, user("boss")); err != nil {
			b.Fatal(err)
		}
	}
}
