package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
)

// Client sends herald's messages to Slack through the Web API, and expands
// channels and user groups into their members. A 429 is waited out (its
// Retry-After) and retried up to Retries times, so nothing is dropped.
type Client struct {
	api *slack.Client
	log *slog.Logger
	// Retries is how often one call waits out a 429 and tries again before it
	// returns EUNAVAILABLE with RetryAfter set. A durable delivery queue that
	// paces itself may set it to 0.
	Retries int
	// MaxWait caps one wait for a 429; a longer Retry-After is returned at once.
	MaxWait time.Duration
}

var (
	_ bot.Messenger = (*Client)(nil)
	_ bot.Directory = (*Client)(nil)
)

// NewClient returns a Client on api.
func NewClient(api *slack.Client, log *slog.Logger) *Client {
	if log == nil {
		log = slog.Default()
	}
	return &Client{api: api, log: log, Retries: 5, MaxWait: time.Minute}
}

// API returns the slack-go client, for Socket Mode.
func (c *Client) API() *slack.Client { return c.api }

// Send delivers m to a channel (chat.postMessage) or a person (a direct
// message: conversations.open, then chat.postMessage); the core expands user
// groups into people through Members before it sends.
// An image or file in m is uploaded to the same conversation after the text.
// Returns EUNAVAILABLE (with RetryAfter on a 429 that lasted) when Slack can't
// be reached, ENOTFOUND for channel_not_found and user_not_found, and
// EFORBIDDEN for not_in_channel, account_inactive and the like.
func (c *Client) Send(ctx context.Context, m bot.Message) error {
	switch m.To.Kind {
	case bot.ChannelRef:
		return c.post(ctx, m.To.ID, m)
	case bot.UserRef:
		ch, err := c.openDM(ctx, m.To.ID)
		if err != nil {
			return err
		}
		return c.post(ctx, ch, m)
	}
	return fmt.Errorf("slack send: no target in %q", m.To.Key())
}

func (c *Client) post(ctx context.Context, channel string, m bot.Message) error {
	err := c.call(ctx, "chat.postMessage", func() error {
		_, _, err := c.api.PostMessageContext(ctx, channel, content(m)...)
		return err
	})
	if err != nil {
		return err
	}
	return c.attach(ctx, channel, m)
}

// content is m's blocks and notification text; a message that is only an
// attachment still gets a text, which Slack requires.
func content(m bot.Message) []slack.MsgOption {
	text := Fallback(m)
	if text == "" {
		text = ellipsis
		if m.Image != nil {
			text = escape(m.Image.Alt)
		}
	}
	return []slack.MsgOption{slack.MsgOptionBlocks(Blocks(m, maxMessageBlocks)...), slack.MsgOptionText(text, false)}
}

// attach uploads m's image and file to channel (files upload v2).
func (c *Client) attach(ctx context.Context, channel string, m bot.Message) error {
	if m.Image != nil && len(m.Image.PNG) > 0 {
		name := "chart.png"
		if err := c.upload(ctx, channel, name, m.Image.Alt, m.Image.Alt, m.Image.PNG); err != nil {
			return err
		}
	}
	if m.File != nil && len(m.File.Content) > 0 {
		if err := c.upload(ctx, channel, m.File.Name, m.File.Name, "", m.File.Content); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) upload(ctx context.Context, channel, name, title, alt string, content []byte) error {
	return c.call(ctx, "files.uploadV2", func() error {
		_, err := c.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(content), FileSize: len(content), Filename: name,
			Title: title, AltTxt: alt, Channel: channel,
		})
		return err
	})
}

// openDM returns the id of the direct message conversation with user.
func (c *Client) openDM(ctx context.Context, user string) (string, error) {
	var ch *slack.Channel
	err := c.call(ctx, "conversations.open", func() error {
		var err error
		ch, _, _, err = c.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
		return err
	})
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// Members returns the people in a channel (conversations.members, all pages)
// or a user group (usergroups.users.list); a user is returned as is. Returns
// ENOTFOUND when Slack does not know r or herald can't see it.
func (c *Client) Members(ctx context.Context, r bot.Ref) ([]bot.Ref, error) {
	var ids []string
	switch r.Kind {
	case bot.UserRef:
		return []bot.Ref{r}, nil
	case bot.ChannelRef:
		cursor := ""
		for {
			var page []string
			err := c.call(ctx, "conversations.members", func() error {
				var err error
				page, cursor, err = c.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: r.ID, Cursor: cursor, Limit: 500})
				return err
			})
			if err != nil {
				return nil, err
			}
			ids = append(ids, page...)
			if cursor == "" {
				break
			}
		}
	case bot.GroupRef:
		err := c.call(ctx, "usergroups.users.list", func() error {
			var err error
			ids, err = c.api.GetUserGroupMembersContext(ctx, r.ID)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]bot.Ref, len(ids))
	for i, id := range ids {
		out[i] = r.Same(bot.UserRef, id, "")
	}
	return out, nil
}

// Respond answers through an interaction's response_url: ephemeral to the
// requester, or replacing the clicked message when m.Replace is set.
func (c *Client) Respond(ctx context.Context, responseURL string, m bot.Message) error {
	opts := append([]slack.MsgOption{slack.MsgOptionResponseURL(responseURL, slack.ResponseTypeEphemeral)}, content(m)...)
	if m.Replace {
		opts = append(opts, slack.MsgOptionReplaceOriginal(responseURL))
	}
	return c.call(ctx, "response_url", func() error {
		_, _, err := c.api.PostMessageContext(ctx, "", opts...)
		return err
	})
}

// Ephemeral shows m to user only, in channel (chat.postEphemeral).
func (c *Client) Ephemeral(ctx context.Context, channel, user string, m bot.Message) error {
	return c.call(ctx, "chat.postEphemeral", func() error {
		_, err := c.api.PostEphemeralContext(ctx, channel, user, content(m)...)
		return err
	})
}

// PublishHome shows m as user's App Home tab (views.publish).
func (c *Client) PublishHome(ctx context.Context, user string, m bot.Message) error {
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: Blocks(m, maxHomeBlocks)}}
	return c.call(ctx, "views.publish", func() error {
		_, err := c.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
		return err
	})
}

// OpenModal opens view for the user whose trigger_id it is (views.open).
func (c *Client) OpenModal(ctx context.Context, triggerID string, view slack.ModalViewRequest) error {
	return c.call(ctx, "views.open", func() error {
		_, err := c.api.OpenViewContext(ctx, triggerID, view)
		return err
	})
}

// call runs one Web API call, waits out and retries 429s, and turns a failure
// into a *bot.Error. Failures are logged here with the method and Slack's
// error code, since callers see only the bot.Error code.
func (c *Client) call(ctx context.Context, method string, f func() error) error {
	for attempt := 0; ; attempt++ {
		err := f()
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) && attempt < c.Retries && rl.RetryAfter <= c.MaxWait {
			wait := max(rl.RetryAfter, 100*time.Millisecond)
			c.log.Info("slack rate limited; waiting", "method", method, "retry_after", wait, "attempt", attempt+1)
			t := time.NewTimer(wait)
			select {
			case <-t.C:
				continue
			case <-ctx.Done():
				t.Stop()
				err = ctx.Err()
			}
		}
		if err == nil {
			return nil
		}
		berr := mapError(method, err)
		c.log.Warn("slack call failed", "method", method, "error", errorName(err), "code", berr.Code)
		return berr
	}
}

// errorName is Slack's error code of err ("channel_not_found"), or its text.
func errorName(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return "ratelimited"
	}
	return err.Error()
}

// mapError turns a failed Web API call into a *bot.Error.
func mapError(method string, err error) *bot.Error {
	e := &bot.Error{Code: bot.EUNAVAILABLE, Key: "err.platform", Err: fmt.Errorf("slack %s: %w", method, err)}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		e.RetryAfter = rl.RetryAfter
		return e
	}
	switch errorName(err) {
	case "channel_not_found", "user_not_found", "users_not_found", "no_such_subteam", "subteam_not_found":
		e.Code, e.Key = bot.ENOTFOUND, "slack.err.notfound"
	case "not_in_channel", "account_inactive", "is_archived", "cannot_dm_bot", "user_disabled", "restricted_action", "missing_scope", "channel_is_archived":
		e.Code, e.Key = bot.EFORBIDDEN, "slack.err.forbidden"
	}
	return e
}
