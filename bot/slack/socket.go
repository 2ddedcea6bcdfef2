package slack

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// resendTimeout bounds sending a reply the other way after the
// acknowledgement that carried it failed, typically because herald is
// stopping.
const resendTimeout = 10 * time.Second

// acker acknowledges Socket Mode envelopes; *socketmode.Client is one.
type acker interface {
	AckCtx(ctx context.Context, id string, payload any) error
}

// Reconnection backoff of Socket Mode, after a connection could not be opened.
const (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// RunSocketMode serves Slack over Socket Mode until ctx ends: the same
// handlers as HTTP, and a new connection whenever one drops. Each envelope is
// acknowledged as soon as its work is queued, except a slash command's, which
// waits for the core's reply as over HTTP (Config.InlineWait) without holding
// up the envelopes after it. The Client's slack-go client must carry the
// app-level token (slack.OptionAppLevelToken). Run must run too.
// RunSocketMode returns once its connection and the acknowledgements still
// waiting have stopped.
func (a *Adapter) RunSocketMode(ctx context.Context, opts ...socketmode.Option) error {
	sm := socketmode.New(a.client.api, opts...)
	return a.runSocketMode(ctx, sm, sm)
}

// runSocketMode is RunSocketMode acknowledging envelopes through ack.
func (a *Adapter) runSocketMode(ctx context.Context, sm *socketmode.Client, ack acker) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup // the connection and the waiting acknowledgements
	wg.Go(func() { a.connectLoop(ctx, sm) })
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case evt := <-sm.Events:
			a.socketEvent(ctx, ack, &wg, evt)
		}
	}
}

// connectLoop keeps a Socket Mode connection open until ctx ends. slack-go
// reconnects by itself when a connection drops; this loop also retries when
// opening one fails, with backoff.
func (a *Adapter) connectLoop(ctx context.Context, sm *socketmode.Client) {
	backoff := minBackoff
	for {
		start := time.Now()
		err := sm.RunContext(ctx)
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) > maxBackoff {
			backoff = minBackoff
		}
		a.edge.Log.Warn("slack socket mode: connection failed; retrying", "err", err, "in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// socketEvent handles one Socket Mode event and acknowledges its envelope; a
// slash command's acknowledgement waits for the reply in a goroutine of wg,
// which also sends the reply the other way when the acknowledgement that
// carried it failed.
func (a *Adapter) socketEvent(ctx context.Context, sm acker, wg *sync.WaitGroup, evt socketmode.Event) {
	var ack any
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.edge.Log.Info("slack socket mode: connected")
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		a.edge.Log.Warn("slack socket mode: "+string(evt.Type), "data", evt.Data)
		return
	case socketmode.EventTypeErrorWriteFailed:
		// slack-go took an acknowledgement and then could not write it.
		failed, ok := evt.Data.(*socketmode.ErrorWriteFailed)
		if !ok || failed.Response == nil {
			return
		}
		a.edge.Log.Warn("slack socket mode: ack not written", "envelope", failed.Response.EnvelopeID, "err", failed.Cause)
		if inline := a.carried.take(failed.Response.EnvelopeID); inline != nil {
			wg.Go(func() {
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resendTimeout)
				defer cancel()
				inline.ackFailed(rctx)
			})
		}
		return
	case socketmode.EventTypeSlashCommand:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(evt.Request.Payload, &cmd); err != nil {
			a.edge.Log.Warn("slack socket mode: bad slash command", "err", err)
			break
		}
		var inline *inlineReply
		ack, inline = a.command(cmd)
		if inline != nil {
			id := evt.Request.EnvelopeID
			wg.Go(func() {
				if a.socketAck(ctx, sm, id, ackWithin(ctx, ack, inline, a.inlineWait)) {
					a.carried.add(id, inline) // until its write is known not to have failed
					return
				}
				// The reply is lost unless sent now, on a context of its
				// own: ctx has most likely ended.
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resendTimeout)
				defer cancel()
				inline.ackFailed(rctx)
			})
			return
		}
	case socketmode.EventTypeInteractive:
		var cb slack.InteractionCallback
		if err := json.Unmarshal(evt.Request.Payload, &cb); err != nil {
			a.edge.Log.Warn("slack socket mode: bad interaction", "err", err)
			break
		}
		ack = a.interaction(cb)
	case socketmode.EventTypeEventsAPI:
		if err := a.event(evt.Request.Payload); err != nil {
			a.edge.Log.Warn("slack socket mode: event not taken", "err", err)
			return // not acknowledged: Slack sends it again
		}
	default:
		return
	}
	if evt.Request == nil {
		return
	}
	a.socketAck(ctx, sm, evt.Request.EnvelopeID, ack)
}

// socketAck acknowledges the envelope id with payload (nil for none) and
// reports whether it did; a failure is logged.
func (a *Adapter) socketAck(ctx context.Context, sm acker, id string, payload any) bool {
	if err := sm.AckCtx(ctx, id, payload); err != nil {
		a.edge.Log.Warn("slack socket mode: ack failed", "envelope", id, "err", err)
		return false
	}
	return true
}

// carriedFor is how long a reply carried in an acknowledgement is kept in
// case slack-go reports, after taking the acknowledgement, that it could not
// write it: it writes at once, so a failure comes within moments.
const carriedFor = time.Minute

// carriedReplies are the replies recent acknowledgements carried, by
// envelope id. The zero value is ready to use.
type carriedReplies struct {
	mu sync.Mutex
	m  map[string]carried
}

type carried struct {
	reply *inlineReply
	at    time.Time
}

// add keeps the reply the acknowledgement of envelope id carried, and
// forgets those older than carriedFor.
func (c *carriedReplies) add(id string, r *inlineReply) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]carried{}
	}
	for k, v := range c.m {
		if now.Sub(v.at) > carriedFor {
			delete(c.m, k)
		}
	}
	c.m[id] = carried{reply: r, at: now}
}

// take returns and forgets the reply the acknowledgement of envelope id
// carried, or nil.
func (c *carriedReplies) take(id string) *inlineReply {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.m[id].reply
	delete(c.m, id)
	return r
}
