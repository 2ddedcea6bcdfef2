package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store/storetest"
)

// Every command with subcommands answers a missing or unknown subcommand, and
// a non-admin, the same way: the registry answers, not the feature.
func TestSubcommandsAnswerAlike(t *testing.T) {
	st := storetest.MustStore(t)
	r := newRig(t, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), bot.Config{Pulses: st, Goals: st})
	tests := []struct {
		who, give, want string
	}{
		{"boss", "keymsg foo", `I don't know "foo" after keymsg.`},
		{"boss", "goal foo", `I don't know "foo" after goal.`},
		{"boss", "pulse foo", `I don't know "foo" after pulse.`},
		{"boss", "digest foo", `I don't know "foo" after digest.`},
		{"boss", "keymsg lsit", "Did you mean: keymsg list?"},
		{"boss", "goal lsit", "Did you mean: goal list?"},
		{"boss", "pulse lsit", "Did you mean: pulse list?"},
		{"anna", "keymsg foo", "Only herald admins can do that."},
		{"anna", "goal foo", "Only herald admins can do that."},
		{"anna", "pulse foo", "Only herald admins can do that."},
		{"anna", "digest foo", "Only herald admins can do that."},
		{"anna", "goal list", "Only herald admins can do that."},
	}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.give, func(t *testing.T) {
			got := r.say(tt.who, tt.give).Text.String()
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// The menu adapters show lists every command herald answers, "language" too.
func TestMenuListsEveryCommand(t *testing.T) {
	menu, err := bot.Menu("de")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range menu {
		names = append(names, c.Name)
		if c.Summary == "" || strings.HasPrefix(c.Summary, "cmd.") {
			t.Errorf("%s: summary %q is no text", c.Name, c.Summary)
		}
	}
	if got, want := strings.Join(names, " "), "help shoutout keymsg pulse answer feedback privacy language goal digest"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
