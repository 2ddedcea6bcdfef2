package store_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/outbox"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// BenchmarkShoutoutThroughCore measures "shoutout @a @b text #value" typed by a
// user, parsed by the core and stored in a real Redis with its counts and its
// broadcast queued in the outbox in the same transaction, as herald runs it.
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench ShoutoutThroughCore -benchtime 100000x ./store/
func BenchmarkShoutoutThroughCore(b *testing.B) {
	rdb, prefix := storetest.MustRedis(b)
	st := store.New(rdb, prefix)
	ob := outbox.New(outbox.Config{Redis: rdb, Prefix: prefix, Messenger: bot.Messengers{}, Logger: slog.New(slog.DiscardHandler)})
	st.AnnounceThrough(ob.Prepare)
	hb, err := bot.New(bot.Config{Shoutouts: st, People: st, Outbox: ob, Lang: "en", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	anna := bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: "T1", ID: "UANNA", Name: "anna"}
	ben := anna.Same(bot.UserRef, "UBEN", "ben")
	me := anna.Same(bot.UserRef, "UME", "me")
	req := bot.Request{
		User: me, Channel: anna.Same(bot.ChannelRef, "CWINS", "wins"),
		Text: "shoutout <@UANNA> <@UBEN> shipped the CRM rollout on time #customer-first #ownership",
		Refs: map[string]bot.Ref{"<@UANNA>": anna, "<@UBEN>": ben},
	}
	ctx := context.Background()
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if m := hb.Handle(ctx, req); m == nil || len(m.Text) == 0 {
				b.Error("no confirmation")
				return
			}
		}
	})
	b.StopTimer()
	backlogs, err := ob.Backlogs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var queued int64
	for _, bl := range backlogs {
		queued += bl.Queued
	}
	if queued != int64(b.N) {
		b.Fatalf("got %d broadcasts queued, want %d", queued, b.N)
	}
	board, err := st.ShoutoutBoard(ctx, me.Space(), bot.MonthOf(bot.SystemClock{}.Now(), time.UTC), 1)
	if err != nil {
		b.Fatal(err)
	}
	if board.Total != b.N {
		b.Fatalf("stored %d shout-outs, want %d", board.Total, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "shoutouts/s")
}
