package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
)

func TestConfigPulseSettings(t *testing.T) {
	tests := []struct {
		give         map[string]string
		wantFeedback string
		wantMin      int
		wantErr      bool
	}{
		{give: map[string]string{}, wantFeedback: "", wantMin: 5},
		{give: map[string]string{"HERALD_FEEDBACK_CHANNEL": "C0FEED", "HERALD_ANONYMITY_MIN": "3"}, wantFeedback: "C0FEED", wantMin: 3},
		{give: map[string]string{"HERALD_ANONYMITY_MIN": "0"}, wantErr: true},
		{give: map[string]string{"HERALD_ANONYMITY_MIN": "1"}, wantErr: true},
		{give: map[string]string{"HERALD_ANONYMITY_MIN": "2"}, wantErr: true},
		{give: map[string]string{"HERALD_ANONYMITY_MIN": "many"}, wantErr: true},
	}
	for _, tt := range tests {
		c, err := loadConfig(func(k string) string { return tt.give[k] })
		if (err != nil) != tt.wantErr {
			t.Errorf("%v: got error %v, want error %v", tt.give, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && (c.FeedbackChannel.For(bot.Slack) != tt.wantFeedback || c.AnonymityMin != tt.wantMin) {
			t.Errorf("%v: got feedback %q min %d, want %q %d", tt.give, c.FeedbackChannel.For(bot.Slack), c.AnonymityMin, tt.wantFeedback, tt.wantMin)
		}
	}
}

func TestConfigMinInterval(t *testing.T) {
	tests := []struct {
		give    string
		want    time.Duration
		wantErr bool
	}{
		{give: "", want: time.Hour},
		{give: "15m", want: 15 * time.Minute},
		{give: "30s", wantErr: true},
		{give: "hourly", wantErr: true},
	}
	for _, tt := range tests {
		c, err := loadConfig(func(k string) string {
			if k == "HERALD_MIN_INTERVAL" {
				return tt.give
			}
			return ""
		})
		if (err != nil) != tt.wantErr || (!tt.wantErr && c.MinInterval != tt.want) {
			t.Errorf("HERALD_MIN_INTERVAL=%q: got %v, %v, want %v (error %v)", tt.give, c.MinInterval, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseChannels(t *testing.T) {
	tests := []struct {
		give    string
		want    bot.Channels
		wantErr string
	}{
		{give: "", want: bot.Channels{}},
		{give: "C0WINS", want: bot.Channels{Default: "C0WINS"}},
		{give: "#wins", want: bot.Channels{Default: "wins"}},
		{give: "19:abc@thread.tacv2", want: bot.Channels{Default: "19:abc@thread.tacv2"}},
		{
			give: "slack:C0WINS, teams:19:abc@thread.tacv2",
			want: bot.Channels{ByPlatform: map[bot.Platform]string{bot.Slack: "C0WINS", bot.Teams: "19:abc@thread.tacv2"}},
		},
		{
			give: "Slack:#C0WINS,wins,",
			want: bot.Channels{ByPlatform: map[bot.Platform]string{bot.Slack: "C0WINS"}, Default: "wins"},
		},
		{give: "slak:C0WINS", wantErr: `"slak" in "slak:C0WINS" is not a platform: slack, teams or console`},
		{give: "slack:C1,slack:C2", wantErr: "slack is named twice"},
		{give: "C1,C2", wantErr: `"C1" and "C2" are both for every platform; name the platform of each (slack:C0WINS)`},
	}
	for _, tt := range tests {
		got, err := parseChannels(tt.give)
		if gotErr := errText(err); gotErr != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseChannels(%q): got %+v, error %q, want %+v, error %q", tt.give, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

// errText is err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestConfigHTTPTimeouts(t *testing.T) {
	tests := []struct {
		give               map[string]string
		wantHeader, wantRd time.Duration
		wantErr            string
	}{
		{give: map[string]string{}, wantHeader: 5 * time.Second, wantRd: 15 * time.Second},
		{give: map[string]string{"HERALD_HTTP_HEADER_TIMEOUT": "2s", "HERALD_HTTP_READ_TIMEOUT": "1m"}, wantHeader: 2 * time.Second, wantRd: time.Minute},
		{give: map[string]string{"HERALD_HTTP_HEADER_TIMEOUT": "0s"}, wantErr: `HERALD_HTTP_HEADER_TIMEOUT "0s" is not a duration such as 5s`},
		{give: map[string]string{"HERALD_HTTP_READ_TIMEOUT": "soon"}, wantErr: `HERALD_HTTP_READ_TIMEOUT "soon" is not a duration such as 15s`},
	}
	for _, tt := range tests {
		c, err := loadConfig(func(k string) string { return tt.give[k] })
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%v: got error %v, want %q", tt.give, err, tt.wantErr)
			}
			continue
		}
		if err != nil || c.HeaderTimeout != tt.wantHeader || c.ReadTimeout != tt.wantRd {
			t.Errorf("%v: got %v / %v (%v), want %v / %v", tt.give, c.HeaderTimeout, c.ReadTimeout, err, tt.wantHeader, tt.wantRd)
		}
	}
}

func TestConfigBodyBudget(t *testing.T) {
	tests := []struct {
		give    string
		want    int64
		wantErr string
	}{
		{give: "", want: 0}, // the adapters' default, 32 MiB
		{give: "0", want: 0},
		{give: "2", want: 2 << 20},
		{give: "64", want: 64 << 20},
		{give: "1", wantErr: `HERALD_HTTP_BODY_BUDGET_MIB "1" is not a whole number of MiB from 2 to 65536 (0: 32)`},
		{give: "32MiB", wantErr: `HERALD_HTTP_BODY_BUDGET_MIB "32MiB" is not a whole number of MiB from 2 to 65536 (0: 32)`},
		{give: "65537", wantErr: `HERALD_HTTP_BODY_BUDGET_MIB "65537" is not a whole number of MiB from 2 to 65536 (0: 32)`},
	}
	for _, tt := range tests {
		c, err := loadConfig(func(k string) string {
			if k == "HERALD_HTTP_BODY_BUDGET_MIB" {
				return tt.give
			}
			return ""
		})
		if got := errText(err); got != tt.wantErr || (err == nil && c.BodyBudget != tt.want) {
			t.Errorf("HERALD_HTTP_BODY_BUDGET_MIB=%q: got %d, error %q; want %d, error %q", tt.give, c.BodyBudget, got, tt.want, tt.wantErr)
		}
	}
}
