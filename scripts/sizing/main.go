// Command sizing measures how much Redis memory a year of herald takes
// (scripts/bench-sizing.sh runs it against a Redis of its own). It drives the
// core and the delivery queue as the chat platforms and the scheduler would,
// on a simulated clock, for one Slack workspace:
//
//   - a weekly anonymous pulse to everyone, answered by 60 % with one click,
//     one reminder before it closes three days later;
//   - shout-outs: one per person per month, to one or two colleagues, with a
//     company value;
//   - a weekly key message to the all-hands channel, and a monthly one to 5 %
//     of the people (executives) as direct messages, 80 % of them acknowledged.
//
// Then it reports INFO memory's used_memory before and after, and MEMORY USAGE
// of every key by kind. REDIS_URL must name an empty database.
//
//	go run ./scripts/sizing [-people 1000] [-weeks 52]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

const (
	prefix    = "herald:"
	workspace = "T0123ABCDE"
)

func main() {
	people := flag.Int("people", 1000, "employees")
	weeks := flag.Int("weeks", 52, "weeks to simulate")
	flag.Parse()
	if err := run(context.Background(), os.Getenv("REDIS_URL"), *people, *weeks, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sizing:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url string, n, weeks int, out io.Writer) error {
	if url == "" {
		return errors.New("REDIS_URL not set")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if size, err := rdb.DBSize(ctx).Result(); err != nil || size != 0 {
		return fmt.Errorf("want an empty database, got %d keys (%v)", size, err)
	}
	before, err := usedMemory(ctx, rdb)
	if err != nil {
		return err
	}

	w := newWorld(n)
	clock := &simClock{now: time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)} // a Monday
	var queue deliveryQueue
	w.bot, queue, err = wire(rdb, w, clock)
	if err != nil {
		return err
	}
	qctx, stop := context.WithCancel(ctx)
	defer stop()
	qdone := make(chan error, 1)
	go func() { qdone <- queue.Run(qctx) }()

	s := &sim{w: w, clock: clock, queue: queue}
	if err := s.year(ctx, weeks); err != nil {
		return err
	}
	stop()
	if err := <-qdone; err != nil {
		return fmt.Errorf("queue: %w", err)
	}

	after, err := usedMemory(ctx, rdb)
	if err != nil {
		return err
	}
	kinds, err := keyMemory(ctx, rdb)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d people, %d weeks: %d shout-outs, %d pulse rounds with %d answers, %d key message sends (%d direct, %d acknowledged)\n",
		n, weeks, s.shoutouts, weeks, s.answers, s.keymsgSends, s.keymsgDirect, s.acks)
	fmt.Fprintf(out, "used_memory: %.1f MB before, %.1f MB after: %.1f MB more\n", mb(before), mb(after), mb(after-before))
	fmt.Fprintln(out, "MEMORY USAGE by kind of key:")
	var total int64
	for _, k := range kinds {
		fmt.Fprintf(out, "  %-34s %7d keys %8.2f MB\n", k.name, k.keys, mb(k.bytes))
		total += k.bytes
	}
	fmt.Fprintf(out, "  %-34s %7s      %8.2f MB\n", "all keys", "", mb(total))
	return nil
}

// world is the workspace: its people and channels, herald's Directory and
// Messenger. Sent messages are dropped; the key message acknowledgement
// buttons are kept so that people can press them.
type world struct {
	bot    *bot.Bot
	people []bot.Ref
	all    bot.Ref // the all-hands channel, everyone in it
	wins   bot.Ref

	mu   sync.Mutex
	acks []bot.Request // key message buttons delivered, not pressed yet
}

func newWorld(n int) *world {
	w := &world{
		all:  bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: workspace, ID: "C0ALLHANDS1", Name: "all-hands"},
		wins: bot.Ref{Kind: bot.ChannelRef, Platform: bot.Slack, Workspace: workspace, ID: "C0WINS00001", Name: "wins"},
	}
	for i := range n {
		id := fmt.Sprintf("U%010d", 4_000_000_000+i)
		w.people = append(w.people, bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: workspace, ID: id})
	}
	return w
}

// Members is the Directory: every channel holds everyone.
func (w *world) Members(_ context.Context, r bot.Ref) ([]bot.Ref, error) {
	if r.Kind == bot.UserRef {
		return []bot.Ref{r}, nil
	}
	return w.people, nil
}

// Send is the Messenger: it keeps the acknowledgement buttons of direct key messages.
func (w *world) Send(_ context.Context, m bot.Message) error {
	for _, b := range m.Buttons {
		if b.Action == "keymsg.ack" && m.To.Kind == bot.UserRef {
			w.mu.Lock()
			w.acks = append(w.acks, bot.Request{User: m.To, Channel: m.To, Action: &bot.Action{Name: b.Action, Value: b.Value}})
			w.mu.Unlock()
		}
	}
	return nil
}

// takeAcks returns the acknowledgement buttons delivered so far.
func (w *world) takeAcks() []bot.Request {
	w.mu.Lock()
	defer w.mu.Unlock()
	acks := w.acks
	w.acks = nil
	return acks
}

// sim runs the year and counts what it did.
type sim struct {
	w     *world
	clock *simClock
	queue deliveryQueue
	rnd   *rand.Rand
	round string // the open round, P1.N

	shoutouts, answers, keymsgSends, keymsgDirect, acks int
}

var (
	praise = []string{
		"ran the onboarding sessions for the new CRM and answered every question afterwards",
		"stayed late to get the customer portal release out on time",
		"turned three customer complaints into one clear fix for the whole team",
		"shared the new process in our team meeting and made it easy to follow",
		"helped me migrate my accounts to the new tool in one afternoon",
		"wrote the guide everyone now uses for the quarterly review",
	}
	values = []string{"#customer-first", "#ownership", "#learning", "#one-team"}
)

func (s *sim) year(ctx context.Context, weeks int) error {
	s.rnd = rand.New(rand.NewPCG(1, 2))
	admin := s.w.people[0]
	execs := s.w.people[:max(1, len(s.w.people)/20)]
	setup := []struct {
		text string
		refs []bot.Ref
	}{
		{text: `pulse new "How confident are you working the new way?" type=scale5 to=#all-hands every="every monday at 9:00" closes=3d`, refs: []bot.Ref{s.w.all}},
		{text: `keymsg add "every monday at 10:00" #all-hands This week in the CRM rollout: what changed, what comes next, and where to ask.`, refs: []bot.Ref{s.w.all}},
		{text: `keymsg add "every month on the 1st at 9:00" ` + mentions(execs) + ` Please share this month's key message with your team: we move every customer conversation into the new CRM by the end of the quarter.`, refs: execs},
	}
	for _, c := range setup {
		if _, err := s.do(ctx, admin, s.w.all, c.text, c.refs...); err != nil {
			return err
		}
	}
	month := s.clock.Now().Month()
	for week := range weeks {
		monday := s.clock.Now().Truncate(24 * time.Hour)
		s.clock.set(monday.Add(9 * time.Hour))
		r, err := s.w.bot.OpenRound(ctx, admin.Space(), "P1", s.clock.Now())
		if err != nil {
			return fmt.Errorf("week %d: open round: %w", week, err)
		}
		s.round = "P1." + strconv.Itoa(r.N)
		s.clock.set(monday.Add(10 * time.Hour))
		if _, err := s.do(ctx, admin, s.w.all, "keymsg send 1"); err != nil {
			return err
		}
		s.keymsgSends++
		if m := s.clock.Now().Month(); m != month {
			month = m
			if _, err := s.do(ctx, admin, s.w.all, "keymsg send 2"); err != nil {
				return err
			}
			s.keymsgSends++
			s.keymsgDirect += len(execs)
		}
		for day := range 5 {
			s.clock.set(monday.Add(time.Duration(day)*24*time.Hour + 11*time.Hour))
			if err := s.day(ctx, day); err != nil {
				return err
			}
		}
		s.clock.set(monday.Add(2*24*time.Hour + 15*time.Hour))
		if _, err := s.do(ctx, admin, admin, "pulse remind P1"); err != nil {
			return fmt.Errorf("week %d: %w", week, err)
		}
		s.clock.set(monday.Add(3*24*time.Hour + 9*time.Hour))
		if _, err := s.do(ctx, admin, admin, "pulse close P1"); err != nil {
			return fmt.Errorf("week %d: %w", week, err)
		}
		if err := s.queue.Drain(ctx); err != nil {
			return fmt.Errorf("week %d: drain: %w", week, err)
		}
		s.clock.set(monday.Add(7 * 24 * time.Hour))
	}
	return nil
}

// day is one working day: a fifth of the week's shout-outs and, in the first
// three days, a third of the week's answers; then the acknowledgements of the
// key messages delivered.
func (s *sim) day(ctx context.Context, day int) error {
	ppl := s.w.people
	perDay := len(ppl) * 12 / 52 / 5
	for range perDay {
		// The giver, one colleague and a second one every third time.
		i := s.rnd.IntN(len(ppl))
		giver, to := ppl[i], []bot.Ref{ppl[(i+1+s.rnd.IntN(len(ppl)-2))%len(ppl)]}
		if s.rnd.IntN(3) == 0 {
			to = append(to, ppl[(i+len(ppl)-1)%len(ppl)])
		}
		text := "shoutout " + mentions(to) + " " + praise[s.rnd.IntN(len(praise))] + " " + values[s.rnd.IntN(len(values))]
		m, err := s.do(ctx, giver, s.w.wins, text, to...)
		if err != nil {
			return err
		}
		if !strings.Contains(m.Text.String(), "Thank you") {
			return fmt.Errorf("%q: %s", text, m.Text.String())
		}
		s.shoutouts++
	}
	if day < 3 {
		for i := day; i < len(ppl); i += 3 {
			if s.rnd.IntN(10) >= 6 { // 60 % answer
				continue
			}
			req := bot.Request{User: ppl[i], Channel: ppl[i], Action: &bot.Action{
				Name: bot.ActionPulseAnswer, Value: s.round + "|1|" + strconv.Itoa(1+s.rnd.IntN(5)),
			}}
			if m := s.w.bot.Handle(ctx, req); m != nil && strings.Contains(m.Text.String(), "internal error") {
				return fmt.Errorf("answer %s: %s", s.round, m.Text.String())
			}
			s.answers++
		}
	}
	if err := s.queue.Drain(ctx); err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	for _, req := range s.w.takeAcks() {
		if s.rnd.IntN(5) == 0 { // 80 % acknowledge
			continue
		}
		s.w.bot.Handle(ctx, req)
		s.acks++
	}
	return nil
}

// do runs a typed command as who in channel; refs are the people and
// channels its @ and # words name.
func (s *sim) do(ctx context.Context, who, channel bot.Ref, text string, refs ...bot.Ref) (*bot.Message, error) {
	req := bot.Request{User: who, Channel: channel, Text: text, Refs: map[string]bot.Ref{"#all-hands": s.w.all}}
	for _, r := range refs {
		req.Refs["@"+r.ID] = r
	}
	m := s.w.bot.Handle(ctx, req)
	if m != nil && (strings.Contains(m.Text.String(), "internal error") || strings.Contains(m.Text.String(), "Usage")) {
		return m, fmt.Errorf("%q: %s", text, m.Text.String())
	}
	return m, nil
}

func mentions(refs []bot.Ref) string {
	words := make([]string, len(refs))
	for i, r := range refs {
		words[i] = "@" + r.ID
	}
	return strings.Join(words, " ")
}

// simClock is the simulated time the core sees.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func usedMemory(ctx context.Context, rdb *redis.Client) (int64, error) {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("info memory: %w", err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("info memory: no used_memory")
}

// kind is the memory of one kind of key.
type kind struct {
	name  string
	keys  int
	bytes int64
}

// keyKinds names kinds of key by a part of their name, first match wins.
var keyKinds = []struct{ part, name string }{
	{":shoutout", "shout-outs"},
	{":pulse", "pulses"},
	{":keymsg", "key messages"},
	{"{outbox}:idem:", "delivery ids (expire after 7 days)"},
	{"{outbox}", "delivery queue"},
	{"", "other"},
}

// keyMemory returns MEMORY USAGE of every key, summed by kind.
func keyMemory(ctx context.Context, rdb *redis.Client) ([]kind, error) {
	by := map[string]*kind{}
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	for len(keys) > 0 {
		batch := keys[:min(1000, len(keys))]
		keys = keys[len(batch):]
		cmds := make([]*redis.IntCmd, len(batch))
		if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range batch {
				cmds[i] = p.MemoryUsage(ctx, k, 0)
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("memory usage: %w", err)
		}
		for i, k := range batch {
			name := "other"
			for _, kk := range keyKinds {
				if strings.Contains(k, kk.part) {
					name = kk.name
					break
				}
			}
			if by[name] == nil {
				by[name] = &kind{name: name}
			}
			by[name].keys++
			by[name].bytes += cmds[i].Val()
		}
	}
	out := make([]kind, 0, len(by))
	for _, k := range by {
		out = append(out, *k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].bytes > out[j].bytes })
	return out, nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
