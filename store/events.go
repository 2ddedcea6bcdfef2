package store

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// FirstSeen records key (a platform's event id, such as Slack's event_id, or
// a request signature) for ttl and reports whether this is the first time it
// was seen, across retries and every process sharing the Redis. Concurrent
// calls share one write to Redis (group commit): every signed request asks.
// Returns EUNAVAILABLE when Redis can't be reached.
func (s *Store) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	var cmd *redis.BoolCmd
	k := s.prefix + "seen:" + key
	// Its own hash tag: seen keys lie in every slot of a cluster.
	err := s.group.do(ctx, k, func(p redis.Pipeliner) { cmd = p.SetNX(ctx, k, 1, ttl) })
	if err != nil {
		return false, unavailable("first seen", err)
	}
	return cmd.Val(), nil
}
