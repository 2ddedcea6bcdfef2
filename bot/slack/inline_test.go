package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
)

// TestInlineReplyEncodeErrorIsLogged: a reply that can't be encoded for its
// acknowledgement is logged once, with the error, and left to the job, which
// sends it through response_url.
func TestInlineReplyEncodeErrorIsLogged(t *testing.T) {
	var log bytes.Buffer
	r := newInlineReply(func(*bot.Message) (json.RawMessage, error) {
		return nil, errors.New("encode reply: broken block")
	}, nil, slog.New(slog.NewTextHandler(&log, nil)))
	if r.answered(&bot.Message{Text: bot.Plain("hi")}) {
		t.Error("answered: got true, want false (the job sends it)")
	}
	if ack := r.wait(context.Background(), time.Minute); ack != nil {
		t.Errorf("wait: got %s, want no reply in the acknowledgement", ack)
	}
	if got := strings.Count(log.String(), "level=WARN"); got != 1 || !strings.Contains(log.String(), "broken block") {
		t.Errorf("log: got %q, want one warning with the error", log.String())
	}
}

// TestInlineReplyNotEncodedLate: a reply that comes after the acknowledgement
// went is not encoded; the job sends it.
func TestInlineReplyNotEncodedLate(t *testing.T) {
	encoded := 0
	r := newInlineReply(func(*bot.Message) (json.RawMessage, error) {
		encoded++
		return json.RawMessage(`{}`), nil
	}, nil, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ack := r.wait(ctx, time.Minute); ack != nil {
		t.Fatalf("wait: got %s, want nil once ctx ended", ack)
	}
	if r.answered(&bot.Message{Text: bot.Plain("hi")}) {
		t.Error("answered: got true, want false (the acknowledgement went)")
	}
	if encoded != 0 {
		t.Errorf("encoded %d times, want 0", encoded)
	}
}
