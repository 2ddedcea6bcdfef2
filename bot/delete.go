package bot

import (
	"context"
	"fmt"
	"strings"
)

// confirmed reports whether the words after an id confirm a deletion: "yes"
// (or "ja", "confirm", "bestätigen").
func confirmed(words []string) bool {
	if len(words) != 1 {
		return false
	}
	switch strings.ToLower(words[0]) {
	case "yes", "ja", "confirm", "bestätigen":
		return true
	}
	return false
}

// pulseDelete handles "pulse delete ID": it says what would go and asks for
// "pulse delete ID yes", which deletes the pulse with every round and answer.
func (ps *pulses) pulseDelete(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) < 1 || len(c.args) > 2 {
		return nil, usageError("pulse", "pulse.err.id", "pulse delete")
	}
	p, err := ps.store.Pulse(ctx, c.req.User.Space(), strings.ToUpper(c.args[0]))
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "pulse.err.notfound", c.args[0])
	}
	if err != nil {
		return nil, fmt.Errorf("load pulse %s: %w", c.args[0], err)
	}
	if !confirmed(c.args[1:]) {
		return reply(Plain(c.t("pulse.delete.confirm", p.ID, title(c.p(), p), p.Rounds))), nil
	}
	if err := ps.store.DeletePulse(ctx, p.Space, p.ID); err != nil {
		return nil, fmt.Errorf("delete pulse %s: %w", p.ID, err)
	}
	for n := 1; n <= p.Rounds; n++ {
		ps.rounds.forget(roundKey(p.Space, Round{Pulse: p.ID, N: n}.ID()))
	}
	return reply(Plain(c.t("pulse.deleted", p.ID))), nil
}

// goalDelete handles "goal delete ID" like pulseDelete: "goal delete ID yes" deletes.
func (gs *goals) goalDelete(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) < 1 || len(c.args) > 2 {
		return nil, usageError("goal", "goal.err.id", "goal delete")
	}
	id := strings.ToUpper(c.args[0])
	list, err := gs.store.Goals(ctx, c.req.User.Space())
	if err != nil {
		return nil, fmt.Errorf("list goals: %w", err)
	}
	for _, g := range list {
		if g.ID != id {
			continue
		}
		if !confirmed(c.args[1:]) {
			return reply(Plain(c.t("goal.delete.confirm", g.ID, g.Name))), nil
		}
		if err := gs.store.DeleteGoal(ctx, g.Space, g.ID); err != nil {
			return nil, fmt.Errorf("delete goal %s: %w", g.ID, err)
		}
		return reply(Plain(c.t("goal.deleted", g.ID))), nil
	}
	return nil, Errorf(ENOTFOUND, "goal.err.notfound", c.args[0])
}
