package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
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

var _ bot.PulseStore = (*Store)(nil)

// Separators inside stored tuples; free text never holds them (the core drops
// control characters).
const (
	sepField = "\x1e" // between segment, name and answers of a tuple
	sepValue = "\x1d" // between a question number and its answer
	sepEnd   = "\x1f" // after each answer; also between question and text
)

// inviteesPerBucket keeps each "who" hash small enough for Redis's compact
// encoding (hash-max-listpack-entries is 128 by default), which is what makes
// a respondent cost a few bytes instead of about a hundred.
const inviteesPerBucket = 100

func (s *Store) pulsesKey(space string) string { return s.space(space) + "pulses" }

func (s *Store) roundKey(space, pulse string, n int) string {
	return s.space(space) + "pulse:" + pulse + ":r" + strconv.Itoa(n)
}

func (s *Store) openKey() string { return s.prefix + "pulse:open" }

func openMember(space, pulse string, n int) string {
	return space + sepEnd + pulse + sepEnd + strconv.Itoa(n)
}

// bucketsFor returns how many "who" hashes a round with n invitees has.
func bucketsFor(n int) int { return max(1, (n+inviteesPerBucket-1)/inviteesPerBucket) }

// bucket returns which "who" hash of a round holds respondent who.
func bucket(who string, buckets int) int {
	if buckets <= 1 || len(who) < 8 {
		return 0
	}
	n, _ := strconv.ParseUint(who[:8], 16, 32)
	return int(n % uint64(buckets))
}

// CreatePulse stores p under the next id of its space.
func (s *Store) CreatePulse(ctx context.Context, p *bot.Pulse) error {
	n, err := s.rdb.Incr(ctx, s.space(p.Space)+"pulse:seq").Result()
	if err != nil {
		return unavailable("create pulse", err)
	}
	p.ID = "P" + strconv.FormatInt(n, 10)
	return s.UpdatePulse(ctx, p)
}

// UpdatePulse stores p.
func (s *Store) UpdatePulse(ctx context.Context, p *bot.Pulse) error {
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode pulse: %w", err)
	}
	if err := s.rdb.HSet(ctx, s.pulsesKey(p.Space), p.ID, data).Err(); err != nil {
		return unavailable("store pulse", err)
	}
	return s.indexRecurring(ctx, p)
}

// recurringKey is the set of recurring pulses of every space ("space␟id"),
// for the scheduler. It spans workspaces, so it has no hash tag and is
// written apart from the pulse.
func (s *Store) recurringKey() string { return s.prefix + "pulse:recurring" }

// indexRecurring keeps p in the recurring set while it has a schedule and is
// not stopped, and tells the schedulers when that changed.
func (s *Store) indexRecurring(ctx context.Context, p *bot.Pulse) error {
	member := p.Space + "\x1f" + p.ID
	var changed int64
	var err error
	if p.Every != "" && !p.Stopped {
		changed, err = s.rdb.SAdd(ctx, s.recurringKey(), member).Result()
	} else {
		changed, err = s.rdb.SRem(ctx, s.recurringKey(), member).Result()
	}
	if err != nil {
		return unavailable("index recurring pulse", err)
	}
	if changed > 0 {
		return s.schedulesChanged(ctx)
	}
	return nil
}

// RecurringPulses returns the recurring pulses of every space that are not stopped.
func (s *Store) RecurringPulses(ctx context.Context) ([]bot.Pulse, error) {
	members, err := s.rdb.SMembers(ctx, s.recurringKey()).Result()
	if err != nil {
		return nil, unavailable("list recurring pulses", err)
	}
	out := make([]bot.Pulse, 0, len(members))
	for _, m := range members {
		space, id, _ := strings.Cut(m, "\x1f")
		p, err := s.Pulse(ctx, space, id)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if p.Every != "" && !p.Stopped {
			out = append(out, *p)
		}
	}
	return out, nil
}

// Pulse returns a pulse, or ENOTFOUND.
func (s *Store) Pulse(ctx context.Context, space, id string) (*bot.Pulse, error) {
	data, err := s.rdb.HGet(ctx, s.pulsesKey(space), id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, bot.Errorf(bot.ENOTFOUND, "pulse.err.notfound", id)
	}
	if err != nil {
		return nil, unavailable("load pulse", err)
	}
	var p bot.Pulse
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("decode pulse %s: %w", id, err)
	}
	return &p, nil
}

// Pulses returns the pulses of a space, newest first.
func (s *Store) Pulses(ctx context.Context, space string) ([]bot.Pulse, error) {
	all, err := s.rdb.HGetAll(ctx, s.pulsesKey(space)).Result()
	if err != nil {
		return nil, unavailable("list pulses", err)
	}
	out := make([]bot.Pulse, 0, len(all))
	for id, data := range all {
		var p bot.Pulse
		if err := json.Unmarshal([]byte(data), &p); err != nil {
			return nil, fmt.Errorf("decode pulse %s: %w", id, err)
		}
		out = append(out, p)
	}
	num := func(id string) int { n, _ := strconv.Atoi(strings.TrimPrefix(id, "P")); return n }
	slices.SortFunc(out, func(a, b bot.Pulse) int { return cmp.Compare(num(b.ID), num(a.ID)) })
	return out, nil
}

// OpenRound writes the round's invitees into bucketed "who" hashes, then the
// round itself and the pulse's round count in one transaction, and bumps the
// schedules version: the round's reminder and close are scheduled runs.
func (s *Store) OpenRound(ctx context.Context, p *bot.Pulse, r bot.Round, invitees []bot.Invitee) error {
	key := s.roundKey(p.Space, p.ID, r.N)
	buckets := bucketsFor(len(invitees))
	fields := make([][]any, buckets)
	for _, in := range invitees {
		b := bucket(in.Who, buckets)
		fields[b] = append(fields[b], in.Who, in.Segment)
	}
	counters, segs := zeroCounters(p, invitees)
	_, err := s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for b, f := range fields {
			if len(f) > 0 {
				pl.HSet(ctx, key+":who:"+strconv.Itoa(b), f...)
			}
		}
		if len(counters) > 0 {
			pl.HSet(ctx, key+":cnt", counters...)
		}
		return nil
	})
	if err != nil {
		return unavailable("open round", err)
	}
	r.Closed, r.Reminded = false, false
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode round: %w", err)
	}
	p.Rounds = r.N
	pdata, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode pulse: %w", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(pl redis.Pipeliner) error {
		pl.HSet(ctx, key, append([]any{"round", data, "buckets", buckets, "closed", 0, "n", 0}, segs...)...)
		pl.HSet(ctx, s.pulsesKey(p.Space), p.ID, pdata)
		return nil
	})
	if err != nil {
		return unavailable("open round", err)
	}
	// The index of open rounds spans workspaces, so it lives outside the hash tag.
	err = s.rdb.ZAdd(ctx, s.openKey(), redis.Z{Score: float64(r.Closes.UnixMilli()), Member: openMember(p.Space, p.ID, r.N)}).Err()
	if err != nil {
		return unavailable("open round", err)
	}
	return s.schedulesChanged(ctx)
}

// zeroCounters returns every counter of a round, "<question>:<segment>:<value>",
// and every per-segment respondent count, "n:<segment>", each at 0, as field
// and value pairs. Written when the round opens, the fields keep that order
// whatever is answered later, so the order of a hash says nothing about who
// answered first.
func zeroCounters(p *bot.Pulse, invitees []bot.Invitee) (counters, segs []any) {
	seen := map[int]bool{}
	var list []int
	for _, in := range invitees {
		if !seen[in.Segment] {
			seen[in.Segment] = true
			list = append(list, in.Segment)
		}
	}
	slices.Sort(list)
	for _, seg := range list {
		segs = append(segs, "n:"+strconv.Itoa(seg), 0)
	}
	for i, q := range p.Questions {
		for _, seg := range list {
			for _, v := range q.Values() {
				counters = append(counters, strconv.Itoa(i+1)+":"+strconv.Itoa(seg)+":"+v, 0)
			}
		}
	}
	return counters, segs
}

// Round returns round n of a pulse, or ENOTFOUND.
func (s *Store) Round(ctx context.Context, space, pulse string, n int) (*bot.Round, error) {
	m, err := s.rdb.HGetAll(ctx, s.roundKey(space, pulse, n)).Result()
	if err != nil {
		return nil, unavailable("load round", err)
	}
	if m["round"] == "" {
		return nil, bot.Errorf(bot.ENOTFOUND, "pulse.err.notfound", pulse+"."+strconv.Itoa(n))
	}
	var r bot.Round
	if err := json.Unmarshal([]byte(m["round"]), &r); err != nil {
		return nil, fmt.Errorf("decode round %s.%d: %w", pulse, n, err)
	}
	r.Closed = m["closed"] == "1"
	r.Reminded = m["reminded"] == "1"
	return &r, nil
}

// recordScript counts one answer once. The respondent's state in the "who"
// hash is mask*256+segment, mask having bit q-1 set for each answered
// question. Answers of a pulse with several questions (or a named one) wait
// in "pend" until the person has answered every question; then they become
// one anonymous tuple in "tuples" and the pending entry is deleted. Free text
// goes into "texts" behind a random nonce, so that it sorts in random order;
// the tuple of an anonymous pulse holds no free text, so that nothing at rest
// links a text to scores.
//
// ARGV[8] is the call's own random token, kept beside the respondent's mask
// in the "who" entry ("mask*256+segment|token") until their next answer: a
// call Redis applied but whose answer was lost, sent again by the client,
// finds its token there and is answered "recorded" as the first time, not
// "duplicate". It names no one and goes with the "who" entries at close.
//
// KEYS: round, who bucket, cnt, pend, tuples, texts.
// ARGV: who, question, value, kind (c count, t text, s skip), questions, named, nonce, token.
// Returns {status, mask}: 1 recorded, 2 duplicate, 3 closed, 4 not invited.
var recordScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'closed') == '1' then return {3, 0} end
local st = redis.call('HGET', KEYS[2], ARGV[1])
if not st then return {4, 0} end
local last
st, last = string.match(st, '^(%d+)|?(.*)$')
st = tonumber(st)
if last == ARGV[8] then return {1, math.floor(st / 256)} end
local seg = st % 256
local mask = (st - seg) / 256
local q = tonumber(ARGV[2])
local bitv = 2 ^ (q - 1)
if math.floor(mask / bitv) % 2 == 1 then return {2, mask} end
local first = mask == 0
mask = mask + bitv
redis.call('HSET', KEYS[2], ARGV[1], (mask * 256 + seg) .. '|' .. ARGV[8])
if first then
  redis.call('HINCRBY', KEYS[1], 'n', 1)
  redis.call('HINCRBY', KEYS[1], 'n:' .. seg, 1)
end
local kind = ARGV[4]
if kind == 'c' then
  redis.call('HINCRBY', KEYS[3], q .. ':' .. seg .. ':' .. ARGV[3], 1)
elseif kind == 't' then
  redis.call('ZADD', KEYS[6], 0, ARGV[7] .. '\31' .. q .. '\31' .. ARGV[3])
end
local nq = tonumber(ARGV[5])
if nq > 1 or ARGV[6] ~= '' then
  local val = ARGV[3]
  if kind == 's' or (kind == 't' and ARGV[6] == '') then val = '' end
  local pend = redis.call('HGET', KEYS[4], ARGV[1]) or (seg .. '\30' .. ARGV[6] .. '\30')
  pend = pend .. q .. '\29' .. val .. '\31'
  if mask == 2 ^ nq - 1 then
    redis.call('ZINCRBY', KEYS[5], 1, pend)
    redis.call('HDEL', KEYS[4], ARGV[1])
  else
    redis.call('HSET', KEYS[4], ARGV[1], pend)
  end
end
return {1, mask}
`)

// RecordAnswer counts a once, atomically; a call the client sends again
// after losing Redis' answer is recognised as the same call.
func (s *Store) RecordAnswer(ctx context.Context, a bot.Answer) (bot.AnswerStatus, uint64, error) {
	key := s.roundKey(a.Space, a.Pulse, a.Round)
	buckets := bucketsFor(a.Invited)
	kind := "c"
	switch {
	case a.Skip:
		kind = "s"
	case a.Text:
		kind = "t"
	}
	keys := []string{key, key + ":who:" + strconv.Itoa(bucket(a.Who, buckets)), key + ":cnt", key + ":pend", key + ":tuples", key + ":texts"}
	var nonce, token [8]byte
	_, _ = rand.Read(nonce[:])
	_, _ = rand.Read(token[:])
	res, err := recordScript.Run(ctx, s.rdb, keys, a.Who, a.Question, a.Value, kind, a.Questions, a.Named,
		hex.EncodeToString(nonce[:]), hex.EncodeToString(token[:])).Int64Slice()
	if err != nil {
		return 0, 0, unavailable("record answer", err)
	}
	return bot.AnswerStatus(res[0]), uint64(res[1]), nil
}

// Answered returns the answered-questions bits of each invited hash in who.
func (s *Store) Answered(ctx context.Context, space, pulse string, round int, who []string) (map[string]uint64, error) {
	key := s.roundKey(space, pulse, round)
	buckets, err := s.rdb.HGet(ctx, key, "buckets").Int()
	if err != nil {
		return nil, unavailable("answered", err)
	}
	byBucket := map[int][]string{}
	for _, w := range who {
		b := bucket(w, buckets)
		byBucket[b] = append(byBucket[b], w)
	}
	cmds := map[int]*redis.SliceCmd{}
	_, err = s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		for b, ws := range byBucket {
			cmds[b] = pl.HMGet(ctx, key+":who:"+strconv.Itoa(b), ws...)
		}
		return nil
	})
	if err != nil {
		return nil, unavailable("answered", err)
	}
	out := map[string]uint64{}
	for b, cmd := range cmds {
		for i, v := range cmd.Val() {
			str, ok := v.(string)
			if !ok {
				continue
			}
			num, _, _ := strings.Cut(str, "|") // "mask*256+segment|last call's token"
			st, _ := strconv.ParseUint(num, 10, 64)
			out[byBucket[b][i]] = st / 256
		}
	}
	return out, nil
}

// closeScript marks a round closed, turns pending answers into tuples and
// deletes who was asked. Partial tuples (of people who stopped midway) are
// kept only when there are at least ARGV[1] of them; else they are dropped,
// their answers staying in the counters.
// KEYS: round, pend, tuples, then the "who" buckets. Returns 1 when it closed
// the round, 0 when it was closed.
var closeScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'closed') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'closed', '1')
local p = redis.call('HVALS', KEYS[2])
if #p >= tonumber(ARGV[1]) then
  for i = 1, #p do redis.call('ZINCRBY', KEYS[3], 1, p[i]) end
end
redis.call('DEL', KEYS[2])
for i = 4, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
`)

// CloseRound closes a round once; partial tuples fewer than keepPartial are dropped.
func (s *Store) CloseRound(ctx context.Context, space, pulse string, round, keepPartial int) (bool, error) {
	key := s.roundKey(space, pulse, round)
	buckets, err := s.rdb.HGet(ctx, key, "buckets").Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, unavailable("close round", err)
	}
	keys := []string{key, key + ":pend", key + ":tuples"}
	for b := range buckets {
		keys = append(keys, key+":who:"+strconv.Itoa(b))
	}
	n, err := closeScript.Run(ctx, s.rdb, keys, keepPartial).Int()
	if err != nil {
		return false, unavailable("close round", err)
	}
	if err := s.rdb.ZRem(ctx, s.openKey(), openMember(space, pulse, round)).Err(); err != nil {
		return false, unavailable("close round", err)
	}
	return n == 1, nil
}

// SetReminded marks the round's reminder as sent; false if it was already.
func (s *Store) SetReminded(ctx context.Context, space, pulse string, round int) (bool, error) {
	ok, err := s.rdb.HSetNX(ctx, s.roundKey(space, pulse, round), "reminded", "1").Result()
	return ok, unavailable("set reminded", err)
}

// Tally reads a round's counters, texts and tuples.
func (s *Store) Tally(ctx context.Context, space, pulse string, round int) (*bot.Tally, error) {
	key := s.roundKey(space, pulse, round)
	var meta, cnt *redis.MapStringStringCmd
	var tup *redis.ZSliceCmd
	var txt *redis.StringSliceCmd
	_, err := s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		meta = pl.HGetAll(ctx, key)
		cnt = pl.HGetAll(ctx, key+":cnt")
		tup = pl.ZRangeWithScores(ctx, key+":tuples", 0, -1)
		txt = pl.ZRange(ctx, key+":texts", 0, -1)
		return nil
	})
	if err != nil {
		return nil, unavailable("tally", err)
	}
	t := &bot.Tally{SegRespondents: map[int]int{}, Counts: map[bot.TallyKey]int{}}
	var r bot.Round
	if err := json.Unmarshal([]byte(meta.Val()["round"]), &r); err != nil {
		return nil, fmt.Errorf("decode round %s.%d: %w", pulse, round, err)
	}
	t.Invited, t.Merged, t.Closes = r.Invited, r.Merged, r.Closes
	t.Closed = meta.Val()["closed"] == "1"
	for f, v := range meta.Val() {
		n, _ := strconv.Atoi(v)
		if f == "n" {
			t.Respondents = n
		} else if seg, ok := strings.CutPrefix(f, "n:"); ok {
			sn, _ := strconv.Atoi(seg)
			t.SegRespondents[sn] = n
		}
	}
	for f, v := range cnt.Val() {
		parts := strings.SplitN(f, ":", 3)
		if len(parts) != 3 {
			continue
		}
		q, _ := strconv.Atoi(parts[0])
		seg, _ := strconv.Atoi(parts[1])
		if n, _ := strconv.Atoi(v); n > 0 {
			t.Counts[bot.TallyKey{Question: q, Segment: seg, Value: parts[2]}] = n
		}
	}
	for _, x := range txt.Val() {
		parts := strings.SplitN(x, sepEnd, 3)
		if len(parts) != 3 {
			continue
		}
		q, _ := strconv.Atoi(parts[1])
		t.Texts = append(t.Texts, bot.TextAnswer{Question: q, Text: parts[2]})
	}
	for _, z := range tup.Val() {
		tu, ok := parseTuple(z.Member.(string))
		if !ok {
			continue
		}
		tu.N = int(z.Score)
		t.Tuples = append(t.Tuples, tu)
	}
	return t, nil
}

// parseTuple reads "seg␞named␞q␝value␟q␝value␟…".
func parseTuple(s string) (bot.Tuple, bool) {
	parts := strings.SplitN(s, sepField, 3)
	if len(parts) != 3 {
		return bot.Tuple{}, false
	}
	seg, err := strconv.Atoi(parts[0])
	if err != nil {
		return bot.Tuple{}, false
	}
	tu := bot.Tuple{Segment: seg, Named: parts[1], Values: map[int]string{}}
	for a := range strings.SplitSeq(parts[2], sepEnd) {
		qs, v, ok := strings.Cut(a, sepValue)
		if q, err := strconv.Atoi(qs); ok && err == nil {
			tu.Values[q] = v
		}
	}
	return tu, true
}

// DueRounds returns the open rounds that close before t.
func (s *Store) DueRounds(ctx context.Context, t time.Time) ([]bot.RoundKey, error) {
	members, err := s.rdb.ZRangeByScore(ctx, s.openKey(), &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(t.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, unavailable("due rounds", err)
	}
	out := make([]bot.RoundKey, 0, len(members))
	for _, m := range members {
		parts := strings.Split(m, sepEnd)
		if len(parts) != 3 {
			continue
		}
		n, _ := strconv.Atoi(parts[2])
		out = append(out, bot.RoundKey{Space: parts[0], Pulse: parts[1], Round: n})
	}
	return out, nil
}
