package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// Store implements the core's store interfaces on Redis.
type Store struct {
	rdb      redis.UniversalClient
	prefix   string
	group    *groupCommit // shout-outs and first-seen checks: many small transactions at once
	announce Announcer
	post     bot.Outbox
	emb      *embedded // the embedded store, when Open started it
	where    string

	closeOnce sync.Once
	closeErr  error
}

// Announcer prepares messages for delivery in a transaction of the store's:
// the function it returns adds the commands that queue them
// (outbox.Outbox.Prepare). It lets the store write a shout-out and its
// broadcast in one atomic step.
type Announcer func(ctx context.Context, msgs ...bot.Message) (func(redis.Pipeliner), error)

// AnnounceThrough makes s queue the messages that announce what it stores
// through a, in the same transaction. Call it before s is used.
func (s *Store) AnnounceThrough(a Announcer) { s.announce = a }

// PostThrough makes s post the messages that announce what it stores to out
// after its transaction, not in it: for an Outbox that does not live in this
// Redis, such as a test's fake. Call it before s is used.
func (s *Store) PostThrough(out bot.Outbox) { s.post = out }

var _ bot.ShoutoutStore = (*Store)(nil)

// New returns a Store on rdb that keeps every key under prefix. Open is the
// usual way to get one.
func New(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, prefix: prefix, group: newGroupCommit(rdb)}
}

// Client returns the Redis client, for packages that share it (the scheduler).
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Prefix returns the prefix of every key.
func (s *Store) Prefix() string { return s.prefix }

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// space returns the key prefix of a workspace's data, with its hash tag.
func (s *Store) space(space string) string { return s.prefix + "{" + space + "}:" }

// unavailable wraps a Redis failure so that the user reads "herald can't reach
// its database right now" and the log gets the detail.
func unavailable(op string, err error) error {
	if err == nil {
		return nil
	}
	var be *bot.Error
	if errors.As(err, &be) {
		return err
	}
	return bot.Unavailable("err.unavailable", fmt.Errorf("%s: %w", op, err))
}

// newID returns a short, time-ordered, unique id.
func newID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return strconv.FormatInt(t.UnixMilli(), 36) + hex.EncodeToString(b[:])
}
