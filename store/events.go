package store

import (
	"context"
	"time"
)

// FirstSeen records key (a platform's event id, such as Slack's event_id) for
// ttl and reports whether this is the first time it was seen, across retries
// and every process sharing the Redis. Returns EUNAVAILABLE when Redis can't
// be reached.
func (s *Store) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.prefix+"seen:"+key, 1, ttl).Result()
	if err != nil {
		return false, unavailable("first seen", err)
	}
	return ok, nil
}
