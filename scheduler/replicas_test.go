package scheduler_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/outbox"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/scheduler"
	"github.com/herald-chat/herald/store/storetest"
)

// replica is one herald process: core, outbox and scheduler.
type replica struct {
	bot    *bot.Bot
	outbox *outbox.Outbox
	sched  *scheduler.Scheduler
}

func TestThreeReplicasSendADueKeyMessageOnce(t *testing.T) {
	st := storetest.MustStore(t)
	ctx := context.Background()
	p := &bottest.Platform{}
	clock := bottest.NewClock(time.Date(2026, 11, 18, 8, 59, 0, 0, time.UTC))
	ws := func(kind bot.RefKind, id string) bot.Ref {
		return bot.Ref{Kind: kind, Platform: bot.Slack, Workspace: "T1", ID: id, Name: id}
	}
	dir := &bottest.Directory{}
	dir.Set(ws(bot.ChannelRef, "general"), ws(bot.UserRef, "anna"), ws(bot.UserRef, "ben"))
	dir.Set(ws(bot.GroupRef, "leads"), ws(bot.UserRef, "carla"), ws(bot.UserRef, "dan"))
	var replicas []*replica
	for i := range 3 {
		r := &replica{}
		r.outbox = outbox.New(outbox.Config{
			Logger: quiet, Redis: st.Client(), Prefix: st.Prefix(), Messenger: bot.Messengers{bot.Slack: p},
			Outcomes: bot.DeliveryLog{KeyMessages: st},
			Pace:     map[bot.Platform]outbox.Pace{bot.Slack: {PerTarget: 10 * time.Millisecond}},
			Workers:  2, Consumer: string(rune('a' + i)),
		})
		b, err := bot.New(bot.Config{Shoutouts: st, KeyMessages: st, Outbox: r.outbox, Directory: dir,
			Schedules: schedule.Parser{}, Clock: clock, Lang: "en", Admins: []string{"boss"}, Logger: quiet})
		if err != nil {
			t.Fatalf("bot: %v", err)
		}
		r.bot = b
		replicas = append(replicas, r)
	}
	req := bot.Request{User: ws(bot.UserRef, "boss"), Channel: ws(bot.ChannelRef, "general"),
		Text: `keymsg add "every weekday at 9:00" #general @leads Town hall at noon`,
		Refs: map[string]bot.Ref{"#general": ws(bot.ChannelRef, "general"), "@leads": ws(bot.GroupRef, "leads")}}
	if m := replicas[0].bot.Handle(ctx, req); !strings.Contains(m.Text.String(), "scheduled") {
		t.Fatalf("add: got %q", m.Text.String())
	}
	runCtx, stop := context.WithCancel(ctx)
	var running sync.WaitGroup
	t.Cleanup(func() { stop(); running.Wait() })
	for _, r := range replicas {
		r.sched = scheduler.New(scheduler.Config{Logger: quiet, Redis: st.Client(), Prefix: st.Prefix(),
			Versions: st, Core: r.bot, Clock: clock})
		if err := r.sched.Start(ctx); err != nil {
			t.Fatalf("start: %v", err)
		}
		running.Go(func() {
			if err := r.outbox.Run(runCtx); err != nil {
				t.Errorf("outbox run: %v", err)
			}
		})
	}
	for _, at := range []time.Time{clock.Now().Add(time.Minute), clock.Now().Add(2 * time.Minute)} {
		clock.Set(at)
		var wg sync.WaitGroup
		for _, r := range replicas {
			wg.Go(func() {
				if err := r.sched.Tick(ctx, at); err != nil {
					t.Errorf("tick: %v", err)
				}
			})
		}
		wg.Wait()
	}
	if !bottest.Eventually(t, 10*time.Second, func() bool { return p.Total() >= 3 }) {
		t.Fatalf("timed out waiting for three messages")
	}
	time.Sleep(300 * time.Millisecond) // a duplicate would arrive now
	got := p.Got()
	for _, to := range []string{"slack:T1:channel:general", "slack:T1:user:carla", "slack:T1:user:dan"} {
		if got[to] != 1 {
			t.Errorf("%s got %d messages, want 1", to, got[to])
		}
	}
	if len(got) != 3 {
		t.Errorf("got messages to %v, want the channel and the two leads", got)
	}
	show := replicas[2].bot.Handle(ctx, bot.Request{User: ws(bot.UserRef, "boss"), Channel: ws(bot.ChannelRef, "general"), Text: "keymsg show 1"})
	var body strings.Builder
	for _, f := range show.Fields {
		body.WriteString(f.Value.String() + "\n")
	}
	if want := "Wed 2026-11-18 09:00 UTC · delivered 3 of 3 · acknowledged 0 of 4"; !strings.Contains(body.String(), want) {
		t.Errorf("show: got %q, want it to contain %q", body.String(), want)
	}
}
