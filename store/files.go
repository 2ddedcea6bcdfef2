package store

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// SaveFile keeps f under id for ttl, for a download link. Returns
// EUNAVAILABLE when Redis can't be reached.
func (s *Store) SaveFile(ctx context.Context, id string, f bot.File, ttl time.Duration) error {
	k := s.prefix + "file:" + id
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k, "name", f.Name, "type", f.Type, "content", f.Content)
		p.Expire(ctx, k, ttl)
		return nil
	})
	return unavailable("save file", err)
}

// LoadFile returns the file kept under id. Returns ENOTFOUND when there is
// none (it expired), and EUNAVAILABLE when Redis can't be reached.
func (s *Store) LoadFile(ctx context.Context, id string) (bot.File, error) {
	v, err := s.rdb.HGetAll(ctx, s.prefix+"file:"+id).Result()
	if err != nil {
		return bot.File{}, unavailable("load file", err)
	}
	if len(v) == 0 {
		return bot.File{}, bot.Errorf(bot.ENOTFOUND, "teams.file.expired")
	}
	return bot.File{Name: v["name"], Type: v["type"], Content: []byte(v["content"])}, nil
}

// ClaimFile claims the file kept under id for ttl, so that one answer at a
// time acts on it: it reports false while another holds the claim. Returns
// EUNAVAILABLE when Redis can't be reached.
func (s *Store) ClaimFile(ctx context.Context, id string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.prefix+"file:"+id+":claim", 1, ttl).Result()
	return ok, unavailable("claim file", err)
}

// ReleaseFile gives up the claim on the file kept under id, so that it can be
// acted on again. Returns EUNAVAILABLE when Redis can't be reached.
func (s *Store) ReleaseFile(ctx context.Context, id string) error {
	return unavailable("release file", s.rdb.Del(ctx, s.prefix+"file:"+id+":claim").Err())
}
