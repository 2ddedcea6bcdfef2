// Package storetest gives tests a real Redis to talk to: a Redis Cluster
// when REDIS_CLUSTER_ADDRS names its seeds, else REDIS_URL when set, else a
// redis-server from PATH started on a free port, else the embedded store.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/store"
)

// MustRedis returns a client and a key prefix of the test's own, so that tests
// may share one server. The keys under the prefix are deleted when tb ends.
func MustRedis(tb testing.TB) (redis.UniversalClient, string) {
	tb.Helper()
	rdb := client(tb)
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "heraldtest:" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		ctx := context.Background()
		del := func(ctx context.Context, node *redis.Client) error {
			iter := node.Scan(ctx, 0, prefix+"*", 1000).Iterator()
			for iter.Next(ctx) {
				rdb.Del(ctx, iter.Val())
			}
			return iter.Err()
		}
		if c, ok := rdb.(*redis.ClusterClient); ok {
			_ = c.ForEachMaster(ctx, del)
		} else {
			_ = del(ctx, rdb.(*redis.Client))
		}
		_ = rdb.Close()
	})
	return rdb, prefix
}

// MustStore returns a Store on MustRedis.
func MustStore(tb testing.TB) *store.Store {
	tb.Helper()
	rdb, prefix := MustRedis(tb)
	return store.New(rdb, prefix)
}

// Backend names the Redis the tests run against, for logs.
func Backend() string {
	switch {
	case os.Getenv("REDIS_CLUSTER_ADDRS") != "":
		return "Redis Cluster (REDIS_CLUSTER_ADDRS)"
	case os.Getenv("REDIS_URL") != "":
		return "REDIS_URL"
	case hasRedisServer():
		return "redis-server from PATH"
	default:
		return "embedded store"
	}
}

func client(tb testing.TB) redis.UniversalClient {
	tb.Helper()
	if addrs := os.Getenv("REDIS_CLUSTER_ADDRS"); addrs != "" {
		return mustPing(tb, redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ","), ClusterStateReloadInterval: time.Second}))
	}
	if url := os.Getenv("REDIS_URL"); url != "" {
		opt, err := redis.ParseURL(url)
		if err != nil {
			tb.Fatalf("REDIS_URL: %v", err)
		}
		return mustPing(tb, redis.NewClient(opt))
	}
	if hasRedisServer() {
		return mustPing(tb, redis.NewClient(&redis.Options{Addr: MustRedisServer(tb)}))
	}
	tb.Logf("no REDIS_URL and no redis-server on PATH: testing against the embedded store")
	st, err := store.Open(context.Background(), store.Options{DataDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("embedded store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return mustPing(tb, st.Client())
}

func hasRedisServer() bool {
	_, err := exec.LookPath("redis-server")
	return err == nil
}

// MustRedisServer runs a throw-away redis-server from PATH on a free port
// until tb ends and returns its address, whatever REDIS_URL says: for
// benchmarks that start herald processes of their own on a Redis of their own.
func MustRedisServer(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("redis-server", "--port", fmt.Sprint(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", tb.TempDir())
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start redis-server: %v", err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for range 100 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatalf("redis-server on %s did not come up", addr)
	return ""
}

func mustPing(tb testing.TB, rdb redis.UniversalClient) redis.UniversalClient {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		tb.Fatalf("redis: %v", err)
	}
	return rdb
}
