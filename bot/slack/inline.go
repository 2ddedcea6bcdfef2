package slack

import (
	"sync/atomic"
	"time"

	"github.com/herald-chat/herald/bot"
)

// inlineReply hands the core's reply to a slash command from its job to the
// acknowledgement still waiting for it; the two agree, once, on who sends it.
type inlineReply struct {
	state atomic.Int32 // waiting, inline or late
	done  chan struct{}
	msg   *bot.Message
}

const (
	waiting = iota
	inline  // the acknowledgement carries the reply
	late    // the acknowledgement went without it: the job sends it
)

func newInlineReply() *inlineReply { return &inlineReply{done: make(chan struct{})} }

// answered gives the job's reply m (nil for none) and reports whether the
// acknowledgement carries it; when false, the job must send it itself.
func (r *inlineReply) answered(m *bot.Message) bool {
	r.msg = m
	if !r.state.CompareAndSwap(waiting, inline) {
		return false
	}
	close(r.done)
	return true
}

// wait waits up to d for the reply. ok is false when it did not come in
// time: the job then sends it.
func (r *inlineReply) wait(d time.Duration) (m *bot.Message, ok bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.done:
		return r.msg, true
	case <-t.C:
	}
	if r.state.CompareAndSwap(waiting, late) {
		return nil, false
	}
	<-r.done // answered just now
	return r.msg, true
}
