package bot

import "testing"

func TestChannelsFor(t *testing.T) {
	byPlatform := Channels{ByPlatform: map[Platform]string{Slack: "C0WINS", Teams: "19:abc@thread.tacv2"}}
	tests := []struct {
		give Channels
		p    Platform
		want string
	}{
		{Channels{}, Slack, ""},
		{Channels{Default: "C0WINS"}, Slack, "C0WINS"},
		{Channels{Default: "19:abc@thread.tacv2"}, Teams, "19:abc@thread.tacv2"},
		{byPlatform, Slack, "C0WINS"},
		{byPlatform, Teams, "19:abc@thread.tacv2"},
		{byPlatform, Console, ""},
		{Channels{ByPlatform: map[Platform]string{Slack: "C0WINS"}, Default: "wins"}, Console, "wins"},
	}
	for _, tt := range tests {
		if got := tt.give.For(tt.p); got != tt.want {
			t.Errorf("%+v.For(%s): got %q, want %q", tt.give, tt.p, got, tt.want)
		}
	}
}
