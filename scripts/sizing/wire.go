package main

import (
	"context"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/outbox"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/store"
)

// deliveryQueue is the durable delivery queue, run and drained by the simulation.
type deliveryQueue interface {
	Run(ctx context.Context) error
	Drain(ctx context.Context) error
}

// wire builds the core on the store in rdb, as cmd/herald does, with w as
// Slack's Messenger and Directory and the delivery queue sending without
// pacing.
func wire(rdb redis.UniversalClient, w *world, clock bot.Clock) (*bot.Bot, deliveryQueue, error) {
	st := store.New(rdb, prefix)
	queue := outbox.New(outbox.Config{
		Redis: rdb, Prefix: prefix, Messenger: bot.Messengers{bot.Slack: w},
		Outcomes: bot.DeliveryLog{KeyMessages: st},
		Pace:     map[bot.Platform]outbox.Pace{bot.Slack: {}},
		Logger:   slog.New(slog.DiscardHandler),
	})
	b, err := bot.New(bot.Config{
		Shoutouts: st, Pulses: st, KeyMessages: st, People: st, Goals: st,
		Schedules: schedule.Parser{}, Outbox: queue, Directory: bot.Directories{bot.Slack: w},
		Lang: "en", Clock: clock, Logger: slog.New(slog.DiscardHandler), Admins: []string{w.people[0].ID},
	})
	return b, queue, err
}
