package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
)

const waitLong = 5 * time.Second

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newClient(t *testing.T) (*slackbot.Client, *fakeslack.Server) {
	t.Helper()
	fake := fakeslack.New(t)
	return slackbot.NewClient(slack.New("xoxb-test", slack.OptionAPIURL(fake.GetAPIURL())), quietLog()), fake
}

var team = bot.Ref{Platform: bot.Slack, Workspace: "T0001"}

func TestSendToChannelAndDM(t *testing.T) {
	ctx := context.Background()
	c, fake := newClient(t)
	if err := c.Send(ctx, bot.Message{To: team.Same(bot.ChannelRef, "C0WINS", ""), Header: "Hi", Text: bot.Plain("<!channel> hello")}); err != nil {
		t.Fatalf("send to channel: %v", err)
	}
	if err := c.Send(ctx, bot.Message{To: team.Same(bot.UserRef, "U1", ""), Text: bot.Plain("psst")}); err != nil {
		t.Fatalf("send to user: %v", err)
	}
	posts := fake.Calls("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("got %d posts, want 2", len(posts))
	}
	if got := posts[0].Form.Get("channel"); got != "C0WINS" {
		t.Errorf("channel post: got channel %q, want C0WINS", got)
	}
	if got := posts[0].Form.Get("text"); got != "Hi" {
		t.Errorf("channel post text: got %q, want %q", got, "Hi")
	}
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(posts[0].Form.Get("blocks")), &blocks); err != nil || len(blocks) != 2 {
		t.Errorf("channel post blocks: got %s (%v), want 2 blocks", posts[0].Form.Get("blocks"), err)
	}
	if got := fake.Calls("conversations.open"); len(got) != 1 || got[0].Form.Get("users") != "U1" {
		t.Errorf("conversations.open: got %v, want one call for U1", got)
	}
	if got := posts[1].Form.Get("channel"); got != "DU1" {
		t.Errorf("DM post: got channel %q, want DU1 (from conversations.open)", got)
	}
}

func TestSendWaitsOut429(t *testing.T) {
	c, fake := newClient(t)
	fake.RateLimit("chat.postMessage", 2, 1)
	start := time.Now()
	if err := c.Send(context.Background(), bot.Message{To: team.Same(bot.ChannelRef, "C1", ""), Text: bot.Plain("x")}); err != nil {
		t.Fatalf("send: %v", err)
	}
	if got := len(fake.Calls("chat.postMessage")); got != 1 {
		t.Errorf("got %d delivered posts, want 1", got)
	}
	if waited := time.Since(start); waited < 2*time.Second {
		t.Errorf("got a wait of %v, want at least the two Retry-Afters (2s)", waited)
	}
}

func TestSend429BeyondRetries(t *testing.T) {
	c, fake := newClient(t)
	c.Retries = 0
	fake.RateLimit("chat.postMessage", 1, 7)
	err := c.Send(context.Background(), bot.Message{To: team.Same(bot.ChannelRef, "C1", ""), Text: bot.Plain("x")})
	var be *bot.Error
	if !errors.As(err, &be) || be.Code != bot.EUNAVAILABLE || be.RetryAfter != 7*time.Second {
		t.Fatalf("got %#v, want EUNAVAILABLE with RetryAfter 7s", err)
	}
}

func TestSendErrorCodes(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{"channel_not_found", bot.ENOTFOUND},
		{"user_not_found", bot.ENOTFOUND},
		{"not_in_channel", bot.EFORBIDDEN},
		{"account_inactive", bot.EFORBIDDEN},
		{"internal_error", bot.EUNAVAILABLE},
	}
	for _, tt := range tests {
		c, fake := newClient(t)
		fake.Fail("chat.postMessage", tt.give)
		err := c.Send(context.Background(), bot.Message{To: team.Same(bot.ChannelRef, "C1", ""), Text: bot.Plain("x")})
		if got := bot.ErrorCode(err); got != tt.want {
			t.Errorf("%s: got %s (%v), want %s", tt.give, got, err, tt.want)
		}
	}
}

// TestSendToAGroupSendsNothing proves the Messenger leaves groups to the
// core, which expands them through Members: a message to a user group is an
// error and reaches nobody, not every member twice.
func TestSendToAGroupSendsNothing(t *testing.T) {
	c, fake := newClient(t)
	fake.SetMembers("S1", "U7", "U8")
	if err := c.Send(context.Background(), bot.Message{To: team.Same(bot.GroupRef, "S1", ""), Text: bot.Plain("hi")}); err == nil {
		t.Error("send to a group: got no error, want one")
	}
	if calls := fake.Calls(""); len(calls) != 0 {
		t.Errorf("send to a group: got %d Slack calls, want none", len(calls))
	}
}

func TestMembers(t *testing.T) {
	ctx := context.Background()
	c, fake := newClient(t)
	fake.SetMembers("C1", "U1", "U2", "U3", "U4", "U5")
	fake.SetMembers("S1", "U7", "U8")
	ids := func(refs []bot.Ref) []string {
		var out []string
		for _, r := range refs {
			out = append(out, r.ID)
			if r.Kind != bot.UserRef || r.Workspace != "T0001" {
				t.Errorf("member %v: want a user of T0001", r)
			}
		}
		return out
	}
	tests := []struct {
		give bot.Ref
		want []string
	}{
		{team.Same(bot.ChannelRef, "C1", ""), []string{"U1", "U2", "U3", "U4", "U5"}},
		{team.Same(bot.GroupRef, "S1", ""), []string{"U7", "U8"}},
		{team.Same(bot.UserRef, "U9", ""), []string{"U9"}},
	}
	for _, tt := range tests {
		got, err := c.Members(ctx, tt.give)
		if err != nil {
			t.Fatalf("Members(%s): %v", tt.give.Key(), err)
		}
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("Members(%s): got %v, want %v", tt.give.Key(), ids(got), tt.want)
		}
	}
	if got := len(fake.Calls("conversations.members")); got != 3 {
		t.Errorf("got %d conversations.members pages, want 3", got)
	}
	fake.Fail("conversations.members", "channel_not_found")
	if _, err := c.Members(ctx, team.Same(bot.ChannelRef, "C404", "")); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("unknown channel: got %v, want %s", err, bot.ENOTFOUND)
	}
}

func TestSendUploadsImageAndFile(t *testing.T) {
	c, fake := newClient(t)
	m := bot.Message{
		To:    team.Same(bot.ChannelRef, "C1", ""),
		Text:  bot.Plain("results"),
		Image: &bot.Image{PNG: []byte("\x89PNG fake"), Alt: "eNPS chart"},
		File:  &bot.File{Name: "pulse.csv", Type: "text/csv", Content: []byte("a,b\n1,2\n")},
	}
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatalf("send: %v", err)
	}
	urls := fake.Calls("files.getUploadURLExternal")
	if len(urls) != 2 || urls[0].Form.Get("filename") != "chart.png" || urls[1].Form.Get("filename") != "pulse.csv" {
		t.Fatalf("upload urls: got %v, want chart.png then pulse.csv", urls)
	}
	done := fake.Calls("files.completeUploadExternal")
	if len(done) != 2 || done[0].Form.Get("channel_id") != "C1" {
		t.Errorf("completed uploads: got %v, want 2 shared to C1", done)
	}
	if got := len(fake.Calls("upload")); got != 2 {
		t.Errorf("got %d uploaded bodies, want 2", got)
	}
}

func TestPublishHomeAndOpenModal(t *testing.T) {
	ctx := context.Background()
	c, fake := newClient(t)
	fake.RateLimit("views.publish", 1, 1)
	if err := c.PublishHome(ctx, "U1", bot.Message{Header: "Your herald", Text: bot.Plain("hi")}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	var pub struct {
		UserID string `json:"user_id"`
		View   struct {
			Type   string           `json:"type"`
			Blocks []map[string]any `json:"blocks"`
		} `json:"view"`
	}
	calls := fake.Calls("views.publish")
	if len(calls) != 1 {
		t.Fatalf("got %d views.publish, want 1", len(calls))
	}
	if err := json.Unmarshal(calls[0].JSON, &pub); err != nil || pub.UserID != "U1" || pub.View.Type != "home" || len(pub.View.Blocks) != 2 {
		t.Errorf("views.publish: got %s, want a home view for U1 with 2 blocks", calls[0].JSON)
	}
	fake.Fail("views.open", "expired_trigger_id")
	if err := c.OpenModal(ctx, "T1", slack.ModalViewRequest{Type: slack.VTModal}); bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Errorf("expired trigger: got %v, want %s", err, bot.EUNAVAILABLE)
	}
}
