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

// addShoutout writes a shout-out, its counts and the per-person indexes in
// one atomic step.
// KEYS: hash, idx, people, values, the author's "given" index, each recipient's
// "received" index. ARGV: id, json, time (unix ms), n recipients, recipient ref
// keys…, values…, index member, index length.
var addShoutout = redis.NewScript(`
local id, at, n = ARGV[1], ARGV[3], tonumber(ARGV[4])
redis.call('HSET', KEYS[1], id, ARGV[2])
redis.call('ZADD', KEYS[2], at, id)
for i = 5, 4 + n do redis.call('ZINCRBY', KEYS[3], 1, ARGV[i]) end
for i = 5 + n, #ARGV - 2 do redis.call('ZINCRBY', KEYS[4], 1, ARGV[i]) end
local member, keep = ARGV[#ARGV - 1], tonumber(ARGV[#ARGV])
for i = 5, #KEYS do
  redis.call('ZADD', KEYS[i], at, member)
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -keep - 1)
end
return 1
`)

// AddShoutout stores sh and its leaderboard counts in one atomic step.
func (s *Store) AddShoutout(ctx context.Context, sh *bot.Shoutout) error {
	sh.ID = newID(sh.At)
	data, err := json.Marshal(sh)
	if err != nil {
		return fmt.Errorf("encode shoutout: %w", err)
	}
	key := s.shoutoutKey(sh.Author.Space(), sh.Month)
	member := string(sh.Month) + "/" + sh.ID
	args := make([]any, 0, 6+len(sh.Recipients)+len(sh.Values))
	args = append(args, sh.ID, data, sh.At.UnixMilli(), len(sh.Recipients))
	keys := []string{key, key + ":idx", key + ":people", key + ":values", s.refIndexKey(sh.Author, "given")}
	for _, r := range sh.Recipients {
		args = append(args, r.Key())
		keys = append(keys, s.refIndexKey(r, "received"))
	}
	for _, v := range sh.Values {
		args = append(args, v)
	}
	args = append(args, member, refIndexLen)
	err = addShoutout.Run(ctx, s.rdb, keys, args...).Err()
	return unavailable("add shoutout", err)
}

// Shoutouts returns up to limit shout-outs of the month, newest first.
func (s *Store) Shoutouts(ctx context.Context, space string, m bot.Month, limit int) ([]bot.Shoutout, error) {
	key := s.shoutoutKey(space, m)
	ids, err := s.rdb.ZRevRange(ctx, key+":idx", 0, int64(limit)-1).Result()
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
		total = p.ZCard(ctx, key+":idx")
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
