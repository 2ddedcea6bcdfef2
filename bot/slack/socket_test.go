package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
	"github.com/herald-chat/herald/store/storetest"
)

// socketServer is Slack's Socket Mode end: each connection gets hello and
// then the envelopes of its turn; acks are collected.
type socketServer struct {
	mu      sync.Mutex
	turns   [][]map[string]any // envelopes per connection, in order
	conns   int
	acks    chan map[string]any
	wsURL   string
	upgrade websocket.Upgrader
}

func (s *socketServer) bind(c slacktest.Customize) {
	c.Handle("/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer xapp-test" {
			http.Error(w, "want the app-level token", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"url":%q}`, s.wsURL)
	})
	c.Handle("/socket", func(w http.ResponseWriter, r *http.Request) {
		conn, err := s.upgrade.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		s.mu.Lock()
		turn := s.conns
		s.conns++
		s.mu.Unlock()
		_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A123456"}})
		if turn >= len(s.turns) {
			// The last connection stays open until the client leaves.
			for {
				if _, _, err := conn.ReadMessage(); err != nil {
					return
				}
			}
		}
		// All envelopes of the turn go out before any ack is awaited: the
		// acks come in the order herald sends them.
		for _, env := range s.turns[turn] {
			if err := conn.WriteJSON(env); err != nil {
				return
			}
		}
		for range s.turns[turn] {
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			s.acks <- ack
		}
		// Drop the connection: the client must come back.
	})
}

func envelope(id, typ string, payload any) map[string]any {
	return map[string]any{"envelope_id": id, "type": typ, "accepts_response_payload": typ != "events_api", "payload": payload}
}

func TestSocketMode(t *testing.T) {
	ss := &socketServer{acks: make(chan map[string]any, 10)}
	// Slack's client sends Origin: https://api.slack.com; this server is that end.
	ss.upgrade.CheckOrigin = func(*http.Request) bool { return true }
	fake := fakeslack.New(t, ss.bind)
	ss.wsURL = "ws://" + strings.TrimPrefix(strings.TrimSuffix(fake.GetAPIURL(), "/"), "http://") + "/socket"

	cmd := slack.SlashCommand{TeamID: "T0001", ChannelID: "C1", UserID: "U1", UserName: "steve", Command: "/herald", Text: "help", ResponseURL: fake.ResponseURL("sm")}
	var home map[string]any
	if err := json.Unmarshal([]byte(fixture(t, "event-app-home-opened.json")), &home); err != nil {
		t.Fatal(err)
	}
	var click map[string]any
	if err := json.Unmarshal([]byte(fixture(t, "block-actions.json")), &click); err != nil {
		t.Fatal(err)
	}
	click["response_url"] = fake.ResponseURL("click")
	ss.turns = [][]map[string]any{
		{envelope("E1", "slash_commands", cmd)},
		{envelope("E2", "events_api", home), envelope("E3", "interactive", click)},
	}

	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.GetAPIURL()), slack.OptionAppLevelToken("xapp-test"))
	client := slackbot.NewClient(api, quietLog())
	b, err := bot.New(bot.Config{Shoutouts: &bottest.Shoutouts{Outbox: bot.Messengers{bot.Slack: client}}, Outbox: bot.Messengers{bot.Slack: client}, Lang: "en", Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	// The core's reply comes in the acknowledgement whenever it comes.
	a := slackbot.New(slackbot.Config{Handler: b, Client: client, Seen: storetest.MustStore(t), Logger: quietLog(), InlineWait: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = a.Run(ctx) })
	wg.Go(func() { _ = a.RunSocketMode(ctx) })
	defer func() { cancel(); wg.Wait() }()

	var got []string
	acks := map[string]map[string]any{}
	for range 3 {
		select {
		case ack := <-ss.acks:
			id := fmt.Sprint(ack["envelope_id"])
			got = append(got, id)
			acks[id] = ack
		case <-time.After(waitLong):
			t.Fatalf("got acks %v, want E1, E2, E3", got)
		}
	}
	if strings.Join(got, ",") != "E1,E2,E3" {
		t.Errorf("acks: got %v, want E1,E2,E3 (E2 and E3 after a reconnection)", got)
	}
	if payload := fmt.Sprint(acks["E1"]["payload"]); !strings.Contains(payload, "herald helps your organisation") {
		t.Errorf("ack of the slash command: got payload %s, want the help text", payload)
	}
	replies := fake.WaitFor(t, "response_url", 1, waitLong)
	if len(replies) != 1 || !strings.Contains(string(replies[0].JSON), "This button no longer works") {
		t.Errorf("response_url: got %d calls, first %s; want only the stale-button answer", len(replies), replies[0].JSON)
	}
	if calls := fake.WaitFor(t, "views.publish", 1, waitLong); !strings.Contains(string(calls[0].JSON), `"user_id":"U2147483697"`) {
		t.Errorf("views.publish: got %s, want the home of U2147483697", calls[0].JSON)
	}
}
