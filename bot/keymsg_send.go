package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// job is the key messages' kind of scheduled work.
func (ks *keyMessages) job() jobKind {
	return jobKind{triggers: ks.keymsgTriggers, fire: ks.fireKeyMessage}
}

// keymsgTriggers returns a trigger for every active key message.
func (ks *keyMessages) keymsgTriggers(ctx context.Context) ([]Trigger, error) {
	list, err := ks.store.AllKeyMessages(ctx)
	if err != nil {
		return nil, fmt.Errorf("load key messages: %w", err)
	}
	ts := make([]Trigger, 0, len(list))
	for i := range list {
		k := &list[i]
		if k.Paused {
			continue
		}
		s, err := ks.schedule(k)
		if err != nil {
			return nil, err
		}
		ts = append(ts, Trigger{Kind: keymsgJob, ID: k.Space + "|" + k.ID, Schedule: s, Since: k.Since})
	}
	return ts, nil
}

// fireKeyMessage sends (or records as skipped) one scheduled run of a key message.
func (ks *keyMessages) fireKeyMessage(ctx context.Context, job Job) error {
	space, id, ok := splitID(job.ID)
	if !ok {
		return fmt.Errorf("key message job %q: bad id", job.ID)
	}
	k, err := ks.store.KeyMessage(ctx, space, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil // deleted since the scheduler loaded it
	}
	if err != nil {
		return fmt.Errorf("load key message: %w", err)
	}
	if k.Paused || job.Due.Before(k.Since) {
		return nil
	}
	s := KeySend{ID: strconv.FormatInt(job.Due.Unix(), 10), Due: job.Due, At: ks.clock.Now(), Late: job.Late, Skipped: job.Skip}
	if job.Skip {
		if _, err := ks.store.AddKeySend(ctx, space, id, s, nil); err != nil {
			return fmt.Errorf("record skipped send: %w", err)
		}
		return nil
	}
	_, err = ks.sendKeyMessage(ctx, k, s)
	return err
}

// sendKeyMessage records s and queues k's messages: one post per channel and a
// direct message per person, groups expanded to their members now. It returns
// how many messages it queued. Sending the same s again queues nothing new.
func (ks *keyMessages) sendKeyMessage(ctx context.Context, k *KeyMessage, s KeySend) (int, error) {
	var (
		msgs     []Message
		audience []Ref
		seen     = map[string]bool{}
		failed   []Failure
	)
	add := func(to Ref, dm bool) {
		if seen["to "+to.Key()] {
			return
		}
		seen["to "+to.Key()] = true
		msgs = append(msgs, ks.keyMessage(k, s.ID, to, dm, ""))
	}
	seen[k.Author.Key()] = true // the sender is not asked to acknowledge their own message
	hear := func(people []Ref) {
		for _, p := range people {
			if !seen[p.Key()] {
				seen[p.Key()] = true
				audience = append(audience, p)
			}
		}
	}
	for _, t := range k.Targets {
		switch t.Kind {
		case ChannelRef:
			add(t, false)
			people, err := ks.dir.Members(ctx, t)
			if err != nil {
				ks.log.Warn("key message: channel members unknown; acknowledgements of it are not counted",
					"keymsg", k.ID, "channel", t.Key(), "err", err)
			}
			hear(people)
		default:
			people, err := ks.dir.Members(ctx, t)
			if ErrorCode(err) == EUNAVAILABLE {
				return 0, fmt.Errorf("expand %s: %w", t.Key(), err)
			}
			if err != nil {
				failed = append(failed, Failure{To: t, Code: ErrorCode(err)})
				continue
			}
			for _, p := range people {
				add(p, true)
			}
			hear(people)
		}
	}
	// Direct messages speak each person's chosen language.
	var people []Ref
	for _, m := range msgs {
		if m.To.Kind == UserRef {
			people = append(people, m.To)
		}
	}
	langs := ks.langs.of(ctx, people)
	for i, m := range msgs {
		if lang := langs[m.To.Key()]; lang != "" && m.To.Kind == UserRef {
			msgs[i] = ks.keyMessage(k, s.ID, m.To, true, lang)
		}
	}
	s.Posts = len(msgs) + len(failed)
	if _, err := ks.store.AddKeySend(ctx, k.Space, k.ID, s, audience); err != nil {
		return 0, fmt.Errorf("record send: %w", err)
	}
	for _, f := range failed {
		if err := ks.store.RecordDelivery(ctx, k.Space, k.ID, s.ID, f.To, f.Code); err != nil {
			return 0, fmt.Errorf("record failure: %w", err)
		}
	}
	if err := ks.outbox.Post(ctx, msgs...); err != nil {
		return 0, fmt.Errorf("queue key message %s: %w", k.ID, err)
	}
	return len(msgs), nil
}

// keyMessage is one post of k to to, with the acknowledgement button, in lang
// ("" for herald's default).
func (ks *keyMessages) keyMessage(k *KeyMessage, sendID string, to Ref, dm bool, lang string) Message {
	pr := ks.cat.Printer(lang)
	where := "ch"
	if dm {
		where = "dm"
	}
	return Message{
		To:     to,
		Header: pr.T("keymsg.header"),
		Text:   k.Text,
		Buttons: []Button{{Label: pr.T("keymsg.ack.button"), Action: ackAction, Style: "primary",
			Value: k.ID + "|" + sendID + "|" + where}},
		Fallback:   excerpt(k.Text.String(), 140),
		DeliveryID: DeliveryID{Kind: keymsgJob, Space: k.Space, Item: k.ID, Run: sendID, To: to.Key()}.String(),
	}
}

// keymsgAck handles the acknowledgement button: counted once per person per send.
func (ks *keyMessages) ack(ctx context.Context, c *call) (*Message, error) {
	parts := strings.Split(c.req.Action.Value, "|")
	if len(parts) != 3 {
		return nil, Errorf(EINVALID, "err.action.unknown")
	}
	space := c.req.User.Space()
	first, err := ks.store.AckKeySend(ctx, space, parts[0], parts[1], c.req.User)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "keymsg.ack.gone")
	}
	if err != nil {
		return nil, fmt.Errorf("acknowledge: %w", err)
	}
	key := "keymsg.ack.done"
	if !first {
		key = "keymsg.ack.again"
	}
	if parts[2] != "dm" {
		return reply(Plain(c.t(key))), nil
	}
	// In a direct message the clicked message is replaced: same text, no button.
	k, err := ks.store.KeyMessage(ctx, space, parts[0])
	if err != nil {
		return &Message{Replace: true, Text: Plain(c.t(key))}, nil
	}
	m := ks.keyMessage(k, parts[1], c.req.User, true, c.lang)
	m.Buttons, m.DeliveryID, m.To = nil, "", Ref{}
	m.Replace, m.Context = true, c.t(key)
	return &m, nil
}
