package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Goal metrics.
const (
	MetricENPS      = "enps"      // the latest shown eNPS of a pulse
	MetricShoutouts = "shoutouts" // shout-outs given from the goal's start to its date
)

// Goal is a measurable target of the change, such as "eNPS of P1 at +20 by
// 2027-03-31" or "200 shout-outs by 2026-12-31".
type Goal struct {
	ID      string    `json:"id"` // "G1", per workspace
	Space   string    `json:"space"`
	Name    string    `json:"name"`
	Metric  string    `json:"metric"`          // MetricENPS or MetricShoutouts
	Pulse   string    `json:"pulse,omitempty"` // for MetricENPS
	Target  int       `json:"target"`
	By      time.Time `json:"by"` // the last day, midnight in herald's zone
	Owner   Ref       `json:"owner"`
	Created time.Time `json:"created"`
}

// GoalStore keeps goals per workspace.
type GoalStore interface {
	// AddGoal stores g and sets g.ID ("G1", "G2", … per space). Returns
	// EUNAVAILABLE when the database can't be reached.
	AddGoal(ctx context.Context, g *Goal) error
	// Goals returns the goals of a space, oldest first.
	Goals(ctx context.Context, space string) ([]Goal, error)
	// DeleteGoal removes a goal. Returns ENOTFOUND if it does not exist.
	DeleteGoal(ctx context.Context, space, id string) error
}

// GoalStatus is a goal with its progress.
type GoalStatus struct {
	Goal    Goal
	Current int  // the metric's value now
	Known   bool // false when there is no value yet (no round shown yet)
	Reached bool
}

const maxGoalName = 200

// goals is the goal feature: measurable targets of the change and their progress.
type goals struct {
	store     GoalStore
	pulses    *pulses // for eNPS goals; nil when pulses are off
	shoutouts ShoutoutStore
	loc       *time.Location
}

func (gs *goals) commands() []command {
	return []command{{
		name: "goal", admin: true, noSub: "goal.err.sub",
		usage: "cmd.goal.usage", summary: "cmd.goal.summary", help: "cmd.goal.help",
		subs: []subcommand{{name: "add", run: gs.add}, {name: "list", run: gs.goalList}, {name: "delete", run: gs.goalDelete}},
	}}
}

// add handles `goal add "<name>" metric=… target=… by=…`.
func (gs *goals) add(ctx context.Context, c *call) (*Message, error) {
	g, err := gs.parseGoal(ctx, c, c.args)
	if err != nil {
		return nil, err
	}
	if err := gs.store.AddGoal(ctx, g); err != nil {
		return nil, fmt.Errorf("add goal: %w", err)
	}
	return reply(Plain(c.t("goal.added", g.ID, g.Name, g.Target, c.p().Date(g.By)))), nil
}

// parseGoal reads `"<name>" metric=<enps:PULSE_ID|shoutouts> target=<n> by=<YYYY-MM-DD>`.
func (gs *goals) parseGoal(ctx context.Context, c *call, args []string) (*Goal, error) {
	if len(args) == 0 || strings.Contains(args[0], "=") {
		return nil, usageError("goal", "goal.err.name")
	}
	g := &Goal{Space: c.req.User.Space(), Name: strings.TrimSpace(args[0]), Owner: c.req.User, Created: c.now}
	if g.Name == "" {
		return nil, usageError("goal", "goal.err.name")
	}
	if utf8.RuneCountInString(g.Name) > maxGoalName {
		return nil, Errorf(EINVALID, "goal.err.name.long", maxGoalName)
	}
	var haveTarget, haveBy bool
	for _, w := range args[1:] {
		key, val, ok := strings.Cut(w, "=")
		switch strings.ToLower(key) {
		case "metric":
			m, pulse, _ := strings.Cut(strings.ToLower(val), ":")
			switch {
			case m == MetricShoutouts && pulse == "":
				g.Metric = MetricShoutouts
			case m == MetricENPS && pulse != "" && gs.pulses != nil:
				pulse = strings.ToUpper(pulse)
				p, err := gs.pulses.store.Pulse(ctx, g.Space, pulse)
				if ErrorCode(err) == ENOTFOUND {
					return nil, Errorf(ENOTFOUND, "pulse.err.notfound", pulse)
				}
				if err != nil {
					return nil, fmt.Errorf("load pulse %s: %w", pulse, err)
				}
				if !hasType(p, QNPS) {
					return nil, Errorf(EINVALID, "goal.err.notnps", p.ID)
				}
				g.Metric, g.Pulse = MetricENPS, p.ID
			default:
				return nil, usageError("goal", "goal.err.metric", val)
			}
		case "target":
			n, err := strconv.Atoi(val)
			if err != nil || n < -100 || n > 1000000 {
				return nil, usageError("goal", "goal.err.target", val)
			}
			g.Target, haveTarget = n, true
		case "by":
			d, err := time.ParseInLocation(time.DateOnly, val, gs.loc)
			if err != nil {
				return nil, usageError("goal", "goal.err.by", val)
			}
			if d.Before(c.now.In(gs.loc).Truncate(24 * time.Hour).Add(-24 * time.Hour)) {
				return nil, Errorf(EINVALID, "goal.err.past", val)
			}
			g.By, haveBy = d, true
		default:
			if !ok {
				return nil, usageError("goal", "pulse.err.word", w)
			}
			return nil, usageError("goal", "pulse.err.key", key)
		}
	}
	switch {
	case g.Metric == "":
		return nil, usageError("goal", "goal.err.metric", "")
	case !haveTarget:
		return nil, usageError("goal", "goal.err.target", "")
	case !haveBy:
		return nil, usageError("goal", "goal.err.by", "")
	case g.Metric == MetricENPS && g.Target > 100:
		return nil, Errorf(EINVALID, "goal.err.target.enps", g.Target)
	case g.Metric == MetricShoutouts && g.Target < 1:
		return nil, Errorf(EINVALID, "goal.err.target.low", g.Target)
	}
	return g, nil
}

func hasType(p *Pulse, t QuestionType) bool {
	for _, q := range p.Questions {
		if q.Type == t {
			return true
		}
	}
	return false
}

// progress returns the goals of a space with their progress, for "goal
// list" and the executive digest.
func (gs *goals) progress(ctx context.Context, space string) ([]GoalStatus, error) {
	goals, err := gs.store.Goals(ctx, space)
	if err != nil {
		return nil, fmt.Errorf("list goals: %w", err)
	}
	out := make([]GoalStatus, len(goals))
	for i, g := range goals {
		s := GoalStatus{Goal: g}
		switch g.Metric {
		case MetricENPS:
			s.Current, s.Known, err = gs.latestENPS(ctx, space, g.Pulse)
		case MetricShoutouts:
			s.Current, err = gs.shoutoutsBetween(ctx, space, g.Created, g.By)
			s.Known = true
		}
		if err != nil {
			return nil, err
		}
		s.Reached = s.Known && s.Current >= g.Target
		out[i] = s
	}
	return out, nil
}

// latestENPS returns the eNPS of the latest round of a pulse whose results may
// be shown.
func (gs *goals) latestENPS(ctx context.Context, space, pulseID string) (int, bool, error) {
	p, err := gs.pulses.store.Pulse(ctx, space, pulseID)
	if err != nil {
		return 0, false, fmt.Errorf("load pulse %s: %w", pulseID, err)
	}
	q := 0
	for i, x := range p.Questions {
		if x.Type == QNPS {
			q = i + 1
			break
		}
	}
	for n := p.Rounds; n >= 1 && q > 0; n-- {
		t, err := gs.pulses.store.Tally(ctx, space, p.ID, n)
		if err != nil {
			return 0, false, fmt.Errorf("tally %s.%d: %w", p.ID, n, err)
		}
		if !gs.pulses.disclose(p, t).question[q] || t.answers(q, allSegments) == 0 {
			continue
		}
		c := t.counts(q, allSegments)
		return npsOf(c).Score, true, nil
	}
	return 0, false, nil
}

// shoutoutsBetween counts the shout-outs of the months from from to to.
func (gs *goals) shoutoutsBetween(ctx context.Context, space string, from, to time.Time) (int, error) {
	n := 0
	end := MonthOf(to, gs.loc)
	for t := from.In(gs.loc); ; t = t.AddDate(0, 1, 1-t.Day()) {
		m := MonthOf(t, gs.loc)
		if m > end {
			break
		}
		board, err := gs.shoutouts.ShoutoutBoard(ctx, space, m, 1)
		if err != nil {
			return 0, fmt.Errorf("shoutouts of %s: %w", m, err)
		}
		n += board.Total
	}
	return n, nil
}

func (gs *goals) goalList(ctx context.Context, c *call) (*Message, error) {
	list, err := gs.progress(ctx, c.req.User.Space())
	if err != nil {
		return nil, err
	}
	m := &Message{Ephemeral: true, Header: c.t("goal.list.header")}
	if len(list) == 0 {
		m.Text = Plain(c.t("goal.list.empty"))
		return m, nil
	}
	lines := make([]string, len(list))
	for i, s := range list {
		lines[i] = "• " + c.goalLine(s)
	}
	m.Text = Plain(strings.Join(lines, "\n"))
	return m, nil
}

// goalLine says where a goal stands: its metric now, its target and date,
// and whether it was reached or missed.
func (c *call) goalLine(s GoalStatus) string {
	g := s.Goal
	what := c.t("goal.metric.shoutouts")
	if g.Metric == MetricENPS {
		what = c.t("goal.metric.enps", g.Pulse)
	}
	now := c.t("goal.unknown")
	if s.Known {
		now = strconv.Itoa(s.Current)
	}
	state := ""
	switch {
	case s.Reached:
		state = " ✅ " + c.t("goal.reached")
	case c.now.After(g.By.AddDate(0, 0, 1)):
		state = " ⌛ " + c.t("goal.missed")
	}
	return c.t("goal.line", g.ID, g.Name, what, now, g.Target, c.p().Date(g.By)) + state
}

// GoalProgress returns the goals of a space with their progress, as "goal
// list" and the executive digest show them.
func (b *Bot) GoalProgress(ctx context.Context, space string) ([]GoalStatus, error) {
	if b.goals == nil {
		return nil, nil
	}
	return b.goals.progress(ctx, space)
}
