package teams_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

// BenchmarkInboundActivity measures what Teams waits for: reading a message
// activity, validating its RS256 token and queueing the work.
func BenchmarkInboundActivity(b *testing.B) {
	fake := fakebf.New(b)
	cat, err := bot.NewCatalog("en")
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	h := &recorder{cat: cat, got: make(chan struct{}, 1<<20)}
	client := teams.NewClient(teams.ClientConfig{AppID: appID, Password: "secret", TokenURL: fake.TokenURL(), Conversations: &bottest.Conversations{}, Catalog: cat, Logger: quiet})
	v := teams.NewVerifier(appID, fake.MetadataURL(), nil, quiet, nil)
	a := teams.New(teams.Config{Handler: h, Client: client, Verifier: v, Logger: quiet, Queue: 1 << 20})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = v.Run(ctx) }()
	go func() { _ = a.Run(ctx) }()
	body := fixtureB(b, "message-activity.json", fake.ServiceURL())
	auth := "Bearer " + fakebf.Sign(b, fake.Key, fakebf.KeyID, fake.Claims(appID))
	handler := a.Messages()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/messages", bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("got %d, want 200", w.Code)
		}
	}
}

// BenchmarkCard measures rendering a pulse DM with an eNPS rating.
func BenchmarkCard(b *testing.B) {
	cat, err := bot.NewCatalog("en")
	if err != nil {
		b.Fatal(err)
	}
	tr := func(key string, args ...any) string { return cat.T("", key, args...) }
	m := bot.Message{
		Header: "📊 Pulse", Text: bot.Plain("How likely are you to recommend working here?"),
		Rating:  &bot.Rating{Action: "pulse.answer", Value: "P1|1|0", Min: 0, Max: 10, MinLabel: "Not at all likely", MaxLabel: "Extremely likely"},
		Context: "Anonymous: results show once at least 5 people have answered.",
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = teams.CardJSON(m, tr)
	}
}
