package store

import (
	"context"
	"errors"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// DeletePulse removes a pulse with its rounds, invitees and answers, or
// returns ENOTFOUND.
func (s *Store) DeletePulse(ctx context.Context, space, id string) error {
	p, err := s.Pulse(ctx, space, id)
	if err != nil {
		return err
	}
	var keys []string
	var open []any
	for n := 1; n <= p.Rounds; n++ {
		key := s.roundKey(space, p.ID, n)
		buckets, err := s.rdb.HGet(ctx, key, "buckets").Int()
		if err != nil && !errors.Is(err, redis.Nil) {
			return unavailable("delete pulse", err)
		}
		keys = append(keys, key, key+":cnt", key+":pend", key+":tuples", key+":texts",
			key+":tup", key+":txt") // the last two: where rounds stored before the anonymity change kept them
		for b := range max(buckets, 1) {
			keys = append(keys, key+":who:"+strconv.Itoa(b))
		}
		open = append(open, openMember(space, p.ID, n))
	}
	_, err = s.rdb.TxPipelined(ctx, func(pl redis.Pipeliner) error {
		if len(keys) > 0 {
			pl.Del(ctx, keys...) // one hash tag per space: one slot
		}
		pl.HDel(ctx, s.pulsesKey(space), p.ID)
		return nil
	})
	if err != nil {
		return unavailable("delete pulse", err)
	}
	if len(open) > 0 {
		if err := s.rdb.ZRem(ctx, s.openKey(), open...).Err(); err != nil {
			return unavailable("delete pulse", err)
		}
	}
	p.Stopped = true // drops it from the recurring index
	return s.indexRecurring(ctx, p)
}
