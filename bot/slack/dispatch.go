package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/herald-chat/herald/bot"
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
// shout-out modal, anything else goes to the core, whose reply comes back
// through response_url.
func (a *Adapter) command(cmd slack.SlashCommand) any {
	b := base(cmd.TeamID)
	text, refs := parseText(cmd.Text, b)
	req := bot.Request{
		User:    b.Same(bot.UserRef, cmd.UserID, cmd.UserName),
		Channel: b.Same(bot.ChannelRef, cmd.ChannelID, cmd.ChannelName),
		Text:    text,
		Refs:    refs,
	}
	j := func(ctx context.Context) { a.answer(ctx, req, cmd.ResponseURL) }
	if cmd.TriggerID != "" {
		switch modalFor(text) {
		case shoutoutCallback:
			j = func(ctx context.Context) { a.openShoutoutModal(ctx, cmd.TriggerID, req) }
		case pulseCallback:
			j = func(ctx context.Context) { a.openPulseModal(ctx, cmd.TriggerID, req, cmd.ResponseURL) }
		}
	}
	if !a.pool.Submit(j) {
		a.log.Warn("slack: busy, command refused", "user", req.User.Key())
		return a.busy(req.Lang)
	}
	return nil
}

// answer runs req through the core and sends the reply through responseURL.
func (a *Adapter) answer(ctx context.Context, req bot.Request, responseURL string) {
	if m := a.h.Handle(ctx, req); m != nil {
		a.reply(ctx, req, responseURL, *m)
	}
}

// reply sends m to the requester through responseURL, or without one as an
// ephemeral or direct message.
func (a *Adapter) reply(ctx context.Context, req bot.Request, responseURL string, m bot.Message) {
	if responseURL == "" {
		a.tell(ctx, req, m)
		return
	}
	if err := a.client.Respond(ctx, responseURL, m); err != nil {
		return // logged by the client with method and error code
	}
	a.attachDM(ctx, req.User, m)
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
		if !a.pool.Submit(func(ctx context.Context) { a.click(ctx, req, cb.ResponseURL, cb.TriggerID) }) {
			a.log.Warn("slack: busy, click refused", "user", user.Key(), "action", req.Action.Name)
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

// event handles an Events API callback: each event_id once, app_home_opened
// publishes the App Home.
func (a *Adapter) event(body []byte) error {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		return fmt.Errorf("parse event: %w", err)
	}
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || ev.Type != slackevents.CallbackEvent {
		return nil
	}
	home, ok := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok || home.Tab != "home" {
		return nil
	}
	user := base(ev.TeamID).Same(bot.UserRef, home.User, "")
	j := func(ctx context.Context) {
		if !a.firstSeen(ctx, cb.EventID) {
			return
		}
		a.publishHome(ctx, user)
	}
	if !a.pool.Submit(j) {
		// Slack retries an event it got no 200 for; a dropped one comes back.
		return errBusy
	}
	return nil
}

// errBusy is returned when the worker queue is full.
var errBusy = errors.New("slack: busy")

// firstSeen reports whether the event id is new. When Redis can't say, the
// event is processed: publishing a home twice is harmless, losing it is not.
func (a *Adapter) firstSeen(ctx context.Context, eventID string) bool {
	if a.seen == nil || eventID == "" {
		return true
	}
	ok, err := a.seen.FirstSeen(ctx, "slack:"+eventID, eventTTL)
	if err != nil {
		a.log.Warn("slack: event dedupe unavailable; processing", "event_id", eventID, "err", err)
		return true
	}
	if !ok {
		a.log.Debug("slack: duplicate event skipped", "event_id", eventID)
	}
	return ok
}

func (a *Adapter) publishHome(ctx context.Context, user bot.Ref) {
	m, err := a.h.Home(ctx, user)
	if err != nil {
		a.log.Warn("slack: home unavailable", "user", user.Key(), "err", err)
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
