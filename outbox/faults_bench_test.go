package outbox_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/outbox"
)

// The benchmarks below break things in the middle of a fan-out of DMs
// through three replicas and report what was lost, doubled and how long the
// outbox was away. They start redis-server processes of their own on free
// ports (never touching REDIS_URL's server) and need redis-server and
// redis-cli on PATH:
//
//	go test -run '^$' -bench 'Restart|Failover|KillReplica|BusyChannel' -benchtime 1x ./outbox/

// redisTimeout is the timeout herald sets on every Redis call (cmd/herald).
const redisTimeout = 2 * time.Second

// fleet is three replicas delivering one fan-out to a fake platform.
type fleet struct {
	platform *bottest.Platform
	reports  *reports
	stops    []func()
	n        int
}

func startFleet(b *testing.B, rdb redis.UniversalClient, p *bottest.Platform, msgs []bot.Message) *fleet {
	f := &fleet{platform: p, reports: &reports{}, n: len(msgs)}
	queue := func(name string, ms bot.Messenger) *outbox.Outbox {
		return outbox.New(outbox.Config{
			Logger: quiet, Redis: rdb, Prefix: "herald:", Messenger: bot.Messengers{bot.Slack: ms},
			Outcomes: f.reports, Consumer: name, Pace: map[bot.Platform]outbox.Pace{bot.Slack: {Start: 100, Max: 100}},
		})
	}
	if err := queue("poster", p).Post(context.Background(), msgs...); err != nil {
		b.Fatalf("post: %v", err)
	}
	for _, name := range []string{"w1", "w2", "w3"} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		q := queue(name, p)
		go func() { defer close(done); _ = q.Run(ctx) }()
		f.stops = append(f.stops, func() { cancel(); <-done })
	}
	return f
}

func (f *fleet) wait(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for f.reports.len() < f.n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// lostAndDoubled counts recipients without a message and messages sent twice.
func (f *fleet) lostAndDoubled() (lost, doubled int) {
	got := f.platform.Got()
	lost = f.n - len(got)
	for _, c := range got {
		doubled += c - 1
	}
	return lost, doubled
}

func (f *fleet) stop() {
	for _, s := range f.stops {
		s()
	}
}

func fanoutMsgs(n int) []bot.Message {
	msgs := make([]bot.Message, n)
	for i := range msgs {
		msgs[i] = dm(i)
	}
	return msgs
}

// redisProc is a redis-server of the benchmark's own.
type redisProc struct {
	dir  string
	port int
	cmd  *exec.Cmd
}

func (r *redisProc) addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }

func (r *redisProc) start(b *testing.B) {
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always")
	if err := r.cmd.Start(); err != nil {
		b.Skipf("redis-server: %v", err)
	}
	for range 200 {
		if c, err := net.Dial("tcp", r.addr()); err == nil {
			c.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatalf("redis-server on %s did not come up", r.addr())
}

func (r *redisProc) kill() {
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
}

func freePort(b *testing.B) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// BenchmarkRedisRestart kills Redis (kill -9; append-only file, fsync always)
// a third into a 600-DM fan-out and starts it again 5 s later.
func BenchmarkRedisRestart(b *testing.B) {
	for range b.N {
		r := &redisProc{dir: b.TempDir(), port: freePort(b)}
		r.start(b)
		rdb := redis.NewClient(&redis.Options{Addr: r.addr(), DialTimeout: redisTimeout, ReadTimeout: redisTimeout, WriteTimeout: redisTimeout})
		p := &bottest.Platform{Latency: 20 * time.Millisecond}
		f := startFleet(b, rdb, p, fanoutMsgs(600))
		for p.Total() < 200 {
			time.Sleep(time.Millisecond)
		}
		r.kill()
		atKill := p.Total()
		time.Sleep(5 * time.Second)
		r.start(b)
		back := time.Now()
		atBack := p.Total()
		for p.Total() == atBack && time.Since(back) < time.Minute {
			time.Sleep(time.Millisecond)
		}
		resumed := time.Since(back)
		f.wait(time.Minute)
		f.stop()
		r.kill()
		_ = rdb.Close()
		lost, doubled := f.lostAndDoubled()
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(float64(doubled), "doubled")
		b.ReportMetric(resumed.Seconds(), "s-to-resume")
		b.Logf("Redis down 5 s at %d of 600 sent: lost %d, doubled %d, sending again %s after Redis was back",
			atKill, lost, doubled, resumed.Round(time.Millisecond))
	}
}

// BenchmarkClusterFailover kills (kill -9) the master that holds the
// workspace's queue a third into a 600-DM fan-out, on a cluster of three
// masters with a replica each (cluster-node-timeout 3 s).
func BenchmarkClusterFailover(b *testing.B) {
	if _, err := exec.LookPath("redis-cli"); err != nil {
		b.Skip("redis-cli not on PATH")
	}
	for range b.N {
		addrs, dir := startCluster(b)
		rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, DialTimeout: redisTimeout, ReadTimeout: redisTimeout, WriteTimeout: redisTimeout,
			ClusterStateReloadInterval: time.Second}) // as cmd/herald sets it
		p := &bottest.Platform{Latency: 20 * time.Millisecond}
		f := startFleet(b, rdb, p, fanoutMsgs(600))
		for p.Total() < 200 {
			time.Sleep(time.Millisecond)
		}
		master := masterOf(b, addrs[0], "herald:{"+dm(0).To.Space()+"}:outbox:due")
		pid, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(master), "pid"))
		if err != nil {
			b.Fatalf("master pid: %v", err)
		}
		n, _ := strconv.Atoi(strings.TrimSpace(string(pid)))
		killed := time.Now()
		b.Logf("killing master %d (pid %d)", master, n)
		if err := syscall.Kill(n, syscall.SIGKILL); err != nil {
			b.Fatalf("kill master: %v", err)
		}
		atKill := p.Total()
		// The failover is done when another node is master of the slot.
		var failedOver time.Duration
		for time.Since(killed) < 30*time.Second {
			if m := masterOf(b, otherThan(addrs, master), "herald:{"+dm(0).To.Space()+"}:outbox:due"); m != master && m != 0 {
				failedOver = time.Since(killed)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		atFailover := p.Total()
		for p.Total() == atFailover && time.Since(killed) < 2*time.Minute {
			time.Sleep(time.Millisecond)
		}
		resumed := time.Since(killed)
		f.wait(2 * time.Minute)
		all := time.Since(killed)
		f.stop()
		_ = rdb.Close()
		lost, doubled := f.lostAndDoubled()
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(float64(doubled), "doubled")
		b.ReportMetric(failedOver.Seconds(), "s-failover")
		b.ReportMetric((resumed - failedOver).Seconds(), "s-serving-after-failover")
		b.Logf("master killed at %d of 600 sent: failover after %s, sending again %s after it, all sent %s after the kill; lost %d, doubled %d",
			atKill, failedOver.Round(time.Millisecond), (resumed - failedOver).Round(time.Millisecond), all.Round(time.Millisecond), lost, doubled)
	}
}

// startCluster runs scripts/redis-cluster.sh and stops the cluster when b ends.
func startCluster(b *testing.B) (addrs []string, dir string) {
	out, err := exec.Command("../scripts/redis-cluster.sh").Output()
	if err != nil {
		b.Fatalf("start cluster: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "REDIS_CLUSTER_ADDRS":
			addrs = strings.Split(v, ",")
		case "REDIS_CLUSTER_DIR":
			dir = v
		}
	}
	b.Cleanup(func() { _ = exec.Command("../scripts/redis-cluster.sh", "stop", dir).Run() })
	return addrs, dir
}

// masterOf asks the node at addr which port is master of key's slot (0: unknown).
func masterOf(b *testing.B, addr, key string) int {
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 500 * time.Millisecond, ReadTimeout: 500 * time.Millisecond})
	defer c.Close()
	ctx := context.Background()
	slot, err := c.ClusterKeySlot(ctx, key).Result()
	if err != nil {
		return 0
	}
	slots, err := c.ClusterSlots(ctx).Result()
	if err != nil {
		return 0
	}
	for _, s := range slots {
		if int64(s.Start) <= slot && slot <= int64(s.End) && len(s.Nodes) > 0 {
			_, port, _ := net.SplitHostPort(s.Nodes[0].Addr)
			n, _ := strconv.Atoi(port)
			return n
		}
	}
	return 0
}

func otherThan(addrs []string, port int) string {
	for _, a := range addrs {
		if !strings.HasSuffix(a, ":"+strconv.Itoa(port)) {
			return a
		}
	}
	return addrs[0]
}

// BenchmarkKillReplica kills one of three replicas a third into a 600-DM
// fan-out while the platform takes 300 ms per call, as Redis and the
// platform see a kill -9: its Redis connections close at once, the messages
// it was sending reach the platform but Redis never hears of them, nothing
// is handed back. It reports the doubles (at most the dead replica's messages
// in flight: 16 workers) and when the others took its entries over.
func BenchmarkKillReplica(b *testing.B) {
	for range b.N {
		r := &redisProc{dir: b.TempDir(), port: freePort(b)}
		r.start(b)
		client := func() *redis.Client {
			return redis.NewClient(&redis.Options{Addr: r.addr(), DialTimeout: redisTimeout, ReadTimeout: redisTimeout, WriteTimeout: redisTimeout})
		}
		rdb, victimDB := client(), client()
		p := &bottest.Platform{Latency: 300 * time.Millisecond}
		rep := &reports{}
		queue := func(name string, db *redis.Client) *outbox.Outbox {
			return outbox.New(outbox.Config{
				Logger: quiet, Redis: db, Prefix: "herald:", Messenger: bot.Messengers{bot.Slack: p},
				Outcomes: rep, Consumer: name, Pace: map[bot.Platform]outbox.Pace{bot.Slack: {Start: 100, Max: 100}},
			})
		}
		msgs := fanoutMsgs(600)
		if err := queue("poster", rdb).Post(context.Background(), msgs...); err != nil {
			b.Fatalf("post: %v", err)
		}
		var qs []*outbox.Outbox
		var stops []func()
		for i, name := range []string{"victim", "w2", "w3"} {
			db := rdb
			if i == 0 {
				db = victimDB
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			q := queue(name, db)
			qs = append(qs, q)
			go func() { defer close(done); _ = q.Run(ctx) }()
			stops = append(stops, func() { cancel(); <-done })
		}
		for p.Total() < 200 {
			time.Sleep(time.Millisecond)
		}
		killedAt := time.Now()
		_ = victimDB.Close()
		var tookOver time.Time
		for rep.len() < len(msgs) && time.Since(killedAt) < time.Minute {
			if tookOver.IsZero() && qs[1].Counts().Takeovers[bot.Slack]+qs[2].Counts().Takeovers[bot.Slack] > 0 {
				tookOver = time.Now()
			}
			time.Sleep(5 * time.Millisecond)
		}
		for _, s := range stops {
			s()
		}
		lost, doubled := (&fleet{platform: p, n: len(msgs)}).lostAndDoubled()
		maybe := qs[1].Counts().PossibleDoubles[bot.Slack] + qs[2].Counts().PossibleDoubles[bot.Slack]
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(float64(doubled), "doubled")
		b.ReportMetric(float64(maybe), "possible-doubles")
		b.ReportMetric(tookOver.Sub(killedAt).Seconds(), "s-to-takeover")
		b.Logf("replica killed: lost %d, doubled %d (metric: %d possible), taken over after %s",
			lost, doubled, maybe, tookOver.Sub(killedAt).Round(time.Millisecond))
		r.kill()
		_ = rdb.Close()
	}
}

// BenchmarkDMBehindBusyChannel posts 60 messages to one channel (1 per
// second) and then one DM, and reports how long the DM took.
func BenchmarkDMBehindBusyChannel(b *testing.B) {
	for range b.N {
		r := &redisProc{dir: b.TempDir(), port: freePort(b)}
		r.start(b)
		rdb := redis.NewClient(&redis.Options{Addr: r.addr()})
		var mu sync.Mutex
		var at time.Time
		p := &bottest.Platform{PerTarget: time.Second, Latency: 20 * time.Millisecond}
		p.Accepted = func(m bot.Message) {
			if m.To.Kind == bot.UserRef {
				mu.Lock()
				at = time.Now()
				mu.Unlock()
			}
		}
		var msgs []bot.Message
		for i := range 60 {
			msgs = append(msgs, post(i))
		}
		f := startFleet(b, rdb, p, msgs)
		time.Sleep(100 * time.Millisecond) // the channel's queue is busy
		posted := time.Now()
		if err := outbox.New(outbox.Config{Logger: quiet, Redis: rdb, Prefix: "herald:"}).Post(context.Background(), dm(1)); err != nil {
			b.Fatalf("post: %v", err)
		}
		for {
			mu.Lock()
			done := !at.IsZero()
			mu.Unlock()
			if done || time.Since(posted) > time.Minute {
				break
			}
			time.Sleep(time.Millisecond)
		}
		mu.Lock()
		took := at.Sub(posted)
		mu.Unlock()
		f.stop()
		r.kill()
		_ = rdb.Close()
		b.ReportMetric(took.Seconds(), "s-dm")
		b.Logf("DM behind 60 channel posts delivered after %s (channel sent %d by then)", took.Round(time.Millisecond), p.Got()[channel.Key()])
	}
}
