package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/outbox"
)

// loadPace reads each platform's starting rate and ceiling per workspace
// (HERALD_SLACK_RATE_START, HERALD_SLACK_RATE_MAX, HERALD_TEAMS_…); unset
// ones keep outbox.DefaultPace.
func loadPace(get func(key, def string) string) (map[bot.Platform]outbox.Pace, error) {
	pace := map[bot.Platform]outbox.Pace{}
	for p, def := range outbox.DefaultPace {
		name := map[bot.Platform]string{bot.Slack: "HERALD_SLACK_RATE_", bot.Teams: "HERALD_TEAMS_RATE_"}[p]
		for _, v := range []struct {
			key string
			to  *float64
		}{{name + "START", &def.Start}, {name + "MAX", &def.Max}} {
			s := get(v.key, strconv.FormatFloat(*v.to, 'f', -1, 64))
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f <= 0 {
				return nil, fmt.Errorf("%s %q is not a number of messages per second above 0", v.key, s)
			}
			*v.to = f
		}
		if def.Start > def.Max {
			return nil, fmt.Errorf("%sSTART %v is above %sMAX %v", name, def.Start, name, def.Max)
		}
		pace[p] = def
	}
	return pace, nil
}

// outboxMetrics exposes what the outbox did and what waits in its queues.
type outboxMetrics struct {
	o                                                         *outbox.Outbox
	backlog, inFlight, oldest, pace                           *prometheus.Desc
	sent, failed, retried, throttled, takeovers, maybeDoubles *prometheus.Desc
}

func newOutboxMetrics(o *outbox.Outbox) *outboxMetrics {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("herald_outbox_"+name, help, labels, nil)
	}
	return &outboxMetrics{
		o:            o,
		backlog:      d("backlog", "Messages queued and not delivered yet, in flight included.", "platform", "workspace"),
		inFlight:     d("in_flight", "Messages a worker of some replica is sending.", "platform", "workspace"),
		oldest:       d("oldest_age_seconds", "Age of the oldest queued message.", "platform", "workspace"),
		pace:         d("pace_per_second", "Current pace of the workspace: messages per second (0: none of its own).", "platform", "workspace"),
		sent:         d("sent_total", "Messages this replica delivered.", "platform"),
		failed:       d("failed_total", "Messages this replica gave up on, by error code.", "platform", "reason"),
		retried:      d("retried_total", "Tries put back for later: \"429\" or an error code.", "platform", "reason"),
		throttled:    d("throttled_total", "Platform calls answered 429 (Retry-After).", "platform"),
		takeovers:    d("takeovers_total", "Times this replica took over entries whose worker's lease ended.", "platform"),
		maybeDoubles: d("possible_doubles_total", "Entries taken over from a worker that stopped; each may have been sent before.", "platform"),
	}
}

// Describe sends the descriptions of the metrics.
func (m *outboxMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.backlog, m.inFlight, m.oldest, m.pace, m.sent, m.failed, m.retried, m.throttled, m.takeovers, m.maybeDoubles} {
		ch <- d
	}
}

// Collect reads the counters and, from Redis, the queues.
func (m *outboxMetrics) Collect(ch chan<- prometheus.Metric) {
	c := m.o.Counts()
	counter := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	for p, v := range c.Sent {
		counter(m.sent, v, string(p))
	}
	for r, v := range c.Failed {
		counter(m.failed, v, string(r.Platform), r.Reason)
	}
	for r, v := range c.Retried {
		counter(m.retried, v, string(r.Platform), r.Reason)
	}
	for p, v := range c.Throttled {
		counter(m.throttled, v, string(p))
	}
	for p, v := range c.Takeovers {
		counter(m.takeovers, v, string(p))
	}
	for p, v := range c.PossibleDoubles {
		counter(m.maybeDoubles, v, string(p))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	bs, err := m.o.Backlogs(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(m.backlog, err)
		return
	}
	for _, b := range bs {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, string(b.Platform), b.Space)
		}
		gauge(m.backlog, float64(b.Queued))
		gauge(m.inFlight, float64(b.InFlight))
		gauge(m.oldest, b.Oldest.Seconds())
		gauge(m.pace, b.Pace)
	}
}
