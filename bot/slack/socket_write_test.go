package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/herald-chat/herald/bot"
)

// TestSocketModeUnwrittenAckReplySentAgain: slack-go took an
// acknowledgement that carried a reply and then reported that it could not
// write it (EventTypeErrorWriteFailed): the reply goes the other way, once.
// Acknowledgements written, or without a reply, send nothing more.
func TestSocketModeUnwrittenAckReplySentAgain(t *testing.T) {
	a := New(Config{Logger: slog.New(slog.DiscardHandler)})
	var (
		mu   sync.Mutex
		sent []string
	)
	reply := func(text string) *inlineReply {
		r := newInlineReply(func(*bot.Message) (json.RawMessage, error) { return json.RawMessage(`{"text":"x"}`), nil },
			func(_ context.Context, m bot.Message) {
				mu.Lock()
				defer mu.Unlock()
				sent = append(sent, m.Text.String())
			}, slog.New(slog.DiscardHandler))
		var m *bot.Message
		if text != "" {
			m = &bot.Message{Text: bot.Plain(text)}
		}
		r.answered(m)
		r.wait(context.Background(), time.Minute)
		return r
	}
	a.carried.add("E1", reply("reply to one"))
	a.carried.add("E2", reply("reply to two"))
	a.carried.add("E3", reply(""))
	failed := func(id string) socketmode.Event {
		return socketmode.Event{Type: socketmode.EventTypeErrorWriteFailed, Data: &socketmode.ErrorWriteFailed{
			Cause: errors.New("websocket: close sent"), Response: &socketmode.Response{EnvelopeID: id},
		}}
	}
	var wg sync.WaitGroup
	for _, id := range []string{"E1", "E1", "E3", "E9"} {
		a.socketEvent(context.Background(), nil, &wg, failed(id))
	}
	wg.Wait()
	if len(sent) != 1 || sent[0] != "reply to one" {
		t.Errorf("sent again: got %q, want the reply of E1 once (E2 was written, E3 carried none, E9 is unknown)", sent)
	}
}
