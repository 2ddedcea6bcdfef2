package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
)

// maxInlineAck is the largest reply an acknowledgement carries, as JSON:
// Socket Mode drops responses of 20 KiB or more, and the envelope around the
// reply needs a few bytes. A larger reply goes through response_url, over
// HTTP too, so that both answer alike.
const maxInlineAck = 19 << 10

// inlineReply hands the core's reply to a slash command from its job to the
// acknowledgement still waiting for it; the two agree, once, on who sends it.
type inlineReply struct {
	state  atomic.Int32 // waiting, inline or late
	done   chan struct{}
	encode func(*bot.Message) (json.RawMessage, error)
	resend func(context.Context, bot.Message)
	log    *slog.Logger
	ack    json.RawMessage // the reply as the acknowledgement carries it; nil for none
	msg    *bot.Message    // the reply the acknowledgement carries; nil for none
}

const (
	waiting = iota
	inline  // the acknowledgement carries the reply
	late    // the acknowledgement went without it: the job sends it
)

// inlineAck is a reply in a slash command's acknowledgement.
type inlineAck struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

// newInlineReply returns an inlineReply that encodes the reply with encode
// and, should the acknowledgement carrying it fail, sends it with resend
// (see ackFailed). It logs to log.
func newInlineReply(encode func(*bot.Message) (json.RawMessage, error), resend func(context.Context, bot.Message), log *slog.Logger) *inlineReply {
	return &inlineReply{done: make(chan struct{}), encode: encode, resend: resend, log: log}
}

// answered gives the job's reply m (nil for none) and reports whether the
// acknowledgement carries it; when false (too late, larger than
// maxInlineAck, or not encodable), the job must send it itself. A reply
// that comes after the acknowledgement went is not encoded.
func (r *inlineReply) answered(m *bot.Message) bool {
	if r.state.Load() != waiting {
		return false // the acknowledgement went without it
	}
	to := int32(inline)
	if m != nil {
		ack, err := r.encode(m)
		switch {
		case err != nil:
			r.log.Warn("slack: reply not encoded for its acknowledgement; sending it through response_url", "err", err)
			to = late
		case len(ack) > maxInlineAck:
			to = late
		default:
			r.ack, r.msg = ack, m
		}
	}
	if !r.state.CompareAndSwap(waiting, to) {
		return false
	}
	close(r.done)
	return to == inline
}

// wait waits up to d, or until ctx ends, for the reply as the
// acknowledgement carries it. It returns nil when there is none to carry:
// no reply, one too large, or one that did not come in time, which the job
// then sends itself.
func (r *inlineReply) wait(ctx context.Context, d time.Duration) json.RawMessage {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.done:
	case <-t.C:
	case <-ctx.Done():
	}
	if r.state.CompareAndSwap(waiting, late) {
		return nil
	}
	<-r.done // answered, maybe just now
	return r.ack
}

// ackFailed sends, with resend on ctx, the reply that an acknowledgement
// returned by wait carried, when sending that acknowledgement failed: the
// job left the reply to it. It does nothing when the acknowledgement
// carried no reply. Call it only after wait returned.
func (r *inlineReply) ackFailed(ctx context.Context) {
	if r.state.Load() != inline || r.msg == nil {
		return
	}
	r.resend(ctx, *r.msg)
}
