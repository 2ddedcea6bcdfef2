package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

var _ bot.KeyMessageStore = (*Store)(nil)

// sendTTL is how long the record of a send is kept.
const sendTTL = 400 * 24 * time.Hour

func (s *Store) keymsgKey(space string) string { return s.space(space) + "keymsg" }

func (s *Store) sendKey(space, id, sendID string) string {
	return s.space(space) + "keymsg:" + id + ":send:" + sendID
}

// schedulesVersionKey is the counter that goes up whenever a schedule is
// added, changed or removed, so that every scheduler reloads.
func (s *Store) schedulesVersionKey() string { return s.prefix + "schedules:version" }

// SchedulesVersion returns a counter that goes up whenever a schedule is
// added, changed or removed, on any replica; the scheduler reloads when it
// moves. Returns EUNAVAILABLE when Redis can't be reached.
func (s *Store) SchedulesVersion(ctx context.Context) (int64, error) {
	v, err := s.rdb.Get(ctx, s.schedulesVersionKey()).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return v, unavailable("schedules version", err)
}

func (s *Store) spacesKey() string { return s.prefix + "keymsg:spaces" }

// schedulesChanged tells the schedulers of every replica to reload.
func (s *Store) schedulesChanged(ctx context.Context) error {
	return unavailable("bump schedules version", s.rdb.Incr(ctx, s.schedulesVersionKey()).Err())
}

// AddKeyMessage stores k and sets its id.
func (s *Store) AddKeyMessage(ctx context.Context, k *bot.KeyMessage) error {
	n, err := s.rdb.Incr(ctx, s.keymsgKey(k.Space)+":seq").Result()
	if err != nil {
		return unavailable("add key message", err)
	}
	k.ID = strconv.FormatInt(n, 10)
	data, err := json.Marshal(k)
	if err != nil {
		return fmt.Errorf("encode key message: %w", err)
	}
	// The spaces index lives outside the workspace's slot, so it is a write of its own;
	// it comes first, so that a stored key message is always found by AllKeyMessages.
	if err := s.rdb.SAdd(ctx, s.spacesKey(), k.Space).Err(); err != nil {
		return unavailable("add key message", err)
	}
	if err := s.rdb.HSet(ctx, s.keymsgKey(k.Space), k.ID, data).Err(); err != nil {
		return unavailable("add key message", err)
	}
	return s.schedulesChanged(ctx)
}

// KeyMessage returns one key message, or ENOTFOUND.
func (s *Store) KeyMessage(ctx context.Context, space, id string) (*bot.KeyMessage, error) {
	data, err := s.rdb.HGet(ctx, s.keymsgKey(space), id).Result()
	if errors.Is(err, redis.Nil) {
		return nil, bot.Errorf(bot.ENOTFOUND, "keymsg.err.notfound", id)
	}
	if err != nil {
		return nil, unavailable("load key message", err)
	}
	var k bot.KeyMessage
	if err := json.Unmarshal([]byte(data), &k); err != nil {
		return nil, fmt.Errorf("decode key message %s: %w", id, err)
	}
	return &k, nil
}

// KeyMessages returns the key messages of space, oldest first.
func (s *Store) KeyMessages(ctx context.Context, space string) ([]bot.KeyMessage, error) {
	all, err := s.rdb.HGetAll(ctx, s.keymsgKey(space)).Result()
	if err != nil {
		return nil, unavailable("list key messages", err)
	}
	return decodeKeyMessages(all)
}

func decodeKeyMessages(all map[string]string) ([]bot.KeyMessage, error) {
	out := make([]bot.KeyMessage, 0, len(all))
	for id, data := range all {
		var k bot.KeyMessage
		if err := json.Unmarshal([]byte(data), &k); err != nil {
			return nil, fmt.Errorf("decode key message %s: %w", id, err)
		}
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b bot.KeyMessage) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// AllKeyMessages returns the key messages of every space.
func (s *Store) AllKeyMessages(ctx context.Context) ([]bot.KeyMessage, error) {
	spaces, err := s.rdb.SMembers(ctx, s.spacesKey()).Result()
	if err != nil {
		return nil, unavailable("list key message spaces", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(spaces))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, sp := range spaces {
			cmds[i] = p.HGetAll(ctx, s.keymsgKey(sp))
		}
		return nil
	})
	if err != nil {
		return nil, unavailable("load key messages", err)
	}
	var out []bot.KeyMessage
	for _, c := range cmds {
		ks, err := decodeKeyMessages(c.Val())
		if err != nil {
			return nil, err
		}
		out = append(out, ks...)
	}
	return out, nil
}

// UpdateKeyMessage replaces a stored key message, or returns ENOTFOUND.
func (s *Store) UpdateKeyMessage(ctx context.Context, k *bot.KeyMessage) error {
	data, err := json.Marshal(k)
	if err != nil {
		return fmt.Errorf("encode key message: %w", err)
	}
	n, err := replaceScript.Run(ctx, s.rdb, []string{s.keymsgKey(k.Space)}, k.ID, data).Int()
	if err != nil {
		return unavailable("update key message", err)
	}
	if n == 0 {
		return bot.Errorf(bot.ENOTFOUND, "keymsg.err.notfound", k.ID)
	}
	return s.schedulesChanged(ctx)
}

var replaceScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`)

// DeleteKeyMessage removes a key message, or returns ENOTFOUND. Its sends
// expire on their own.
func (s *Store) DeleteKeyMessage(ctx context.Context, space, id string) error {
	n, err := s.rdb.HDel(ctx, s.keymsgKey(space), id).Result()
	if err != nil {
		return unavailable("delete key message", err)
	}
	if n == 0 {
		return bot.Errorf(bot.ENOTFOUND, "keymsg.err.notfound", id)
	}
	return s.schedulesChanged(ctx)
}

// addSendScript records a send once: KEYS send, sends index, audience;
// ARGV send JSON, send id, due (unix ms), ttl (s), then the audience.
var addSendScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[4]) == false then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
for i = 5, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
if #ARGV >= 5 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
return 1`)

// AddKeySend records a send and its audience, once.
func (s *Store) AddKeySend(ctx context.Context, space, id string, ks bot.KeySend, audience []bot.Ref) (bool, error) {
	data, err := json.Marshal(ks)
	if err != nil {
		return false, fmt.Errorf("encode send: %w", err)
	}
	key := s.sendKey(space, id, ks.ID)
	args := make([]any, 0, 4+len(audience))
	args = append(args, data, ks.ID, ks.Due.UnixMilli(), int64(sendTTL/time.Second))
	for _, r := range audience {
		args = append(args, r.Key())
	}
	n, err := addSendScript.Run(ctx, s.rdb, []string{key, s.space(space) + "keymsg:" + id + ":sends", key + ":aud"}, args...).Int()
	if err != nil {
		return false, unavailable("record send", err)
	}
	return n == 1, nil
}

// RecordDelivery records one message's outcome: delivered when code is "".
func (s *Store) RecordDelivery(ctx context.Context, space, id, sendID string, to bot.Ref, code string) error {
	key := s.sendKey(space, id, sendID)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if code == "" {
			p.SAdd(ctx, key+":ok", to.Key())
			p.HDel(ctx, key+":fail", to.Key())
			p.Expire(ctx, key+":ok", sendTTL)
			return nil
		}
		p.HSet(ctx, key+":fail", to.Key(), code)
		p.Expire(ctx, key+":fail", sendTTL)
		return nil
	})
	return unavailable("record delivery", err)
}

var ackScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local n = redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return n`)

// AckKeySend records an acknowledgement once per person.
func (s *Store) AckKeySend(ctx context.Context, space, id, sendID string, user bot.Ref) (bool, error) {
	key := s.sendKey(space, id, sendID)
	n, err := ackScript.Run(ctx, s.rdb, []string{key, key + ":ack"}, user.Key(), int64(sendTTL/time.Second)).Int()
	if err != nil {
		return false, unavailable("acknowledge", err)
	}
	if n < 0 {
		return false, bot.Errorf(bot.ENOTFOUND, "keymsg.ack.gone")
	}
	return n == 1, nil
}

// KeySends returns the newest sends of a key message with their reports.
func (s *Store) KeySends(ctx context.Context, space, id string, sends, missing int) ([]bot.SendReport, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.space(space)+"keymsg:"+id+":sends", 0, int64(sends)-1).Result()
	if err != nil {
		return nil, unavailable("list sends", err)
	}
	type cmds struct {
		send         *redis.StringCmd
		ok, aud      *redis.IntCmd
		fail         *redis.MapStringStringCmd
		ack, missing *redis.StringSliceCmd
	}
	cs := make([]cmds, len(ids))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, sid := range ids {
			key := s.sendKey(space, id, sid)
			cs[i] = cmds{
				send: p.Get(ctx, key), ok: p.SCard(ctx, key+":ok"), aud: p.SCard(ctx, key+":aud"),
				ack: p.SInter(ctx, key+":aud", key+":ack"), fail: p.HGetAll(ctx, key+":fail"),
				missing: p.SDiff(ctx, key+":aud", key+":ack"),
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, unavailable("load sends", err)
	}
	out := make([]bot.SendReport, 0, len(ids))
	for i, c := range cs {
		data, err := c.send.Result()
		if errors.Is(err, redis.Nil) {
			continue // expired
		}
		var r bot.SendReport
		if err := json.Unmarshal([]byte(data), &r.Send); err != nil {
			return nil, fmt.Errorf("decode send %s: %w", ids[i], err)
		}
		r.Delivered, r.Audience, r.Acked = int(c.ok.Val()), int(c.aud.Val()), len(c.ack.Val())
		for to, code := range c.fail.Val() {
			if ref, ok := parseRefKey(to); ok {
				r.Failures = append(r.Failures, bot.Failure{To: ref, Code: code})
			}
		}
		slices.SortFunc(r.Failures, func(a, b bot.Failure) int { return strings.Compare(a.To.Key(), b.To.Key()) })
		left := c.missing.Val()
		slices.Sort(left)
		for _, m := range left[:min(missing, len(left))] {
			if ref, ok := parseRefKey(m); ok {
				r.Missing = append(r.Missing, ref)
			}
		}
		out = append(out, r)
	}
	return out, nil
}
