package bot

import (
	"context"
	"log/slog"
	"unicode/utf8"
)

// maxFeedback is the longest feedback text herald takes.
const maxFeedback = 3000

// feedback is the anonymous improvement-idea feature.
type feedback struct {
	outbox  Outbox
	channel Channels // where feedback goes, by platform
	cat     *Catalog
	log     *slog.Logger
	limit   *feedbackCounter
}

func (fb *feedback) commands() []command {
	return []command{{
		name: "feedback", private: true, run: fb.feedback,
		usage: "cmd.feedback.usage", summary: "cmd.feedback.summary", help: "cmd.feedback.help",
	}}
}

// feedback handles "feedback <text>": an anonymous improvement idea, posted to
// the feedback channel as plain text (no live mentions or links). Its author
// is stored nowhere, not even in a log line: a failure to post is logged
// without author and text, and the rate limit counts under a salted hash.
func (fb *feedback) feedback(ctx context.Context, c *call) (*Message, error) {
	id := fb.channel.For(c.req.Channel.Platform)
	if id == "" {
		return nil, Errorf(EINVALID, "feedback.err.off")
	}
	if len(c.args) == 0 {
		return nil, usageError("feedback", "feedback.err.empty")
	}
	text := plainFeedback(c.req.textOf(c.args))
	if n := utf8.RuneCountInString(text.String()); n > maxFeedback {
		return nil, Errorf(EINVALID, "feedback.err.toolong", n, maxFeedback)
	}
	if !fb.limit.hit(c.req.User, c.now) {
		return nil, Errorf(ECONFLICT, "feedback.err.rate", feedbackLimit)
	}
	ch := c.req.Channel.Same(ChannelRef, id, "")
	pr := fb.cat.Printer("")
	m := Message{
		To:       ch,
		Header:   pr.T("feedback.header"),
		Text:     text,
		Context:  pr.T("feedback.context"),
		Fallback: pr.T("feedback.header"),
	}
	if err := fb.outbox.Post(ctx, m); err != nil {
		// Handled here, so that the log line names neither author nor text.
		fb.log.Warn("feedback not posted", "channel", ch.Key(), "err", err)
		return reply(Plain(c.t("feedback.err.post"))), nil
	}
	return reply(c.p().Text("feedback.posted", Text{Mention(ch)})), nil
}
