// Package slack is herald's Slack adapter: it verifies and acknowledges
// Slack's requests (HTTP or Socket Mode), turns slash commands, button clicks,
// modal submissions and events into bot.Requests for the core, and renders the
// core's messages as Block Kit. Slow work runs on a bounded pool of workers
// owned by the Adapter, so every request is acknowledged within Slack's three
// seconds; a reply the core gives within about two seconds goes in the
// acknowledgement (HTTP and Socket Mode alike), a later or larger one through
// response_url, chat.postEphemeral, a direct message or views.publish.
package slack

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/internal/inbound"
)

// Handler is what the adapter needs from the core; *bot.Bot is one.
type Handler interface {
	// Handle runs one request and returns the reply for the requester, or nil.
	Handle(ctx context.Context, req bot.Request) *bot.Message
	// Home returns user's home page. Returns EUNAVAILABLE when the database
	// can't be reached.
	Home(ctx context.Context, user bot.Ref) (bot.Message, error)
	// Catalog returns the texts herald speaks.
	Catalog() *bot.Catalog
	// Check checks a request's command words without running them, for forms
	// that show mistakes before they close; nil means Handle may go ahead.
	Check(req bot.Request) *bot.Error
}

// Config is what an Adapter needs.
type Config struct {
	Handler Handler
	Client  *Client
	Seen    inbound.Deduper
	// SigningSecret verifies HTTP requests; Socket Mode does not need it.
	SigningSecret string
	Logger        *slog.Logger
	// Workers is how many requests run at once (default 64: the work waits on
	// Redis and Slack more than it computes); Queue how many more may wait
	// (default 4096). A request that finds the queue full waits up to
	// QueueWait (default 1s) for a place, well inside Slack's three seconds,
	// and is answered "busy" only then.
	Workers   int
	Queue     int
	QueueWait time.Duration
	// BodyBudget bounds the bytes that the request bodies being read hold
	// at once (default inbound.DefaultBodyBudget, 32 MiB); a request that
	// finds it spent waits QueueWait for its turn and then gets 503, or,
	// a slash command, the busy acknowledgement.
	BodyBudget int64
	// Now is the clock for signature timestamps (time.Now when nil).
	Now func() time.Time
	// BotUser is herald's own user id (auth.test), so that herald ignores
	// its own messages and reads "@herald" in a mention as no word.
	BotUser string
	// InlineWait is how long a slash command's acknowledgement, over HTTP or
	// Socket Mode, waits for the core's reply to carry it inline (default 2s,
	// within Slack's 3s); a slower reply goes through response_url.
	InlineWait time.Duration
}

// Defaults of Config, and how long requests are remembered.
const (
	defaultInlineWait = 2 * time.Second
	// eventTTL is how long a processed event_id is remembered; Slack retries
	// for about an hour at most.
	eventTTL = 2 * time.Hour
	// replayTTL is how long a request signature is remembered: a signed
	// request is valid for five minutes either side of now.
	replayTTL = 2 * maxSkew
	// maxNotices bounds the "busy" notices sent for refused clicks at once.
	maxNotices    = 32
	noticeTimeout = 10 * time.Second
)

// Adapter serves Slack. Create it with New and run its workers with Run.
type Adapter struct {
	h      Handler
	client *Client
	verify *Verifier
	edge   *inbound.Edge

	botUser    string
	inlineWait time.Duration
	static     sync.Map       // *bot.Message (Static) → its encoded inline ack, json.RawMessage
	carried    carriedReplies // Socket Mode: replies in acknowledgements not yet known written

	mu       sync.Mutex // guards stopped and the adding to noticeWG
	stopped  bool
	notices  chan struct{} // a slot per "busy" notice under way
	noticeWG sync.WaitGroup
}

// New returns an Adapter.
func New(cfg Config) *Adapter {
	return &Adapter{
		h:      cfg.Handler,
		client: cfg.Client,
		verify: NewVerifier(cfg.SigningSecret, cfg.Now),
		edge: inbound.NewEdge("slack",
			inbound.PoolConfig{Workers: cfg.Workers, Queue: cfg.Queue, Wait: cfg.QueueWait}, cfg.BodyBudget, cfg.Seen, cfg.Logger),
		notices:    make(chan struct{}, maxNotices),
		botUser:    cfg.BotUser,
		inlineWait: cmp.Or(cfg.InlineWait, defaultInlineWait),
	}
}

// Run runs the workers until ctx ends, then stops taking requests and
// finishes the ones already taken and the "busy" notices under way.
func (a *Adapter) Run(ctx context.Context) error {
	a.edge.Pool.Run(ctx)
	a.mu.Lock()
	a.stopped = true
	a.mu.Unlock()
	a.noticeWG.Wait()
	return nil
}

// Queued returns how many requests wait for a worker, for metrics.
func (a *Adapter) Queued() int { return a.edge.Pool.Queued() }

// Refused returns how many requests were answered "busy" so far, for metrics.
func (a *Adapter) Refused() uint64 { return a.edge.Pool.Refused() }

// BodyBytes returns how many bytes the request bodies being read hold now,
// and the most they held at once, for metrics.
func (a *Adapter) BodyBytes() (now, peak int64) { return a.edge.BodyBytes() }

// BodyRefused returns how many requests were refused because the memory for
// bodies being read was taken, for metrics.
func (a *Adapter) BodyRefused() uint64 { return a.edge.BodyRefused() }

// t renders a catalog text in lang.
func (a *Adapter) t(lang, key string, args ...any) string {
	return a.h.Catalog().T(lang, key, args...)
}
