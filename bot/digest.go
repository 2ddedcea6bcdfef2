package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The digest's job kind and its default schedule.
const (
	digestJob             = "digest"
	defaultDigestSchedule = "every month on the first working day at 9:00"
	digestQuotes          = 3
	digestTop             = 3
)

// digestSection builds one section of the monthly digest, or returns nil when
// it has nothing to say (no pulses yet, no goals yet). Features add theirs to
// b.digest in New; sections appear in that order.
type digestSection func(ctx context.Context, d *digestRun) (*Field, error)

// digestRun is one digest being written: for a workspace, a month and a language.
type digestRun struct {
	space string
	month Month
	c     *call // the language and helpers of the reader
}

// t renders a text in the reader's language.
func (d *digestRun) t(key string, args ...any) string { return d.c.t(key, args...) }

// digestCmd handles "digest preview [YYYY-MM]" and "digest send [YYYY-MM]".
func (b *Bot) digestCmd(ctx context.Context, c *call) (*Message, error) {
	if err := b.requireAdmin(c); err != nil {
		return nil, err
	}
	if len(c.args) == 0 {
		return nil, usageError("digest", "digest.err.nosub")
	}
	sub := strings.ToLower(c.args[0])
	if sub != "preview" && sub != "send" {
		return nil, unknownSub("digest", c.args[0], []string{"preview", "send"})
	}
	month, err := b.monthArg(c, c.args[1:])
	if err != nil {
		return nil, err
	}
	space := c.req.User.Space()
	if sub == "preview" {
		m, err := b.digestMessage(ctx, space, month, c.lang)
		if err != nil {
			return nil, err
		}
		m.Ephemeral = true
		return m, nil
	}
	n, err := b.sendDigest(ctx, space, month, "m"+strconv.FormatInt(c.now.UnixMilli(), 10))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, Errorf(EINVALID, "digest.err.noexec")
	}
	return reply(Plain(c.t("digest.sent", c.monthName(month), n))), nil
}

// digestMessage writes the digest of space for month in lang.
func (b *Bot) digestMessage(ctx context.Context, space string, month Month, lang string) (*Message, error) {
	c := &call{lang: b.cat.Lang(lang), now: b.cfg.Clock.Now(), cat: b.cat}
	d := &digestRun{space: space, month: month, c: c}
	m := &Message{
		Header:   c.t("digest.header", c.monthName(month)),
		Text:     Plain(c.t("digest.intro", c.monthName(month))),
		Fallback: c.t("digest.header", c.monthName(month)),
	}
	for _, section := range b.digest {
		f, err := section(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("digest: %w", err)
		}
		if f != nil {
			m.Fields = append(m.Fields, *f)
		}
	}
	return m, nil
}

// sendDigest queues the digest of space for month to each executive of space,
// in their language, and returns how many it queued. run names this sending,
// so that sending it again queues nothing new.
func (b *Bot) sendDigest(ctx context.Context, space string, month Month, run string) (int, error) {
	var msgs []Message
	langs := b.langsOf(ctx, b.cfg.Executives)
	for _, exec := range b.cfg.Executives {
		if exec.Space() != space {
			continue
		}
		m, err := b.digestMessage(ctx, space, month, langs[exec.Key()]) // each in their language
		if err != nil {
			return 0, err
		}
		m.To = exec
		m.DeliveryID = strings.Join([]string{digestJob, space, string(month), run, exec.Key()}, "|")
		msgs = append(msgs, *m)
	}
	if err := b.cfg.Outbox.Post(ctx, msgs...); err != nil {
		return 0, fmt.Errorf("queue digest: %w", err)
	}
	return len(msgs), nil
}

// digestWins is the shout-out section: how many, who and which values, and a few quotes.
func (b *Bot) digestWins(ctx context.Context, d *digestRun) (*Field, error) {
	board, err := b.cfg.Shoutouts.ShoutoutBoard(ctx, d.space, d.month, digestTop)
	if err != nil {
		return nil, fmt.Errorf("shoutout board: %w", err)
	}
	f := &Field{Label: d.t("digest.wins")}
	if board.Total == 0 {
		f.Value = Plain(d.t("digest.wins.none"))
		return f, nil
	}
	f.Value = Plain(d.t("digest.wins.total", board.Total))
	if len(board.Recipients) > 0 {
		f.Value = append(f.Value, Str(" "+d.t("digest.wins.people")+" "))
		for i, rc := range board.Recipients {
			if i > 0 {
				f.Value = append(f.Value, Str(", "))
			}
			f.Value = append(f.Value, Mention(rc.Ref), Str(fmt.Sprintf(" (%d)", rc.N)))
		}
		f.Value = append(f.Value, Str("."))
	}
	if len(board.Values) > 0 {
		var vs []string
		for _, vc := range board.Values {
			vs = append(vs, fmt.Sprintf("#%s (%d)", vc.Value, vc.N))
		}
		f.Value = append(f.Value, Str(" "+d.t("digest.wins.values", strings.Join(vs, ", "))))
	}
	quotes, err := b.cfg.Shoutouts.Shoutouts(ctx, d.space, d.month, digestQuotes)
	if err != nil {
		return nil, fmt.Errorf("shoutouts: %w", err)
	}
	for _, s := range quotes {
		f.Value = append(f.Value, Str("\n"+d.t("quote", excerpt(s.Text.String(), 200))+" ("), Mention(s.Author), Str(" → "))
		f.Value = append(f.Value, joinRefs(s.Recipients)...)
		f.Value = append(f.Value, Str(")"))
	}
	return f, nil
}

// digestSchedule is when the digest goes out.
func (b *Bot) digestSchedule(anchor time.Time) (Schedule, error) {
	spec := b.cfg.DigestSchedule
	if spec == "" {
		spec = defaultDigestSchedule
	}
	return b.cfg.Schedules.Parse(spec, b.cfg.Location, anchor)
}

// digestTriggers returns one trigger per workspace that has executives.
func (b *Bot) digestTriggers(context.Context) ([]Trigger, error) {
	s, err := b.digestSchedule(time.Time{})
	if err != nil {
		return nil, err
	}
	var ts []Trigger
	seen := map[string]bool{}
	for _, e := range b.cfg.Executives {
		if !seen[e.Space()] {
			seen[e.Space()] = true
			ts = append(ts, Trigger{Kind: digestJob, ID: e.Space(), Schedule: s})
		}
	}
	return ts, nil
}

// fireDigest sends the digest of the month before the run's month.
func (b *Bot) fireDigest(ctx context.Context, job Job) error {
	if job.Skip {
		b.log.Warn("digest skipped: the run is older than the catch-up window", "space", job.ID, "due", job.Due)
		return nil
	}
	due := job.Due.In(b.cfg.Location)
	month := MonthOf(time.Date(due.Year(), due.Month(), 0, 12, 0, 0, 0, b.cfg.Location), b.cfg.Location)
	_, err := b.sendDigest(ctx, job.ID, month, strconv.FormatInt(job.Due.Unix(), 10))
	return err
}
