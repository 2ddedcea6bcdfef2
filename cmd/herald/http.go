package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/herald-chat/herald/bot"
	slackbot "github.com/herald-chat/herald/bot/slack"
	teamsbot "github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/store"
)

// maxBody is the largest request body herald reads; larger ones get 413.
const maxBody = 1 << 20

// runServer serves HTTP on cfg.Addr, runs the platform adapters, the delivery
// outbox and the scheduler until ctx ends, then drains.
func runServer(ctx context.Context, cfg config, log *slog.Logger, st *store.Store) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		pctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := st.Ping(pctx); err != nil {
			log.Warn("not ready", "err", err)
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if err := mountPages(mux, cfg); err != nil {
		return err
	}

	ms, dirs := bot.Messengers{}, bot.Directories{}
	var slackClient *slackbot.Client
	var slackUser string
	if cfg.SlackBotToken != "" {
		slackClient = newSlackClient(cfg, log)
		slackClient.Revocations = st
		var err error
		if slackUser, err = checkSlackToken(ctx, slackClient, log); err != nil {
			return err
		}
		ms[bot.Slack], dirs[bot.Slack] = slackClient, slackClient
	}
	var teamsClient *teamsbot.Client
	if cfg.TeamsAppID != "" {
		links := teamsLinks(cfg, st)
		if links != nil {
			mux.Handle("GET /files/{id}", links.Handler())
		}
		tc, err := newTeamsClient(cfg, log, st, links)
		if err != nil {
			return err
		}
		teamsClient = tc
		ms[bot.Teams], dirs[bot.Teams] = teamsClient, teamsClient
	}
	d, err := newDelivery(ctx, cfg, log, st, ms, dirs, cfg.Admins)
	if err != nil {
		return err
	}
	reg.MustRegister(newOutboxMetrics(d.outbox))

	// Adapters drain after the HTTP server stopped taking requests.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	g, gctx := errgroup.WithContext(ctx)
	d.run(gctx, g)
	if slackClient != nil {
		sa := slackbot.New(slackbot.Config{
			Handler: d.bot, Client: slackClient, Seen: st, SigningSecret: cfg.SlackSecret, Logger: log,
			BotUser: slackUser, Workers: cfg.SlackWorkers, Queue: cfg.SlackQueue, BodyBudget: cfg.BodyBudget,
		})
		if cfg.SlackSecret != "" {
			mountSlack(mux, sa)
		}
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "herald_slack_queued", Help: "Slack requests waiting for a worker."},
				func() float64 { return float64(sa.Queued()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "herald_slack_busy_total", Help: "Slack requests answered \"busy\" because every worker and queue slot was taken."},
				func() float64 { return float64(sa.Refused()) }),
		)
		registerBodyMetrics(reg, "slack", "Slack requests", sa)
		g.Go(runSlack(workCtx, gctx, cfg, sa))
		log.Info("slack on", "http", cfg.SlackSecret != "", "socket_mode", cfg.SlackAppToken != "")
	}
	if teamsClient != nil {
		ta, work := runTeams(gctx, workCtx, cfg, log, mux, d.bot, teamsClient, st)
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "herald_teams_queued", Help: "Teams activities waiting for a worker."},
				func() float64 { return float64(ta.Queued()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "herald_teams_busy_total", Help: "Teams activities refused with 503 because every worker and queue slot was taken."},
				func() float64 { return float64(ta.Refused()) }),
		)
		registerBodyMetrics(reg, "teams", "Teams activities", ta)
		g.Go(work)
		log.Info("teams on", "app_id", cfg.TeamsAppID)
	}
	g.Go(func() error {
		defer stopWork()
		return serve(gctx, cfg, log, instrument(reg, limitBody(mux)))
	})
	return g.Wait()
}

// serve listens on cfg.Addr and serves h until ctx ends, then lets in-flight
// requests finish.
func serve(ctx context.Context, cfg config, log *slog.Logger, h http.Handler) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("HERALD_ADDR: %w", err)
	}
	srv := &http.Server{
		Handler: h,
		// A stalled client holds a connection (and what it sent of a body,
		// within the adapter's budget for bodies) no longer than this:
		// headers in 5s, the whole request in 15s (the defaults).
		ReadHeaderTimeout: cfg.HeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		// Counted from the end of the headers, like the read: the whole
		// request, then a Slack reply that waits for the core (2s), with room.
		WriteTimeout: cfg.ReadTimeout + 15*time.Second,
		IdleTimeout:  2 * time.Minute,
	}
	log.Info("http listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http: %w", err)
	}
	log.Info("http stopped")
	return nil
}

// bodyStats is what an adapter reports of the request bodies it reads.
type bodyStats interface {
	BodyBytes() (now, peak int64)
	BodyRefused() uint64
}

// registerBodyMetrics registers the metrics of the bodies that platform's
// adapter reads (what names them in the help texts).
func registerBodyMetrics(reg prometheus.Registerer, platform, what string, a bodyStats) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "herald_" + platform + "_body_bytes", Help: "Bytes held by the bodies of " + what + " being read."},
			func() float64 { now, _ := a.BodyBytes(); return float64(now) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "herald_" + platform + "_body_bytes_peak", Help: "The most bytes the bodies of " + what + " being read held at once since herald started."},
			func() float64 { _, peak := a.BodyBytes(); return float64(peak) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "herald_" + platform + "_body_busy_total", Help: what + " answered 503 because the memory for bodies being read was taken."},
			func() float64 { return float64(a.BodyRefused()) }),
	)
}

// limitBody answers 413 to bodies announced over maxBody. The handlers that
// read a body read at most 1 MiB of it, within their budget of memory for
// bodies being read (the adapters' edges); r.Body stays as
// net/http made it, so that a request refused from its headers alone is
// answered at once and its connection closed with the body unread (a
// wrapped body would make net/http wait to read up to 256 KiB of it first).
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// instrument counts requests and their durations by status code and method.
func instrument(reg prometheus.Registerer, next http.Handler) http.Handler {
	reqs := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "herald_http_requests_total", Help: "HTTP requests by status code and method.",
	}, []string{"code", "method"})
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "herald_http_request_duration_seconds", Help: "HTTP request latency.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	}, []string{"code", "method"})
	reg.MustRegister(reqs, dur)
	return promhttp.InstrumentHandlerCounter(reqs, promhttp.InstrumentHandlerDuration(dur, next))
}
