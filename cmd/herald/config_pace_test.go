package main

import (
	"testing"

	"github.com/herald-chat/herald/bot"
)

func TestPaceSettings(t *testing.T) {
	tests := []struct {
		name      string
		give      map[string]string
		wantSlack [2]float64
		wantErr   bool
	}{
		{"defaults", nil, [2]float64{10, 500}, false},
		{"set", map[string]string{"HERALD_SLACK_RATE_START": "20", "HERALD_SLACK_RATE_MAX": "250"}, [2]float64{20, 250}, false},
		{"not a number", map[string]string{"HERALD_SLACK_RATE_MAX": "fast"}, [2]float64{}, true},
		{"start above max", map[string]string{"HERALD_SLACK_RATE_START": "300", "HERALD_SLACK_RATE_MAX": "200"}, [2]float64{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tt.give[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error: %v", err, tt.wantErr)
			}
			if got := [2]float64{c.Pace[bot.Slack].Start, c.Pace[bot.Slack].Max}; !tt.wantErr && got != tt.wantSlack {
				t.Errorf("got Slack pace %v, want %v", got, tt.wantSlack)
			}
		})
	}
}
