package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// refIndexLen is how many shout-outs each per-person index keeps.
const refIndexLen = 50

// refIndexKey is the index of the shout-outs r received or gave ("received", "given").
func (s *Store) refIndexKey(r bot.Ref, dir string) string {
	return s.space(r.Space()) + "shoutout:" + string(r.Kind) + ":" + r.ID + ":" + dir
}

// ShoutoutsOf returns up to limit shout-outs user received and gave, newest first.
func (s *Store) ShoutoutsOf(ctx context.Context, user bot.Ref, limit int) (received, given []bot.Shoutout, err error) {
	var rec, giv *redis.StringSliceCmd // newest first
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		rec = p.LRange(ctx, s.refIndexKey(user, "received"), 0, int64(limit)-1)
		giv = p.LRange(ctx, s.refIndexKey(user, "given"), 0, int64(limit)-1)
		return nil
	})
	if err != nil {
		return nil, nil, unavailable("shoutouts of", err)
	}
	if received, err = s.loadShoutouts(ctx, user.Space(), rec.Val()); err != nil {
		return nil, nil, err
	}
	if given, err = s.loadShoutouts(ctx, user.Space(), giv.Val()); err != nil {
		return nil, nil, err
	}
	return received, given, nil
}

// loadShoutouts reads the shout-outs named by index members ("2026-11/id"), in order.
func (s *Store) loadShoutouts(ctx context.Context, space string, members []string) ([]bot.Shoutout, error) {
	if len(members) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.SliceCmd, len(members))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, m := range members {
			month, id, _ := strings.Cut(m, "/")
			cmds[i] = p.HMGet(ctx, s.shoutoutKey(space, bot.Month(month)), id)
		}
		return nil
	})
	if err != nil {
		return nil, unavailable("load shoutouts", err)
	}
	out := make([]bot.Shoutout, 0, len(members))
	for i, cmd := range cmds {
		str, ok := cmd.Val()[0].(string)
		if !ok {
			continue // indexed but gone
		}
		var sh bot.Shoutout
		if err := json.Unmarshal([]byte(str), &sh); err != nil {
			return nil, fmt.Errorf("decode shoutout %s: %w", members[i], err)
		}
		out = append(out, sh)
	}
	return out, nil
}
