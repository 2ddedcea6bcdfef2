package bottest

import (
	"context"

	"github.com/herald-chat/herald/bot"
)

// Directory is a bot.Directory of fixed members, by the Key of a channel or
// group. A user is their own member; anything else unknown is ENOTFOUND.
type Directory map[string][]bot.Ref

var _ bot.Directory = Directory(nil)

// Members returns the members of r.
func (d Directory) Members(_ context.Context, r bot.Ref) ([]bot.Ref, error) {
	if r.Kind == bot.UserRef {
		return []bot.Ref{r}, nil
	}
	m, ok := d[r.Key()]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "err.platform")
	}
	return append([]bot.Ref(nil), m...), nil
}
