package slack_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
	slackbot "github.com/herald-chat/herald/bot/slack"
)

// silent is a core that has nothing to say, so the benchmark measures the
// adapter: verification, parsing, queueing and the acknowledgement.
type silent struct{ cat *bot.Catalog }

func (s silent) Handle(context.Context, bot.Request) *bot.Message { return nil }
func (s silent) Home(context.Context, bot.Ref) (bot.Message, error) {
	return bot.Message{}, nil
}
func (s silent) Catalog() *bot.Catalog        { return s.cat }
func (s silent) Check(bot.Request) *bot.Error { return nil }

// BenchmarkSignedCommandAck is one signed slash command through the HTTP
// handler, from raw request to acknowledgement, in parallel.
func BenchmarkSignedCommandAck(b *testing.B) {
	cat, err := bot.NewCatalog("en")
	if err != nil {
		b.Fatal(err)
	}
	client := slackbot.NewClient(slack.New("xoxb-bench", slack.OptionAPIURL("http://127.0.0.1:1/")), quietLog())
	a := slackbot.New(slackbot.Config{Handler: silent{cat}, Client: client, SigningSecret: secret, Logger: quietLog(), Queue: 1 << 16})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()
	body := url.Values{
		"team_id": {"T0001"}, "channel_id": {"C1"}, "user_id": {"U1"}, "command": {"/herald"},
		"text": {"shoutout <@U2|anna> shipped it #ownership"}, "response_url": {"http://127.0.0.1:1/r"},
	}.Encode()
	ts, sig := slackbot.Sign(secret, time.Now(), []byte(body))
	h := a.Commands()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", sig)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK || w.Body.Len() != 0 {
				b.Fatalf("got %d %q, want 200 and an empty body", w.Code, w.Body)
			}
		}
	})
}
