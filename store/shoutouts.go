package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

func (s *Store) shoutoutKey(space string, m bot.Month) string {
	return s.space(space) + "shoutout:" + string(m)
}

// shoutoutScript stores a shout-out once: nothing when its id is stored
// already, so that a transaction Redis applied but whose reply was lost may
// be written again. KEYS: the month's hash, its index, people, values, the
// author's "given" index, each recipient's "received" index. ARGV: id, JSON,
// index member, index length, number of recipients, recipient keys…, values….
var shoutoutScript = redis.NewScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[1])
local nr = tonumber(ARGV[5])
for i = 6, 5 + nr do redis.call('ZINCRBY', KEYS[3], 1, ARGV[i]) end
for i = 6 + nr, #ARGV do redis.call('ZINCRBY', KEYS[4], 1, ARGV[i]) end
for i = 5, #KEYS do
  redis.call('LPUSH', KEYS[i], ARGV[3])
  redis.call('LTRIM', KEYS[i], 0, tonumber(ARGV[4]) - 1)
end
return 1`)

// AddShoutout stores sh, its leaderboard counts and the per-person indexes,
// and queues the broadcast announce makes of it, in one MULTI/EXEC: a
// shout-out is stored only with its broadcast, and an error means neither
// was. The transaction is sent together with those of other shout-outs of
// the workspace arriving at the same moment (groupCommit). Writing it twice
// changes nothing, so when Redis' answer is lost the store asks whether it
// was applied before it says it was not.
func (s *Store) AddShoutout(ctx context.Context, sh *bot.Shoutout, announce func(*bot.Shoutout) bot.Message) error {
	sh.ID = newID(sh.At)
	data, err := json.Marshal(sh)
	if err != nil {
		return fmt.Errorf("encode shoutout: %w", err)
	}
	queue, post := func(redis.Pipeliner) {}, bot.Outbox(nil)
	switch {
	case announce == nil:
	case s.announce != nil:
		if queue, err = s.announce(ctx, announce(sh)); err != nil {
			return fmt.Errorf("add shoutout: %w", err)
		}
	case s.post != nil:
		post = s.post
	default:
		return errors.New("add shoutout: the store has no outbox to announce it through")
	}
	key := s.shoutoutKey(sh.Author.Space(), sh.Month)
	member := string(sh.Month) + "/" + sh.ID
	keys := []string{key, key + ":idx", key + ":people", key + ":values", s.refIndexKey(sh.Author, "given")}
	args := []any{sh.ID, data, member, refIndexLen, len(sh.Recipients)}
	for _, r := range sh.Recipients {
		keys = append(keys, s.refIndexKey(r, "received"))
		args = append(args, r.Key())
	}
	for _, v := range sh.Values {
		args = append(args, v)
	}
	err = s.group.do(ctx, sh.Author.Space(), func(p redis.Pipeliner) {
		shoutoutScript.Eval(ctx, p, keys, args...)
		queue(p)
	})
	if err != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		if stored, _ := s.rdb.HExists(cctx, key, sh.ID).Result(); stored {
			err = nil // applied; only the answer was lost
		}
	}
	if err == nil && post != nil {
		err = post.Post(ctx, announce(sh))
	}
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
