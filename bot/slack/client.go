package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
)

// Client sends herald's messages to Slack through the Web API, and expands
// channels and user groups into their members. It never retries a 429: it
// returns it with its Retry-After, and the outbox, which paces every replica,
// decides when to try again.
type Client struct {
	api *slack.Client
	log *slog.Logger
	// Revocations, when set, records a workspace that uninstalled herald or
	// revoked its token, and Send refuses to write there until AuthTest
	// succeeds for it again.
	Revocations Revocations

	team atomic.Value // string: the token's workspace, learnt by AuthTest
}

// Revocations records the workspaces that stopped herald: they uninstalled
// the app or revoked its token. *store.Store is one.
type Revocations interface {
	// RevokeWorkspace records that space ("slack:T0001") stopped herald and
	// reports whether that is news. Returns EUNAVAILABLE when the database
	// can't be reached.
	RevokeWorkspace(ctx context.Context, space string) (bool, error)
	// RestoreWorkspace forgets it. Returns EUNAVAILABLE when the database
	// can't be reached.
	RestoreWorkspace(ctx context.Context, space string) error
	// WorkspaceRevoked reports whether space stopped herald. Returns
	// EUNAVAILABLE when the database can't be reached.
	WorkspaceRevoked(ctx context.Context, space string) (bool, error)
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
	return &Client{api: api, log: log}
}

// API returns the slack-go client, for Socket Mode.
func (c *Client) API() *slack.Client { return c.api }

// Send delivers m to a channel or a person with one chat.postMessage: a user
// id as the channel posts to the person's direct messages with the app, no
// conversations.open needed. The core expands user groups into people
// through Members before it sends.
// An image or file in m is uploaded to the same conversation after the text.
// Returns EUNAVAILABLE (with RetryAfter on a 429 that lasted) when Slack can't
// be reached, ENOTFOUND for channel_not_found and user_not_found, and
// EFORBIDDEN for not_in_channel, account_inactive and the like, and for a
// workspace that uninstalled herald or revoked its token.
func (c *Client) Send(ctx context.Context, m bot.Message) error {
	if err := c.refuseRevoked(ctx, m.To); err != nil {
		return err
	}
	switch m.To.Kind {
	case bot.ChannelRef, bot.UserRef:
		return c.post(ctx, m.To.ID, m)
	}
	return fmt.Errorf("slack send: no target in %q", m.To.Key())
}

// post sends m to channel, a channel or user id; its image and file go to
// the conversation Slack posted it in (a user's is the direct message).
func (c *Client) post(ctx context.Context, channel string, m bot.Message) error {
	var posted string
	err := c.call(ctx, "chat.postMessage", func() error {
		var err error
		posted, _, err = c.api.PostMessageContext(ctx, channel, content(m)...)
		return err
	})
	if err != nil {
		return err
	}
	if posted == "" {
		posted = channel
	}
	return c.attach(ctx, posted, m)
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

// openDM returns the id of the direct message conversation with user, for
// uploads that go with a reply (messages need none: see Send).
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

// Thread posts m in channel as a reply in the thread of message ts.
func (c *Client) Thread(ctx context.Context, channel, ts string, m bot.Message) error {
	err := c.call(ctx, "chat.postMessage", func() error {
		_, _, err := c.api.PostMessageContext(ctx, channel, append(content(m), slack.MsgOptionTS(ts))...)
		return err
	})
	if err != nil {
		return err
	}
	return c.attach(ctx, channel, m)
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

// AuthTest checks the bot token (auth.test) and returns its workspace and
// herald's own user id; a workspace recorded as revoked works again. Returns
// EFORBIDDEN when Slack refuses the token (invalid_auth, token_revoked…).
func (c *Client) AuthTest(ctx context.Context) (team, user string, err error) {
	var r *slack.AuthTestResponse
	err = c.call(ctx, "auth.test", func() error {
		var err error
		r, err = c.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return "", "", err
	}
	c.team.Store(r.TeamID)
	if c.Revocations != nil {
		if err := c.Revocations.RestoreWorkspace(ctx, base(r.TeamID).Space()); err != nil {
			return "", "", err
		}
	}
	return r.TeamID, r.UserID, nil
}

// Revoke records that team uninstalled herald or revoked its token, and logs
// it once across retries and replicas; from then on Send refuses to write
// there.
func (c *Client) Revoke(ctx context.Context, team, reason string) error {
	if c.Revocations == nil || team == "" {
		return nil
	}
	news, err := c.Revocations.RevokeWorkspace(ctx, base(team).Space())
	if err != nil {
		return err
	}
	if news {
		c.log.Warn("slack: herald stopped in a workspace; nothing is sent there until it is installed again and herald restarted", "team", team, "reason", reason)
	}
	return nil
}

// refuseRevoked returns EFORBIDDEN when to's workspace stopped herald.
func (c *Client) refuseRevoked(ctx context.Context, to bot.Ref) error {
	if c.Revocations == nil {
		return nil
	}
	revoked, err := c.Revocations.WorkspaceRevoked(ctx, to.Space())
	if err != nil {
		return err
	}
	if revoked {
		return &bot.Error{Code: bot.EFORBIDDEN, Key: "slack.err.revoked", Err: fmt.Errorf("slack: workspace %s uninstalled herald or revoked its token", to.Workspace)}
	}
	return nil
}

// call runs one Web API call and turns a failure into a *bot.Error; a 429
// comes back at once with its Retry-After (the outbox paces and retries). A
// revoked token is recorded for the workspace, logged once there. Other
// failures are logged here with the method and Slack's error code, since
// callers see only the bot.Error code.
func (c *Client) call(ctx context.Context, method string, f func() error) error {
	err := f()
	if err == nil {
		return nil
	}
	berr := mapError(method, err)
	if berr.Key == "slack.err.revoked" {
		// Permanent until herald is installed again: record it, and log it
		// once there rather than on every call.
		if team, _ := c.team.Load().(string); team != "" {
			_ = c.Revoke(ctx, team, errorName(err))
		}
		return berr
	}
	c.log.Warn("slack call failed", "method", method, "error", errorName(err), "code", berr.Code, "retry_after", berr.RetryAfter)
	return berr
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
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "app_uninstalled", "team_access_not_granted":
		// The token no longer works: retrying can't help.
		e.Code, e.Key = bot.EFORBIDDEN, "slack.err.revoked"
	case "not_in_channel", "is_archived", "cannot_dm_bot", "user_disabled", "restricted_action", "missing_scope", "channel_is_archived":
		e.Code, e.Key = bot.EFORBIDDEN, "slack.err.forbidden"
	}
	return e
}
