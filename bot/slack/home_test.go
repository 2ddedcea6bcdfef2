package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/store/storetest"
)

// TestHomeAdminGolden renders an admin's App Home, made by the core, with
// what is scheduled next: a key message and the digest.
func TestHomeAdminGolden(t *testing.T) {
	ctx := context.Background()
	b := base("T0001")
	admin := b.Same(bot.UserRef, "U0ADMIN", "ada")
	anna := b.Same(bot.UserRef, "U024BE7LH", "anna")
	leadership := b.Same(bot.ChannelRef, "C0LEAD", "leadership")
	st := storetest.MustStore(t)
	core, err := bot.New(bot.Config{
		Shoutouts: st, KeyMessages: st, Schedules: schedule.Parser{}, Outbox: &bottest.Messenger{},
		Clock: bottest.NewClock(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)),
		Lang:  "en", Admins: []string{"U0ADMIN"}, Executives: []bot.Ref{anna}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	reply := core.Handle(ctx, bot.Request{
		User: admin, Channel: leadership,
		Text: `keymsg add "every weekday at 9:00 Europe/Berlin" <#C0LEAD> <@U024BE7LH> Town hall on Friday: bring your questions & ideas`,
		Refs: map[string]bot.Ref{"<#C0LEAD>": leadership, "<@U024BE7LH>": anna},
	})
	if reply == nil || !bytes.Contains([]byte(reply.Text.String()), []byte("scheduled")) {
		t.Fatalf("keymsg add: got %v, want it scheduled", reply)
	}
	home, err := core.Home(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"blocks": Blocks(home, maxHomeBlocks)}); err != nil {
		t.Fatal(err)
	}
	bottest.Golden(t, "home-admin", buf.Bytes(), *update)
}
