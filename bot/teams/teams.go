// Package teams is herald's Microsoft Teams adapter. It serves the Bot
// Framework's POST /api/messages: it validates the bearer token of each
// activity (issuer, audience, signature from the OpenID metadata's keys,
// expiry, and the serviceurl claim), turns messages and Adaptive Card submits
// into bot.Requests, and remembers the conversation references herald needs
// for proactive sends. It answers Teams at once and does the work on a
// bounded pool of workers owned by the Adapter; replies and every other
// message go out through the Bot Framework connector REST API (Client),
// rendered as Adaptive Cards 1.5.
package teams

import (
	"context"
	"log/slog"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/internal/inbound"
)

// Handler is what the adapter needs from the core; *bot.Bot is one.
type Handler interface {
	// Handle runs one request and returns the reply for the requester, or nil.
	Handle(ctx context.Context, req bot.Request) *bot.Message
	// Lang returns the language herald speaks with req's user, for the
	// adapter's own words (file consent answers).
	Lang(ctx context.Context, req bot.Request) string
	// Catalog returns the texts herald speaks.
	Catalog() *bot.Catalog
}

// Conversations keeps the conversation references of Teams: through which
// Bot Framework service URL a conversation of a tenant is reached. The space
// is a Ref's Space ("teams:<tenant id>"); *store.Store is one.
type Conversations interface {
	// SaveConversation records that conversation in space is reached through
	// serviceURL; serviceURL also becomes the space's endpoint for
	// conversations not seen yet. Returns EUNAVAILABLE when the database
	// can't be reached.
	SaveConversation(ctx context.Context, space, conversation, serviceURL string) error
	// ServiceURL returns the service URL of conversation in space, or the
	// space's. Returns ENOTFOUND when herald never heard from space, and
	// EUNAVAILABLE when the database can't be reached.
	ServiceURL(ctx context.Context, space, conversation string) (string, error)
}

// Config is what an Adapter needs.
type Config struct {
	Handler Handler
	Client  *Client
	// Seen, when set, makes a replayed activity run once.
	Seen inbound.Deduper
	// Verifier checks the bearer token of every inbound activity (required).
	Verifier *Verifier
	Logger   *slog.Logger
	// Workers is how many activities are worked on at once (default 64:
	// the work waits on Redis and the connector more than it computes);
	// Queue how many more may wait (default 4096). An activity that finds
	// the queue full waits up to a second for a place (Teams waits 15s),
	// and only then gets 503.
	Workers int
	Queue   int
	// BodyBudget bounds the bytes that the activities being read hold at
	// once (default inbound.DefaultBodyBudget, 32 MiB); an activity that
	// finds it spent waits a second for its turn and then gets 503.
	BodyBudget int64
}

// replayTTL is how long an activity id is remembered: about a token's
// lifetime.
const replayTTL = time.Hour

// Adapter serves Teams. Create it with New and run its workers with Run.
type Adapter struct {
	h      Handler
	client *Client
	verify *Verifier
	edge   *inbound.Edge
}

// New returns an Adapter.
func New(cfg Config) *Adapter {
	return &Adapter{
		h:      cfg.Handler,
		client: cfg.Client,
		verify: cfg.Verifier,
		edge:   inbound.NewEdge("teams", inbound.PoolConfig{Workers: cfg.Workers, Queue: cfg.Queue}, cfg.BodyBudget, cfg.Seen, cfg.Logger),
	}
}

// Run runs the workers until ctx ends, then stops taking activities and
// finishes the ones already taken.
func (a *Adapter) Run(ctx context.Context) error {
	a.edge.Pool.Run(ctx)
	return nil
}

// Queued returns how many activities wait for a worker, for metrics.
func (a *Adapter) Queued() int { return a.edge.Pool.Queued() }

// Refused returns how many activities were refused with 503 so far, for metrics.
func (a *Adapter) Refused() uint64 { return a.edge.Pool.Refused() }

// BodyBytes returns how many bytes the activities being read hold now, and
// the most they held at once, for metrics.
func (a *Adapter) BodyBytes() (now, peak int64) { return a.edge.BodyBytes() }

// BodyRefused returns how many activities got 503 because the memory for
// bodies being read was taken, for metrics.
func (a *Adapter) BodyRefused() uint64 { return a.edge.BodyRefused() }
