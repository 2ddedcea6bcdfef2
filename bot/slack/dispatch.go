package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/internal/inbound"
)

// The same code serves HTTP and Socket Mode: each function below takes a
// parsed payload, queues the slow work and returns the acknowledgement, a
// JSON-able body or nil for an empty one. None of them waits on Redis or the
// Slack API.

// ackMessage is a reply in the acknowledgement itself, shown only to the requester.
type ackMessage struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// busy is the acknowledgement when the queue is full.
func (a *Adapter) busy(lang string) ackMessage {
	return ackMessage{ResponseType: slack.ResponseTypeEphemeral, Text: a.t(lang, "slack.busy")}
}

// base is the Ref every ref of a request in team starts from.
func base(team string) bot.Ref { return bot.Ref{Platform: bot.Slack, Workspace: team} }

// command handles a slash command: "/herald shoutout" alone opens the
// shout-out modal, anything else goes to the core. The returned inline, when
// not nil, lets the core's reply go in the acknowledgement itself
// (ackWithin), over HTTP and Socket Mode alike; a reply that comes later, or
// is too large for an acknowledgement, goes through response_url.
func (a *Adapter) command(cmd slack.SlashCommand) (ack any, inline *inlineReply) {
	b := base(cmd.TeamID)
	text, refs := parseText(cmd.Text, b)
	req := bot.Request{
		User:    b.Same(bot.UserRef, cmd.UserID, cmd.UserName),
		Channel: b.Same(bot.ChannelRef, cmd.ChannelID, cmd.ChannelName),
		Text:    text,
		Refs:    refs,
	}
	resend := func(ctx context.Context, m bot.Message) { a.reply(ctx, req, cmd.ResponseURL, withoutAttachments(m)) }
	inline = newInlineReply(a.encodeAck, resend, a.edge.Log)
	j := func(ctx context.Context) {
		m := a.h.Handle(ctx, req)
		if inline.answered(m) {
			if m != nil {
				a.attachDM(ctx, req.User, *m)
			}
			return
		}
		if m != nil {
			a.reply(ctx, req, cmd.ResponseURL, *m)
		}
	}
	if cmd.TriggerID != "" {
		switch modalFor(text) {
		case shoutoutCallback:
			inline = nil
			j = func(ctx context.Context) { a.openShoutoutModal(ctx, cmd.TriggerID, req) }
		case pulseCallback:
			inline = nil
			j = func(ctx context.Context) { a.openPulseModal(ctx, cmd.TriggerID, req, cmd.ResponseURL) }
		}
	}
	if !a.edge.Pool.Submit(j) {
		a.edge.Refusal("slack: busy, command refused", "user", req.User.Key())
		return a.busy(req.Lang), nil
	}
	return nil, inline
}

// ackWithin returns the acknowledgement of a command: its reply when the core
// answers within wait (and before ctx ends), else ack, and the job replies
// through response_url.
func ackWithin(ctx context.Context, ack any, inline *inlineReply, wait time.Duration) any {
	if inline == nil {
		return ack
	}
	if reply := inline.wait(ctx, wait); reply != nil {
		return reply
	}
	return ack
}

// encodeAck encodes m as the acknowledgement of its command. A Static reply
// (help) is encoded once and kept: rendering it is most of a help request.
func (a *Adapter) encodeAck(m *bot.Message) (json.RawMessage, error) {
	if m.Static {
		if b, ok := a.static.Load(m); ok {
			return b.(json.RawMessage), nil
		}
	}
	b, err := json.Marshal(inlineAck{ResponseType: slack.ResponseTypeEphemeral, Text: Fallback(*m), Blocks: Blocks(*m, maxMessageBlocks)})
	if err != nil {
		return nil, fmt.Errorf("encode reply: %w", err)
	}
	if m.Static {
		kept, _ := a.static.LoadOrStore(m, json.RawMessage(b))
		return kept.(json.RawMessage), nil
	}
	return b, nil
}

// answer runs req through the core and sends the reply through responseURL.
func (a *Adapter) answer(ctx context.Context, req bot.Request, responseURL string) {
	if m := a.h.Handle(ctx, req); m != nil {
		a.reply(ctx, req, responseURL, *m)
	}
}

// reply sends m to the requester through responseURL; without one, or when
// it fails (used up or older than 30 minutes), as an ephemeral or direct
// message.
func (a *Adapter) reply(ctx context.Context, req bot.Request, responseURL string, m bot.Message) {
	if responseURL == "" || a.client.Respond(ctx, responseURL, m) != nil {
		a.tell(ctx, req, m) // a failed Respond is logged by the client
		return
	}
	a.attachDM(ctx, req.User, m)
}

// withoutAttachments returns m without its image and file, for a reply
// whose image and file were already sent (attachDM). Its notification text
// stays what it was.
func withoutAttachments(m bot.Message) bot.Message {
	if m.Image != nil && Fallback(m) == "" {
		m.Fallback = m.Image.Alt
	}
	m.Image, m.File = nil, nil
	return m
}

// tell shows m to the requester where there is no response_url: ephemeral in
// the request's channel, else as a direct message.
func (a *Adapter) tell(ctx context.Context, req bot.Request, m bot.Message) {
	if req.Channel.ID != "" && a.client.Ephemeral(ctx, req.Channel.ID, req.User.ID, m) == nil {
		a.attachDM(ctx, req.User, m)
		return
	}
	m.To = req.User
	_ = a.client.Send(ctx, m) // a failure is logged by the client
}

// attachDM sends a reply's image or file to the requester's direct messages:
// a response_url reply can't carry files.
func (a *Adapter) attachDM(ctx context.Context, user bot.Ref, m bot.Message) {
	if m.Image == nil && m.File == nil {
		return
	}
	ch, err := a.client.openDM(ctx, user.ID)
	if err != nil {
		return
	}
	_ = a.client.attach(ctx, ch, m)
}

// interaction handles button clicks (block_actions) and modal submissions.
func (a *Adapter) interaction(cb slack.InteractionCallback) any {
	b := base(cb.Team.ID)
	if cb.Team.ID == "" {
		b = base(cb.User.TeamID)
	}
	user := b.Same(bot.UserRef, cb.User.ID, cb.User.Name)
	lang := cb.User.Locale
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			return nil
		}
		act := cb.ActionCallback.BlockActions[0]
		channel := cb.Channel.ID
		if channel == "" {
			channel = cb.Container.ChannelID
		}
		req := bot.Request{
			User:    user,
			Channel: b.Same(bot.ChannelRef, channel, cb.Channel.Name),
			Action:  &bot.Action{Name: actionName(act.ActionID), Value: act.Value},
			Lang:    lang,
		}
		if !a.edge.Pool.Submit(func(ctx context.Context) { a.click(ctx, req, cb.ResponseURL, cb.TriggerID) }) {
			a.edge.Refusal("slack: busy, click refused", "user", user.Key(), "action", req.Action.Name)
			a.refuseClick(cb.ResponseURL, lang)
		}
		return nil
	case slack.InteractionTypeViewSubmission:
		switch cb.View.CallbackID {
		case shoutoutCallback:
			return a.submitShoutout(cb, user, lang)
		case formCallback:
			return a.submitForm(cb, user, lang)
		case pulseCallback:
			return a.submitPulse(cb, user, lang)
		}
	}
	return nil
}

// refuseClick tells the clicker herald is busy, through response_url, without
// holding up the acknowledgement. At most maxNotices such notices are under
// way at once; Run waits for them before it returns.
func (a *Adapter) refuseClick(responseURL, lang string) {
	if responseURL == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return
	}
	select {
	case a.notices <- struct{}{}:
	default:
		return // already telling enough people; the refusal is logged
	}
	a.noticeWG.Go(func() {
		defer func() { <-a.notices }()
		ctx, cancel := context.WithTimeout(context.Background(), noticeTimeout)
		defer cancel()
		_ = a.client.Respond(ctx, responseURL, bot.Message{Text: bot.Plain(a.t(lang, "slack.busy"))})
	})
}

// event handles an Events API callback, each event_id once: app_home_opened
// publishes the App Home, a direct message to herald and an @herald mention
// run a command, tokens_revoked and app_uninstalled stop all sending to the
// workspace.
func (a *Adapter) event(body []byte) error {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		return fmt.Errorf("parse event: %w", err)
	}
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || ev.Type != slackevents.CallbackEvent {
		return nil
	}
	work := a.eventWork(ev.TeamID, ev.InnerEvent)
	if work == nil {
		return nil
	}
	j := func(ctx context.Context) {
		if a.edge.FirstSeen(ctx, eventKey(cb.EventID), eventTTL) {
			work(ctx)
		}
	}
	if !a.edge.Pool.Submit(j) {
		// Slack retries an event it got no 200 for; a dropped one comes back.
		return errBusy
	}
	return nil
}

// eventWork returns the work of one inner event, or nil for an event herald
// ignores (its own messages, other bots', edits).
func (a *Adapter) eventWork(team string, inner slackevents.EventsAPIInnerEvent) inbound.Job {
	b := base(team)
	switch e := inner.Data.(type) {
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab != "home" {
			return nil
		}
		return func(ctx context.Context) { a.publishHome(ctx, b.Same(bot.UserRef, e.User, "")) }
	case *slackevents.MessageEvent:
		if !e.IsIM() || e.SubType != "" || e.BotID != "" || e.User == "" || e.User == a.botUser {
			return nil
		}
		req := a.textRequest(b, e.User, e.Channel, e.Text)
		return func(ctx context.Context) {
			if m := a.h.Handle(ctx, req); m != nil {
				msg := *m
				msg.To = req.Channel // the direct message it came from
				_ = a.client.Send(ctx, msg)
			}
		}
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.User == "" || e.User == a.botUser {
			return nil
		}
		req := a.textRequest(b, e.User, e.Channel, e.Text)
		thread := cmp.Or(e.ThreadTimeStamp, e.TimeStamp)
		return func(ctx context.Context) {
			m := a.h.Handle(ctx, req)
			switch {
			case m == nil:
			case m.Ephemeral:
				a.tell(ctx, req, *m)
			default:
				_ = a.client.Thread(ctx, req.Channel.ID, thread, *m)
			}
		}
	case *slackevents.TokensRevokedEvent, *slackevents.AppUninstalledEvent:
		reason := inner.Type
		return func(ctx context.Context) {
			if err := a.client.Revoke(ctx, team, reason); err != nil {
				a.edge.Log.Warn("slack: revocation not recorded", "team", team, "err", err)
			}
		}
	}
	return nil
}

// textRequest is a command typed in a message: herald's own mention goes.
func (a *Adapter) textRequest(b bot.Ref, user, channel, text string) bot.Request {
	words, refs := parseText(text, b)
	if a.botUser != "" {
		self := "<@" + a.botUser + ">"
		words = strings.TrimSpace(strings.ReplaceAll(words, self, " "))
		delete(refs, self)
	}
	return bot.Request{
		User:    b.Same(bot.UserRef, user, ""),
		Channel: b.Same(bot.ChannelRef, channel, ""),
		Text:    strings.Join(strings.Fields(words), " "),
		Refs:    refs,
	}
}

// errBusy is returned when the worker queue is full.
var errBusy = errors.New("slack: busy")

// eventKey is the dedupe key of an event id; "" when there is none.
func eventKey(id string) string {
	if id == "" {
		return ""
	}
	return "ev:" + id
}

func (a *Adapter) publishHome(ctx context.Context, user bot.Ref) {
	m, err := a.h.Home(ctx, user)
	if err != nil {
		a.edge.Log.Warn("slack: home unavailable", "user", user.Key(), "err", err)
		m = bot.Message{Header: a.t("", "home.header"), Text: bot.Plain(a.t("", "err.unavailable"))}
	}
	_ = a.client.PublishHome(ctx, user.ID, m) // a failure is logged by the client
}

// modalFor returns the callback_id of the form Slack shows for text, or "":
// "shoutout" alone opens the shout-out form, "pulse new" alone the pulse form.
func modalFor(text string) string {
	words := strings.Fields(strings.ToLower(text))
	if len(words) > 0 && words[0] == "/herald" {
		words = words[1:]
	}
	switch strings.Join(words, " ") {
	case "shoutout":
		return shoutoutCallback
	case "pulse new":
		return pulseCallback
	}
	return ""
}
