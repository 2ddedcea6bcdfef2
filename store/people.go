package store

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

var _ bot.PeopleStore = (*Store)(nil)

// langKey is the hash of a workspace's chosen languages: user ref key → lang.
func (s *Store) langKey(space string) string { return s.space(space) + "lang" }

// SetLang stores the language u chose; "" forgets the choice.
func (s *Store) SetLang(ctx context.Context, u bot.Ref, lang string) error {
	if lang == "" {
		return unavailable("forget language", s.rdb.HDel(ctx, s.langKey(u.Space()), u.Key()).Err())
	}
	return unavailable("set language", s.rdb.HSet(ctx, s.langKey(u.Space()), u.Key(), lang).Err())
}

// Langs returns the chosen languages of users, by Ref.Key, one HMGET per workspace.
func (s *Store) Langs(ctx context.Context, users []bot.Ref) (map[string]string, error) {
	bySpace := map[string][]string{}
	for _, u := range users {
		bySpace[u.Space()] = append(bySpace[u.Space()], u.Key())
	}
	cmds := map[string]*redis.SliceCmd{}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for space, keys := range bySpace {
			cmds[space] = p.HMGet(ctx, s.langKey(space), keys...)
		}
		return nil
	})
	if err != nil {
		return nil, unavailable("languages", err)
	}
	out := map[string]string{}
	for space, cmd := range cmds {
		for i, v := range cmd.Val() {
			if lang, ok := v.(string); ok {
				out[bySpace[space][i]] = lang
			}
		}
	}
	return out, nil
}
