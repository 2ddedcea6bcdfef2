package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
	"github.com/herald-chat/herald/store/storetest"
)

// socketEnv is an Adapter in Socket Mode whose core answers "reply to
// <words>" at once, except to "slow", which waits for release, and to
// "large", whose reply is too large for an acknowledgement.
type socketEnv struct {
	fake    *fakeslack.Server
	ss      *socketServer
	rec     *recorder
	release chan struct{}
	cancel  context.CancelFunc
	socket  chan error // RunSocketMode's result
	run     chan error // Run's result
}

// largeReply is more than an acknowledgement carries (20 KiB in Socket Mode).
var largeReply = strings.Repeat("a long reply ", 2000)

// newSocketEnv starts an Adapter waiting inlineWait for replies; the socket
// server sends the envelopes of turn on its first connection. The
// acknowledgements of the envelopes failAcks names fail, as when herald
// stops just as they are sent.
func newSocketEnv(t *testing.T, inlineWait time.Duration, turn func(e *socketEnv) []map[string]any, failAcks ...string) *socketEnv {
	t.Helper()
	ss := &socketServer{acks: make(chan map[string]any, 10)}
	ss.upgrade.CheckOrigin = func(*http.Request) bool { return true }
	fake := fakeslack.New(t, ss.bind)
	ss.wsURL = "ws://" + strings.TrimPrefix(strings.TrimSuffix(fake.GetAPIURL(), "/"), "http://") + "/socket"
	api := slack.New("xoxb-test", slack.OptionAPIURL(fake.GetAPIURL()), slack.OptionAppLevelToken("xapp-test"))
	client := slackbot.NewClient(api, quietLog())
	b, err := bot.New(bot.Config{Shoutouts: &bottest.Shoutouts{Outbox: bot.Messengers{bot.Slack: client}}, Outbox: bot.Messengers{bot.Slack: client}, Lang: "en", Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	e := &socketEnv{fake: fake, ss: ss, release: make(chan struct{}), socket: make(chan error, 1), run: make(chan error, 1)}
	e.rec = &recorder{bot: b, reply: func(req bot.Request) *bot.Message {
		switch req.Text {
		case "slow":
			<-e.release
		case "large":
			return &bot.Message{Text: bot.Plain(largeReply)}
		case "chart":
			return &bot.Message{Text: bot.Plain("reply to chart"), Image: &bot.Image{PNG: []byte("png"), Alt: "a chart"}}
		}
		return &bot.Message{Text: bot.Plain("reply to " + req.Text)}
	}}
	ss.turns = [][]map[string]any{turn(e)}
	a := slackbot.New(slackbot.Config{Handler: e.rec, Client: client, Seen: storetest.MustStore(t), Logger: quietLog(), InlineWait: inlineWait})
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	go func() { e.run <- a.Run(ctx) }()
	fail := func(id string) error {
		if slices.Contains(failAcks, id) {
			return context.Canceled
		}
		return nil
	}
	go func() { e.socket <- slackbot.RunSocketModeFailingAcks(ctx, a, fail) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-e.release:
		default:
			close(e.release)
		}
		for _, c := range []chan error{e.socket, e.run} {
			select {
			case <-c:
			case <-time.After(waitLong):
				t.Errorf("the adapter did not stop within %v", waitLong)
			}
		}
	})
	return e
}

// command is a slash command envelope with text, answering to the
// response_url named id.
func (e *socketEnv) command(id, text string) map[string]any {
	return envelope(id, "slash_commands", slack.SlashCommand{
		TeamID: "T0001", ChannelID: "C1", UserID: "U1", UserName: "steve", Command: "/herald", Text: text,
		ResponseURL: e.fake.ResponseURL(id),
	})
}

// ack waits for the next acknowledgement.
func (e *socketEnv) ack(t *testing.T) (id, payload string) {
	t.Helper()
	select {
	case ack := <-e.ss.acks:
		p, _ := json.Marshal(ack["payload"])
		if ack["payload"] == nil {
			p = nil
		}
		return fmt.Sprint(ack["envelope_id"]), string(p)
	case <-time.After(waitLong):
		t.Fatalf("no acknowledgement within %v", waitLong)
	}
	return "", ""
}

// TestSocketModeReplyInTheAck: a reply the core gives within the wait goes
// in the acknowledgement, not through response_url, and a slow command does
// not hold up the acknowledgement of the next.
func TestSocketModeReplyInTheAck(t *testing.T) {
	e := newSocketEnv(t, time.Minute, func(e *socketEnv) []map[string]any {
		return []map[string]any{e.command("E1", "slow"), e.command("E2", "fast")}
	})
	// E1's core waits until E2 is acknowledged: had E1's acknowledgement held
	// up E2's, neither would come.
	id, payload := e.ack(t)
	if id != "E2" || !strings.Contains(payload, `"text":"reply to fast"`) || !strings.Contains(payload, `"response_type":"ephemeral"`) {
		t.Fatalf("first ack: got %s with %s, want E2 with its reply", id, payload)
	}
	close(e.release)
	id, payload = e.ack(t)
	if id != "E1" || !strings.Contains(payload, `"text":"reply to slow"`) {
		t.Fatalf("second ack: got %s with %s, want E1 with its reply", id, payload)
	}
	if calls := e.fake.Calls("response_url"); len(calls) != 0 {
		t.Errorf("response_url: got %d calls, want none (both replies went in their acks)", len(calls))
	}
}

// TestSocketModeLateOrLargeReplyThroughResponseURL: a reply slower than the
// wait, or too large for an acknowledgement, follows the empty
// acknowledgement through response_url.
func TestSocketModeLateOrLargeReplyThroughResponseURL(t *testing.T) {
	e := newSocketEnv(t, 50*time.Millisecond, func(e *socketEnv) []map[string]any {
		return []map[string]any{e.command("E1", "slow"), e.command("E2", "large")}
	})
	acks := map[string]string{}
	for range 2 {
		id, payload := e.ack(t)
		acks[id] = payload
	}
	for _, id := range []string{"E1", "E2"} {
		if payload, ok := acks[id]; !ok || payload != "" {
			t.Errorf("ack of %s: got %q (received %v), want one without a payload", id, payload, ok)
		}
	}
	close(e.release) // the core answers E1 only now
	calls := e.fake.WaitFor(t, "response_url", 2, waitLong)
	var got []string
	for _, c := range calls {
		got = append(got, string(c.JSON))
	}
	joined := strings.Join(got, "\n")
	if !strings.Contains(joined, "reply to slow") || !strings.Contains(joined, "a long reply a long reply") {
		t.Errorf("response_url: got %.300s, want the slow and the large reply", joined)
	}
}

// TestSocketModeStopsItsWaitingAcks: a stop ends the acknowledgements still
// waiting for the core; the reply that comes after follows through
// response_url.
func TestSocketModeStopsItsWaitingAcks(t *testing.T) {
	e := newSocketEnv(t, time.Minute, func(e *socketEnv) []map[string]any {
		return []map[string]any{e.command("E1", "slow")}
	})
	bottest.Eventually(t, waitLong, func() bool { return len(e.rec.requests()) == 1 })
	e.cancel()
	select {
	case err := <-e.socket:
		if err != nil {
			t.Fatalf("RunSocketMode: %v", err)
		}
	case <-time.After(waitLong):
		t.Fatalf("RunSocketMode did not return within %v of the stop, its ack waiting a minute", waitLong)
	}
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	for _, leak := range []string{"slack.(*Adapter).socketEvent", "slack.(*inlineReply).wait", "slack.(*Adapter).socketAck"} {
		if strings.Contains(stacks, leak) {
			t.Errorf("after RunSocketMode returned, a goroutine is still in %s:\n%s", leak, stacks)
		}
	}
	close(e.release)
	if calls := e.fake.WaitFor(t, "response_url", 1, waitLong); !strings.Contains(string(calls[0].JSON), "reply to slow") {
		t.Errorf("response_url: got %s, want the slow reply", calls[0].JSON)
	}
	e.socket <- nil // for the cleanup
}

// stop stops the adapter and waits until it stopped, its acknowledgements
// and jobs included.
func (e *socketEnv) stop(t *testing.T) {
	t.Helper()
	e.cancel()
	for _, c := range []chan error{e.socket, e.run} {
		select {
		case err := <-c:
			if err != nil {
				t.Fatalf("stop: %v", err)
			}
		case <-time.After(waitLong):
			t.Fatalf("the adapter did not stop within %v", waitLong)
		}
		c <- nil // for the cleanup
	}
}

// TestSocketModeFailedAckReplyThroughResponseURL: when the acknowledgement
// that carried the reply fails, the reply goes through response_url, once,
// without its image a second time; a reply whose acknowledgement went does
// not go through response_url too.
func TestSocketModeFailedAckReplyThroughResponseURL(t *testing.T) {
	e := newSocketEnv(t, time.Minute, func(e *socketEnv) []map[string]any {
		return []map[string]any{e.command("E1", "one"), e.command("E2", "chart"), e.command("E3", "three")}
	}, "E1", "E2")
	if id, payload := e.ack(t); id != "E3" || !strings.Contains(payload, "reply to three") {
		t.Fatalf("ack: got %s with %s, want E3 with its reply", id, payload)
	}
	e.fake.WaitFor(t, "response_url", 2, waitLong)
	e.stop(t) // every ack, resend and job is done: the calls below are all there are

	var texts []string
	for _, c := range e.fake.Calls("response_url") {
		var reply struct{ Text string }
		if err := json.Unmarshal(c.JSON, &reply); err != nil {
			t.Fatalf("response_url: %v in %s", err, c.JSON)
		}
		texts = append(texts, reply.Text)
	}
	slices.Sort(texts)
	if want := []string{"reply to chart", "reply to one"}; !slices.Equal(texts, want) {
		t.Errorf("response_url: got %q, want %q: the replies whose acks failed, once each, and not the one whose ack went", texts, want)
	}
	if n := len(e.fake.Calls("upload")); n != 1 {
		t.Errorf("uploads: got %d, want the chart once", n)
	}
	if n := len(e.fake.Calls("chat.postEphemeral")) + len(e.fake.Calls("chat.postMessage")); n != 0 {
		t.Errorf("ephemeral and direct messages: got %d, want none (response_url worked)", n)
	}
}
