package bottest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/herald-chat/herald/bot"
)

// Shoutouts is an in-memory bot.ShoutoutStore. Set Err to make every call
// fail. Outbox, when set, is given the broadcast of each shout-out added.
type Shoutouts struct {
	mu     sync.Mutex
	list   []bot.Shoutout
	Err    error
	Outbox bot.Outbox
}

var _ bot.ShoutoutStore = (*Shoutouts)(nil)

// AddShoutout stores s, gives it an id and posts its broadcast to Outbox.
func (f *Shoutouts) AddShoutout(ctx context.Context, s *bot.Shoutout, announce func(*bot.Shoutout) bot.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return f.Err
	}
	s.ID = fmt.Sprint(len(f.list) + 1)
	if f.Outbox != nil && announce != nil {
		if err := f.Outbox.Post(ctx, announce(s)); err != nil {
			return err
		}
	}
	f.list = append(f.list, *s)
	return nil
}

// Shoutouts returns the month's shout-outs of space, newest first.
func (f *Shoutouts) Shoutouts(_ context.Context, space string, month bot.Month, limit int) ([]bot.Shoutout, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return nil, f.Err
	}
	var out []bot.Shoutout
	for i := len(f.list) - 1; i >= 0 && len(out) < limit; i-- {
		if s := f.list[i]; s.Author.Space() == space && s.Month == month {
			out = append(out, s)
		}
	}
	return out, nil
}

// ShoutoutBoard counts the month's recipients and values of space.
func (f *Shoutouts) ShoutoutBoard(_ context.Context, space string, month bot.Month, limit int) (bot.Board, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return bot.Board{}, f.Err
	}
	var b bot.Board
	people := map[string]*bot.RefCount{}
	values := map[string]*bot.ValueCount{}
	for _, s := range f.list {
		if s.Author.Space() != space || s.Month != month {
			continue
		}
		b.Total++
		for _, r := range s.Recipients {
			if people[r.Key()] == nil {
				people[r.Key()] = &bot.RefCount{Ref: r}
			}
			people[r.Key()].N++
		}
		for _, v := range s.Values {
			if values[v] == nil {
				values[v] = &bot.ValueCount{Value: v}
			}
			values[v].N++
		}
	}
	for _, p := range people {
		b.Recipients = append(b.Recipients, *p)
	}
	for _, v := range values {
		b.Values = append(b.Values, *v)
	}
	slices.SortFunc(b.Recipients, func(x, y bot.RefCount) int { return cmp.Or(y.N-x.N, cmp.Compare(x.Ref.Key(), y.Ref.Key())) })
	slices.SortFunc(b.Values, func(x, y bot.ValueCount) int { return cmp.Or(y.N-x.N, cmp.Compare(x.Value, y.Value)) })
	b.Recipients = b.Recipients[:min(limit, len(b.Recipients))]
	b.Values = b.Values[:min(limit, len(b.Values))]
	return b, nil
}

// ShoutoutsOf returns the shout-outs user received and gave, newest first.
func (f *Shoutouts) ShoutoutsOf(_ context.Context, user bot.Ref, limit int) (received, given []bot.Shoutout, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Err != nil {
		return nil, nil, f.Err
	}
	for i := len(f.list) - 1; i >= 0; i-- {
		s := f.list[i]
		if len(given) < limit && s.Author.Key() == user.Key() {
			given = append(given, s)
		}
		if len(received) < limit && slices.ContainsFunc(s.Recipients, func(r bot.Ref) bool { return r.Key() == user.Key() }) {
			received = append(received, s)
		}
	}
	return received, given, nil
}
