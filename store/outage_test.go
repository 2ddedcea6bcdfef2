package store_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// proxy forwards TCP connections to a Redis and can cut them, to play an outage.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func mustProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

func TestRedisOutageIsToldPlainlyAndRecoveredFrom(t *testing.T) {
	direct, prefix := storetest.MustRedis(t)
	single, ok := direct.(*redis.Client)
	if !ok {
		t.Skip("the outage test needs a single Redis server, not a cluster")
	}
	target := single.Options().Addr
	p := mustProxy(t, target)
	rdb := redis.NewClient(&redis.Options{Addr: p.ln.Addr().String(), DialTimeout: 200 * time.Millisecond, MaxRetries: 1})
	defer rdb.Close()
	st := store.New(rdb, prefix)
	out := &bottest.Messenger{}
	b, err := bot.New(bot.Config{Shoutouts: st, Outbox: out, Lang: "en", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	me := user("T1", "UME")
	anna := user("T1", "UANNA")
	req := func(text string) bot.Request {
		return bot.Request{User: me, Channel: me.Same(bot.ChannelRef, "C1", "wins"), Text: text, Refs: map[string]bot.Ref{"<@UANNA>": anna}}
	}
	ctx := context.Background()

	p.cut()
	reply := b.Handle(ctx, req("shoutout <@UANNA> kept the lights on"))
	if got := reply.Text.String(); !strings.Contains(got, "herald can't reach its database right now") {
		t.Fatalf("during the outage: got %q, want the database message", got)
	}
	if n := len(out.Sent()); n != 0 {
		t.Errorf("during the outage: %d broadcasts, want none for an unsaved shout-out", n)
	}

	p.restore()
	var err2 error
	bottest.Eventually(t, 2500*time.Millisecond, func() bool { // go-redis reconnects by itself; give it a moment
		err2 = st.Ping(ctx)
		return err2 == nil
	})
	if err2 != nil {
		t.Fatalf("no recovery after the outage: %v", err2)
	}
	reply = b.Handle(ctx, req("shoutout <@UANNA> kept the lights on"))
	if got := reply.Text.String(); !strings.HasPrefix(got, "Thank you!") {
		t.Fatalf("after the outage: got %q, want the confirmation", got)
	}
	list, err := st.Shoutouts(ctx, me.Space(), bot.MonthOf(time.Now(), time.UTC), 10)
	if err != nil || len(list) != 1 {
		t.Errorf("after the outage: got %d shout-outs (%v), want exactly 1: nothing half-written", len(list), err)
	}
	var be *bot.Error
	if err := st.Ping(ctx); errors.As(err, &be) {
		t.Errorf("ping after recovery: %v", err)
	}
}
