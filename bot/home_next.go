package bot

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// homeNextLimit is how many upcoming sends the admin section of the home page lists.
const homeNextLimit = 5

// upcoming is one scheduled send shown on the home page.
type upcoming struct {
	at   time.Time
	loc  *time.Location
	what Text
}

// homeNext is the admin section of the home page: the next scheduled sends of
// the workspace's key messages and of the digest, in their schedules' local
// times, soonest first.
func (h *home) homeNext(ctx context.Context, c *call) (Text, error) {
	space := c.req.User.Space()
	var next []upcoming
	if h.keymsgs != nil {
		list, err := h.keymsgs.store.KeyMessages(ctx, space)
		if err != nil {
			return nil, fmt.Errorf("home key messages: %w", err)
		}
		for i := range list {
			k := &list[i]
			if k.Paused {
				continue
			}
			s, err := h.keymsgs.schedule(k)
			if err != nil {
				h.log.Warn("home: key message schedule unreadable", "keymsg", k.ID, "err", err)
				continue
			}
			at := s.Next(maxTime(c.now, k.Since))
			if at.IsZero() {
				continue
			}
			what := c.p().Text("home.next.keymsg", k.Label(), joinRefs(k.Targets), c.t("quote", excerpt(k.Text.String(), 60)))
			next = append(next, upcoming{at: at, loc: s.Location(), what: what})
		}
	}
	if h.digest.hasExecutives(space) {
		s, err := h.digest.schedule(time.Time{})
		if err != nil {
			return nil, fmt.Errorf("home digest: %w", err)
		}
		if at := s.Next(c.now); !at.IsZero() {
			next = append(next, upcoming{at: at, loc: s.Location(), what: Plain(c.t("home.next.digest"))})
		}
	}
	slices.SortStableFunc(next, func(x, y upcoming) int { return x.at.Compare(y.at) })
	t := Text{Bold(c.t("home.next"))}
	if len(next) == 0 {
		return append(t, Str("\n"+c.t("home.next.none"))), nil
	}
	for _, u := range next[:min(len(next), homeNextLimit)] {
		t = append(t, Str("\n• "+c.when(u.at, u.loc)+" · "))
		t = append(t, u.what...)
	}
	if more := len(next) - homeNextLimit; more > 0 {
		t = append(t, Str("\n"+c.t("home.next.more", more)))
	}
	return t, nil
}

// hasExecutives reports whether the digest of space has anyone to go to.
func (dg *digest) hasExecutives(space string) bool {
	for _, e := range dg.executives {
		if e.Space() == space {
			return true
		}
	}
	return false
}
