package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options say which Redis a Store opens.
type Options struct {
	// URL is a redis:// or rediss:// URL of one Redis server.
	URL string
	// ClusterAddrs are host:port seeds of a Redis Cluster; they win over URL.
	ClusterAddrs []string
	// Prefix starts every key herald writes.
	Prefix string
	// DataDir holds the embedded store's snapshots and journal; the
	// embedded store runs when neither URL nor ClusterAddrs is set.
	DataDir string
	// Recover starts the embedded store from what is readable when a
	// snapshot or the journal is damaged (the previous good snapshot, the
	// journal up to the damage) instead of failing.
	Recover bool
	// ReadOnly loads the embedded store's data without taking the data
	// directory or writing to it, so that a backup can read it while
	// herald runs. Writes then last only as long as the Store.
	ReadOnly bool
	// SnapshotEvery is how often the embedded store compacts its journal
	// into a new snapshot (sooner when the journal grows past 16 MiB).
	// Default 5 minutes.
	SnapshotEvery time.Duration
	// Timeout bounds each Redis call, so that a lost Redis turns into a
	// clear answer quickly instead of a hanging request. Default 2 s.
	Timeout time.Duration
	// Logger receives what the store does on its own (default: discard).
	Logger *slog.Logger
}

// Open connects to the Redis of o, or starts the embedded store, and checks
// that it answers. Close releases it.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	if o.SnapshotEvery == 0 {
		o.SnapshotEvery = 5 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var (
		rdb   redis.UniversalClient
		emb   *embedded
		where string
	)
	switch {
	case len(o.ClusterAddrs) > 0:
		rdb = redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: o.ClusterAddrs, DialTimeout: o.Timeout, ReadTimeout: o.Timeout, WriteTimeout: o.Timeout,
			// go-redis reloads the slot map on MOVED, but not when a master
			// stops answering, and by default only every minute: herald would
			// write to a dead master for up to a minute after a failover.
			ClusterStateReloadInterval: time.Second,
		})
		where = fmt.Sprintf("Redis Cluster %v", o.ClusterAddrs)
	case o.URL != "":
		opt, err := redis.ParseURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("redis URL: %w", err)
		}
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = o.Timeout, o.Timeout, o.Timeout
		rdb = redis.NewClient(opt)
		where = fmt.Sprintf("Redis %s db %d", opt.Addr, opt.DB)
	default:
		var err error
		if emb, err = openEmbedded(ctx, o); err != nil {
			return nil, err
		}
		rdb = emb.rdb
		where = "embedded store in " + o.DataDir
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		err = fmt.Errorf("redis unreachable (%s): %w", where, err)
		if emb != nil {
			return nil, errors.Join(err, emb.close())
		}
		_ = rdb.Close()
		return nil, err
	}
	o.Logger.Info("store: " + where)
	s := New(rdb, o.Prefix)
	s.emb, s.where = emb, where
	return s, nil
}

// Where says which Redis the store uses, for people.
func (s *Store) Where() string { return s.where }

// Close releases the store: the embedded store fsyncs its journal and stops.
// Calls after the first do nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.emb != nil {
			s.closeErr = s.emb.close()
			return
		}
		s.closeErr = s.rdb.Close()
	})
	return s.closeErr
}
