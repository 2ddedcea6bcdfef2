package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

func (s *Store) shoutoutKey(space string, m bot.Month) string {
	return s.space(space) + "shoutout:" + string(m)
}

// AddShoutout stores sh, its leaderboard counts and the per-person indexes in
// one MULTI/EXEC, sent together with those of other shout-outs arriving at
// the same moment (groupCommit). A Lua script would do the same in one
// command, but Redis spends about a third more time in it.
func (s *Store) AddShoutout(ctx context.Context, sh *bot.Shoutout) error {
	sh.ID = newID(sh.At)
	data, err := json.Marshal(sh)
	if err != nil {
		return fmt.Errorf("encode shoutout: %w", err)
	}
	key := s.shoutoutKey(sh.Author.Space(), sh.Month)
	member := string(sh.Month) + "/" + sh.ID
	err = s.group.do(ctx, sh.Author.Space(), func(p redis.Pipeliner) {
		p.HSet(ctx, key, sh.ID, data)
		p.LPush(ctx, key+":idx", sh.ID)
		for _, r := range sh.Recipients {
			p.ZIncrBy(ctx, key+":people", 1, r.Key())
		}
		for _, v := range sh.Values {
			p.ZIncrBy(ctx, key+":values", 1, v)
		}
		s.pushIndex(ctx, p, s.refIndexKey(sh.Author, "given"), member)
		for _, r := range sh.Recipients {
			s.pushIndex(ctx, p, s.refIndexKey(r, "received"), member)
		}
	})
	return unavailable("add shoutout", err)
}

// Shoutouts returns up to limit shout-outs of the month, newest first.
func (s *Store) Shoutouts(ctx context.Context, space string, m bot.Month, limit int) ([]bot.Shoutout, error) {
	key := s.shoutoutKey(space, m)
	ids, err := s.rdb.LRange(ctx, key+":idx", 0, int64(limit)-1).Result()
	if err != nil || len(ids) == 0 {
		return nil, unavailable("list shoutouts", err)
	}
	vals, err := s.rdb.HMGet(ctx, key, ids...).Result()
	if err != nil {
		return nil, unavailable("list shoutouts", err)
	}
	out := make([]bot.Shoutout, 0, len(vals))
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue // indexed but gone: skip rather than fail the list
		}
		var sh bot.Shoutout
		if err := json.Unmarshal([]byte(str), &sh); err != nil {
			return nil, fmt.Errorf("decode shoutout %s: %w", ids[i], err)
		}
		out = append(out, sh)
	}
	return out, nil
}

// ShoutoutBoard returns the month's counts, highest first.
func (s *Store) ShoutoutBoard(ctx context.Context, space string, m bot.Month, limit int) (bot.Board, error) {
	key := s.shoutoutKey(space, m)
	var (
		total          *redis.IntCmd
		people, values *redis.ZSliceCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		total = p.HLen(ctx, key)
		people = p.ZRevRangeWithScores(ctx, key+":people", 0, int64(limit)-1)
		values = p.ZRevRangeWithScores(ctx, key+":values", 0, int64(limit)-1)
		return nil
	})
	if err != nil {
		return bot.Board{}, unavailable("shoutout board", err)
	}
	b := bot.Board{Total: int(total.Val())}
	for _, z := range people.Val() {
		ref, ok := parseRefKey(z.Member.(string))
		if ok {
			b.Recipients = append(b.Recipients, bot.RefCount{Ref: ref, N: int(z.Score)})
		}
	}
	for _, z := range values.Val() {
		b.Values = append(b.Values, bot.ValueCount{Value: z.Member.(string), N: int(z.Score)})
	}
	return b, nil
}

// parseRefKey reads a bot.Ref.Key back into a Ref (without its display name).
func parseRefKey(key string) (bot.Ref, bool) {
	parts := strings.SplitN(key, ":", 4)
	if len(parts) != 4 {
		return bot.Ref{}, false
	}
	return bot.Ref{Platform: bot.Platform(parts[0]), Workspace: parts[1], Kind: bot.RefKind(parts[2]), ID: parts[3]}, true
}
