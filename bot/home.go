package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// homeLimit is how many shout-outs of each kind the home page shows.
const homeLimit = 5

// home is each person's home page (Slack's App Home): the shout-outs they
// received and gave and, for admins, what is scheduled next.
type home struct {
	shoutouts ShoutoutStore
	keymsgs   *keyMessages // nil when key messages are off
	digest    *digest      // nil when the digest is off
	loc       *time.Location
	log       *slog.Logger
}

// homeSection is one part of a user's home page, shown to admins only when admin is set.
type homeSection struct {
	admin bool
	run   func(ctx context.Context, c *call) (Text, error)
}

// sections are the parts of the home page in the order they are shown.
func (h *home) sections() []homeSection {
	s := []homeSection{{run: h.homeShoutouts}}
	if h.digest != nil {
		s = append(s, homeSection{admin: true, run: h.homeNext})
	}
	return s
}

// Home returns the personal home page of user: the shout-outs they received
// and gave recently and, for admins, the admin sections (what is scheduled
// next). It renders for a user herald has never seen, too. Returns
// EUNAVAILABLE when the database can't be reached.
func (b *Bot) Home(ctx context.Context, user Ref) (Message, error) {
	c := b.newCall(ctx, Request{User: user, Channel: user}) // in the language the person chose
	m := Message{To: user, Header: c.t("home.header"), Context: c.t("home.context"), Fallback: c.t("home.header")}
	for _, s := range b.home.sections() {
		if s.admin && !c.admin {
			continue
		}
		text, err := s.run(ctx, c)
		if err != nil {
			return Message{}, err
		}
		if len(m.Text) > 0 {
			m.Text = append(m.Text, Str("\n\n"))
		}
		m.Text = append(m.Text, text...)
	}
	return m, nil
}

// homeShoutouts is the section with the user's shout-outs received and given.
func (h *home) homeShoutouts(ctx context.Context, c *call) (Text, error) {
	received, given, err := h.shoutouts.ShoutoutsOf(ctx, c.req.User, homeLimit)
	if err != nil {
		return nil, fmt.Errorf("home shoutouts: %w", err)
	}
	t := Text{Bold(c.t("home.received"))}
	if len(received) == 0 {
		t = append(t, Str("\n"+c.t("home.received.none")))
	}
	for _, s := range received {
		t = append(t, Str("\n• "+c.p().Day(s.At, h.loc)+" "), Mention(s.Author), Str(": "))
		t = append(t, s.Text...)
	}
	t = append(t, Str("\n\n"), Bold(c.t("home.given")))
	if len(given) == 0 {
		t = append(t, Str("\n"+c.t("home.given.none")))
	}
	for _, s := range given {
		t = append(t, Str("\n• "+c.p().Day(s.At, h.loc)+" → "))
		t = append(t, joinRefs(s.Recipients)...)
		t = append(t, Str(": "))
		t = append(t, s.Text...)
	}
	return t, nil
}
