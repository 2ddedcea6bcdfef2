package bot

import (
	"context"
	"fmt"
	"log/slog"
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

// digest is the monthly executive digest: wins, pulse headlines and goals in
// plain language, to each workspace's executives in their language.
type digest struct {
	shoutouts  ShoutoutStore
	pulses     *pulses // nil: no pulse section
	goals      *goals  // nil: no goal section
	outbox     Outbox
	langs      *languages
	executives []Ref
	spec       string // the schedule; empty means defaultDigestSchedule
	sched      scheduleParser
	clock      Clock
	loc        *time.Location
	cat        *Catalog
	log        *slog.Logger
}

// digestSection builds one section of the monthly digest, or returns nil when
// it has nothing to say (no pulses yet, no goals yet).
type digestSection func(ctx context.Context, d *digestRun) (*Field, error)

// sections are the digest's sections in the order they appear; features that
// are off have none.
func (dg *digest) sections() []digestSection {
	s := []digestSection{dg.digestWins}
	if dg.pulses != nil {
		s = append(s, dg.digestPulses)
	}
	if dg.goals != nil {
		s = append(s, dg.digestGoals)
	}
	return s
}

// digestRun is one digest being written: for a workspace, a month and a language.
type digestRun struct {
	space string
	month Month
	c     *call // the language and helpers of the reader
}

// t renders a text in the reader's language.
func (d *digestRun) t(key string, args ...any) string { return d.c.t(key, args...) }

func (dg *digest) commands() []command {
	return []command{{
		name: "digest", admin: true, noSub: "digest.err.nosub",
		usage: "cmd.digest.usage", summary: "cmd.digest.summary", help: "cmd.digest.help",
		subs: []subcommand{{name: "preview", run: dg.preview}, {name: "send", run: dg.send}},
	}}
}

// preview handles "digest preview [YYYY-MM]": the digest, to the requester only.
func (dg *digest) preview(ctx context.Context, c *call) (*Message, error) {
	month, err := monthArg(c, c.args, dg.loc)
	if err != nil {
		return nil, err
	}
	m, err := dg.digestMessage(ctx, c.req.User.Space(), month, c.lang)
	if err != nil {
		return nil, err
	}
	m.Ephemeral = true
	return m, nil
}

// send handles "digest send [YYYY-MM]": the digest to the workspace's executives.
func (dg *digest) send(ctx context.Context, c *call) (*Message, error) {
	month, err := monthArg(c, c.args, dg.loc)
	if err != nil {
		return nil, err
	}
	space := c.req.User.Space()
	n, err := dg.sendDigest(ctx, space, month, "m"+strconv.FormatInt(c.now.UnixMilli(), 10))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, Errorf(EINVALID, "digest.err.noexec")
	}
	return reply(Plain(c.t("digest.sent", c.monthName(month), n))), nil
}

// digestMessage writes the digest of space for month in lang.
func (dg *digest) digestMessage(ctx context.Context, space string, month Month, lang string) (*Message, error) {
	c := &call{lang: dg.cat.Lang(lang), now: dg.clock.Now(), cat: dg.cat}
	d := &digestRun{space: space, month: month, c: c}
	m := &Message{
		Header:   c.t("digest.header", c.monthName(month)),
		Text:     Plain(c.t("digest.intro", c.monthName(month))),
		Fallback: c.t("digest.header", c.monthName(month)),
	}
	for _, section := range dg.sections() {
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
func (dg *digest) sendDigest(ctx context.Context, space string, month Month, run string) (int, error) {
	var msgs []Message
	langs := dg.langs.of(ctx, dg.executives)
	for _, exec := range dg.executives {
		if exec.Space() != space {
			continue
		}
		m, err := dg.digestMessage(ctx, space, month, langs[exec.Key()]) // each in their language
		if err != nil {
			return 0, err
		}
		m.To = exec
		m.DeliveryID = DeliveryID{Kind: digestJob, Space: space, Item: string(month), Run: run, To: exec.Key()}.String()
		msgs = append(msgs, *m)
	}
	if err := dg.outbox.Post(ctx, msgs...); err != nil {
		return 0, fmt.Errorf("queue digest: %w", err)
	}
	return len(msgs), nil
}

// digestWins is the shout-out section: how many, who and which values, and a few quotes.
func (dg *digest) digestWins(ctx context.Context, d *digestRun) (*Field, error) {
	board, err := dg.shoutouts.ShoutoutBoard(ctx, d.space, d.month, digestTop)
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
		var people Text
		for i, rc := range board.Recipients {
			if i > 0 {
				people = append(people, Str(", "))
			}
			people = append(people, Mention(rc.Ref), Str(fmt.Sprintf(" (%d)", rc.N)))
		}
		f.Value = append(f.Value, Str(" "))
		f.Value = append(f.Value, d.c.p().Text("digest.wins.people", people)...)
	}
	if len(board.Values) > 0 {
		var vs []string
		for _, vc := range board.Values {
			vs = append(vs, fmt.Sprintf("#%s (%d)", vc.Value, vc.N))
		}
		f.Value = append(f.Value, Str(" "+d.t("digest.wins.values", strings.Join(vs, ", "))))
	}
	quotes, err := dg.shoutouts.Shoutouts(ctx, d.space, d.month, digestQuotes)
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

// schedule is when the digest goes out.
func (dg *digest) schedule(anchor time.Time) (Schedule, error) {
	spec := dg.spec
	if spec == "" {
		spec = defaultDigestSchedule
	}
	return dg.sched.schedules.Parse(spec, dg.loc, anchor)
}

// job is the digest's kind of scheduled work.
func (dg *digest) job() jobKind { return jobKind{triggers: dg.digestTriggers, fire: dg.fireDigest} }

// digestTriggers returns one trigger per workspace that has executives.
func (dg *digest) digestTriggers(context.Context) ([]Trigger, error) {
	s, err := dg.schedule(time.Time{})
	if err != nil {
		return nil, err
	}
	var ts []Trigger
	seen := map[string]bool{}
	for _, e := range dg.executives {
		if !seen[e.Space()] {
			seen[e.Space()] = true
			ts = append(ts, Trigger{Kind: digestJob, ID: e.Space(), Schedule: s})
		}
	}
	return ts, nil
}

// fireDigest sends the digest of the month before the run's month.
func (dg *digest) fireDigest(ctx context.Context, job Job) error {
	if job.Skip {
		dg.log.Warn("digest skipped: the run is older than the catch-up window", "space", job.ID, "due", job.Due)
		return nil
	}
	due := job.Due.In(dg.loc)
	month := MonthOf(time.Date(due.Year(), due.Month(), 0, 12, 0, 0, 0, dg.loc), dg.loc)
	_, err := dg.sendDigest(ctx, job.ID, month, strconv.FormatInt(job.Due.Unix(), 10))
	return err
}
