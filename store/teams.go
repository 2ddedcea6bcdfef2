package store

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// SaveConversation records that herald can reach conversation (a Teams
// conversation id) in space through serviceURL, the Bot Framework connector
// endpoint of that tenant, and keeps serviceURL as the space's endpoint for
// conversations herald has not seen yet (new 1:1 chats). Returns EUNAVAILABLE
// when Redis can't be reached.
func (s *Store) SaveConversation(ctx context.Context, space, conversation, serviceURL string) error {
	k := s.space(space)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if conversation != "" {
			p.HSet(ctx, k+"teams:conv", conversation, serviceURL)
		}
		p.Set(ctx, k+"teams:service", serviceURL, 0)
		return nil
	})
	return unavailable("save conversation", err)
}

// ServiceURL returns the connector endpoint through which conversation in
// space is reached: the one stored for it, else the space's. Returns
// ENOTFOUND when herald has never heard from space, and EUNAVAILABLE when
// Redis can't be reached.
func (s *Store) ServiceURL(ctx context.Context, space, conversation string) (string, error) {
	k := s.space(space)
	if conversation != "" {
		u, err := s.rdb.HGet(ctx, k+"teams:conv", conversation).Result()
		switch {
		case err == nil:
			return u, nil
		case !errors.Is(err, redis.Nil):
			return "", unavailable("service url", err)
		}
	}
	u, err := s.rdb.Get(ctx, k+"teams:service").Result()
	switch {
	case errors.Is(err, redis.Nil):
		return "", bot.Errorf(bot.ENOTFOUND, "teams.err.notfound")
	case err != nil:
		return "", unavailable("service url", err)
	}
	return u, nil
}
