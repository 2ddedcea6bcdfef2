package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/console"
	"github.com/herald-chat/herald/chart"
	"github.com/herald-chat/herald/outbox"
	"github.com/herald-chat/herald/schedule"
	"github.com/herald-chat/herald/scheduler"
	"github.com/herald-chat/herald/store"
)

// run is herald: it returns when ctx ends or, in the console, when input ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runWithClock(ctx, bot.SystemClock{}, args, getenv, stdin, stdout, stderr)
}

// runWithClock is run with clock as the time of the core and the scheduler:
// tests move it instead of waiting for the wall clock.
func runWithClock(ctx context.Context, clock bot.Clock, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	if len(args) > 1 {
		switch args[1] {
		case "version":
			fmt.Fprintln(stdout, currentBuild())
			return nil
		case "healthcheck":
			if getenv, err = withDotenv(getenv); err != nil {
				return err
			}
			return healthcheck(ctx, getenv, stdout)
		case "backup", "restore":
			if getenv, err = withDotenv(getenv); err != nil {
				return err
			}
			return backupCommand(ctx, args[1], args[2:], getenv, stdout, stderr)
		case "slack-manifest":
			if getenv, err = withDotenv(getenv); err != nil {
				return err
			}
			return slackManifest(args[2:], getenv, stdout, stderr)
		case "teams-manifest":
			if getenv, err = withDotenv(getenv); err != nil {
				return err
			}
			return teamsManifest(args[2:], getenv, stdout, stderr)
		default:
			return fmt.Errorf("unknown command %q: want no argument, version, healthcheck, backup, restore, slack-manifest or teams-manifest", args[1])
		}
	}
	getenv, err = withDotenv(getenv)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	cfg.Clock = clock
	log := newLogger(cfg, stderr)

	st, err := openStore(ctx, cfg, log, false)
	if err != nil {
		return err
	}
	// The store outlives the work: on a stop, handlers drain first, then the
	// store closes (the embedded store fsyncs its journal).
	defer func() { err = errors.Join(err, st.Close()) }()

	if cfg.consoleMode() {
		return runConsole(ctx, cfg, log, st, stdin, stdout)
	}
	return runServer(ctx, cfg, log, st)
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newBot wires the core.
func newBot(cfg config, log *slog.Logger, st *store.Store, ob bot.Outbox, dir bot.Directory, admins []string) (*bot.Bot, error) {
	return bot.New(bot.Config{
		Shoutouts:       st,
		Pulses:          st,
		Goals:           st,
		People:          st,
		KeyMessages:     st,
		Charts:          chart.Drawer{},
		Clock:           cfg.Clock,
		Outbox:          ob,
		Directory:       dir,
		Schedules:       schedule.Parser{},
		Logger:          log,
		Lang:            cfg.Lang,
		Location:        cfg.Location,
		Admins:          admins,
		WinsChannel:     cfg.WinsChannel,
		AnonymityMin:    cfg.AnonymityMin,
		MinInterval:     cfg.MinInterval,
		FeedbackChannel: cfg.FeedbackChannel,
		Executives:      cfg.Executives,
		DigestSchedule:  cfg.DigestSchedule,
	})
}

// delivery is the core with its outbox and scheduler, wired and loaded.
type delivery struct {
	bot    *bot.Bot
	outbox *outbox.Outbox
	sched  *scheduler.Scheduler
}

// newDelivery wires the core to the durable delivery queue (its Outbox) and the
// scheduler, and loads the schedules: a bad one fails here, at start.
func newDelivery(ctx context.Context, cfg config, log *slog.Logger, st *store.Store, ms bot.Messengers, dir bot.Directory, admins []string) (*delivery, error) {
	d := &delivery{}
	d.outbox = outbox.New(outbox.Config{
		Redis: st.Client(), Prefix: st.Prefix(), Messenger: ms, Logger: log, Pace: cfg.Pace,
		Outcomes: bot.DeliveryLog{KeyMessages: st},
	})
	st.AnnounceThrough(d.outbox.Prepare)
	b, err := newBot(cfg, log, st, d.outbox, dir, admins)
	if err != nil {
		return nil, err
	}
	d.bot = b
	d.sched = scheduler.New(scheduler.Config{
		Redis: st.Client(), Prefix: st.Prefix(), Versions: st,
		Core: b, Clock: cfg.Clock, Logger: log, Grace: cfg.CatchupGrace,
	})
	if err := d.sched.Start(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// run runs the outbox workers and the scheduler in g until ctx ends.
func (d *delivery) run(ctx context.Context, g *errgroup.Group) {
	g.Go(func() error { return d.outbox.Run(ctx) })
	g.Go(func() error { return d.sched.Run(ctx) })
}

func runConsole(ctx context.Context, cfg config, log *slog.Logger, st *store.Store, stdin io.Reader, stdout io.Writer) error {
	con := console.New(stdout, cfg.ConsoleUser, cfg.ConsoleMembers)
	con.SaveFilesIn(filepath.Join(cfg.DataDir, "files"))
	d, err := newDelivery(ctx, cfg, log, st, bot.Messengers{bot.Console: con}, bot.Directories{bot.Console: con}, append(cfg.Admins, cfg.ConsoleUser))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, d.bot.Catalog().T("", "console.banner", cfg.ConsoleUser))
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	g, gctx := errgroup.WithContext(ctx)
	d.run(gctx, g)
	g.Go(func() error {
		defer stop()
		if err := con.Run(gctx, stdin, d.bot); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil // stopped (Ctrl-C, SIGTERM): a clean stop, the outbox keeps what waits
		}
		// Input ended: let the outbox deliver what is waiting, briefly.
		dctx, cancel := context.WithTimeout(gctx, drainWait)
		defer cancel()
		return d.outbox.Drain(dctx)
	})
	return g.Wait()
}

// drainWait is how long the console waits for queued messages when input ends.
const drainWait = 3 * time.Second

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
