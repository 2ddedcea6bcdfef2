package bot

import (
	"context"
	"unicode/utf8"
)

// maxFeedback is the longest feedback text herald takes.
const maxFeedback = 3000

// feedback handles "feedback <text>": an anonymous improvement idea, posted to
// the feedback channel. Its author is stored nowhere, not even in a log line:
// a failure to post is logged without author and text.
func (b *Bot) feedback(ctx context.Context, c *call) (*Message, error) {
	id := b.cfg.FeedbackChannel.For(c.req.Channel.Platform)
	if id == "" {
		return nil, Errorf(EINVALID, "feedback.err.off")
	}
	if len(c.args) == 0 {
		return nil, usageError("feedback", "feedback.err.empty")
	}
	text := c.req.textOf(c.args)
	if n := utf8.RuneCountInString(text.String()); n > maxFeedback {
		return nil, Errorf(EINVALID, "feedback.err.toolong", n, maxFeedback)
	}
	ch := c.req.Channel.Same(ChannelRef, id, "")
	t := func(key string, args ...any) string { return b.cat.T("", key, args...) }
	m := Message{
		To:       ch,
		Header:   t("feedback.header"),
		Text:     text,
		Context:  t("feedback.context"),
		Fallback: t("feedback.header"),
	}
	if err := b.cfg.Outbox.Post(ctx, m); err != nil {
		// Handled here, so that the log line names neither author nor text.
		b.log.Warn("feedback not posted", "channel", ch.Key(), "err", err)
		return reply(Plain(c.t("feedback.err.post"))), nil
	}
	return reply(Text{Str(c.t("feedback.posted")), Mention(ch), Str(". " + c.t("feedback.posted.anon"))}), nil
}
