package slack

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Reconnection backoff of Socket Mode, after a connection could not be opened.
const (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// RunSocketMode serves Slack over Socket Mode until ctx ends: the same
// handlers as HTTP, each envelope acknowledged as soon as it is queued, and a
// new connection whenever one drops. The Client's slack-go client must carry
// the app-level token (slack.OptionAppLevelToken). Run must run too.
func (a *Adapter) RunSocketMode(ctx context.Context, opts ...socketmode.Option) error {
	sm := socketmode.New(a.client.api, opts...)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { a.connectLoop(ctx, sm) })
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case evt := <-sm.Events:
			a.socketEvent(ctx, sm, evt)
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

// socketEvent handles one Socket Mode event and acknowledges its envelope.
func (a *Adapter) socketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	var ack any
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.edge.Log.Info("slack socket mode: connected")
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		a.edge.Log.Warn("slack socket mode: "+string(evt.Type), "data", evt.Data)
		return
	case socketmode.EventTypeSlashCommand:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(evt.Request.Payload, &cmd); err != nil {
			a.edge.Log.Warn("slack socket mode: bad slash command", "err", err)
			break
		}
		// Socket Mode handles one envelope at a time: no waiting for the
		// reply, which goes through response_url unless it is ready now.
		ack = a.ackNow(a.command(cmd))
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
	if err := sm.AckCtx(ctx, evt.Request.EnvelopeID, ack); err != nil {
		a.edge.Log.Warn("slack socket mode: ack failed", "envelope", evt.Request.EnvelopeID, "err", err)
	}
}
