package bottest

import (
	"context"
	"sync"

	"github.com/herald-chat/herald/bot"
)

// Directory is an in-memory bot.Directory: channels and groups, by id, hold
// the people set with Set. A user is their own member; an unknown channel is
// ENOTFOUND.
type Directory struct {
	mu      sync.Mutex
	members map[string][]bot.Ref
	Err     error
}

var _ bot.Directory = (*Directory)(nil)

// Set makes people the members of the channel or group r.
func (d *Directory) Set(r bot.Ref, people ...bot.Ref) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.members == nil {
		d.members = map[string][]bot.Ref{}
	}
	d.members[r.Key()] = append([]bot.Ref(nil), people...)
}

// Members returns the members of r, or Err.
func (d *Directory) Members(_ context.Context, r bot.Ref) ([]bot.Ref, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.Err != nil {
		return nil, d.Err
	}
	if r.Kind == bot.UserRef {
		return []bot.Ref{r}, nil
	}
	m, ok := d.members[r.Key()]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "pulse.err.target.unknown", r.Label())
	}
	return append([]bot.Ref(nil), m...), nil
}

// Charter records the charts it is asked to draw and returns PNG as the image.
type Charter struct {
	mu     sync.Mutex
	charts []bot.Chart
	PNG    []byte
	Err    error
}

var _ bot.Charter = (*Charter)(nil)

// Draw records c and returns PNG, or Err.
func (f *Charter) Draw(c bot.Chart) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.charts = append(f.charts, c)
	return f.PNG, f.Err
}

// Charts returns the charts drawn so far.
func (f *Charter) Charts() []bot.Chart {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Chart(nil), f.charts...)
}
