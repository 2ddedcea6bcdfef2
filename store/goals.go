package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/herald-chat/herald/bot"
)

var _ bot.GoalStore = (*Store)(nil)

func (s *Store) goalsKey(space string) string { return s.space(space) + "goals" }

// AddGoal stores g under the next id of its space.
func (s *Store) AddGoal(ctx context.Context, g *bot.Goal) error {
	n, err := s.rdb.Incr(ctx, s.space(g.Space)+"goal:seq").Result()
	if err != nil {
		return unavailable("add goal", err)
	}
	g.ID = "G" + strconv.FormatInt(n, 10)
	data, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("encode goal: %w", err)
	}
	return unavailable("add goal", s.rdb.HSet(ctx, s.goalsKey(g.Space), g.ID, data).Err())
}

// Goals returns the goals of a space, oldest first.
func (s *Store) Goals(ctx context.Context, space string) ([]bot.Goal, error) {
	all, err := s.rdb.HGetAll(ctx, s.goalsKey(space)).Result()
	if err != nil {
		return nil, unavailable("list goals", err)
	}
	out := make([]bot.Goal, 0, len(all))
	for id, data := range all {
		var g bot.Goal
		if err := json.Unmarshal([]byte(data), &g); err != nil {
			return nil, fmt.Errorf("decode goal %s: %w", id, err)
		}
		out = append(out, g)
	}
	num := func(id string) int { n, _ := strconv.Atoi(strings.TrimPrefix(id, "G")); return n }
	slices.SortFunc(out, func(a, b bot.Goal) int { return cmp.Compare(num(a.ID), num(b.ID)) })
	return out, nil
}

// DeleteGoal removes a goal, or returns ENOTFOUND.
func (s *Store) DeleteGoal(ctx context.Context, space, id string) error {
	n, err := s.rdb.HDel(ctx, s.goalsKey(space), id).Result()
	if err != nil {
		return unavailable("delete goal", err)
	}
	if n == 0 {
		return bot.Errorf(bot.ENOTFOUND, "goal.err.notfound", id)
	}
	return nil
}
