package bot

import "testing"

func TestChannelFor(t *testing.T) {
	tests := []struct {
		give string
		p    Platform
		want string
	}{
		{"", Slack, ""},
		{"C0WINS", Slack, "C0WINS"},
		{"#wins", Console, "wins"},
		{"19:abc@thread.tacv2", Teams, "19:abc@thread.tacv2"},
		{"slack:C0WINS, teams:19:abc@thread.tacv2", Slack, "C0WINS"},
		{"slack:C0WINS, teams:19:abc@thread.tacv2", Teams, "19:abc@thread.tacv2"},
		{"slack:C0WINS, teams:19:abc@thread.tacv2", Console, ""},
		{"slack:C0WINS,wins", Console, "wins"},
	}
	for _, tt := range tests {
		if got := channelFor(tt.give, tt.p); got != tt.want {
			t.Errorf("channelFor(%q, %s): got %q, want %q", tt.give, tt.p, got, tt.want)
		}
	}
}
