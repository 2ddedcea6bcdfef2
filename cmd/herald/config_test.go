package main

import (
	"testing"
	"time"
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
	}
	for _, tt := range tests {
		c, err := loadConfig(func(k string) string { return tt.give[k] })
		if (err != nil) != tt.wantErr {
			t.Errorf("%v: got error %v, want error %v", tt.give, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && (c.FeedbackChannel != tt.wantFeedback || c.AnonymityMin != tt.wantMin) {
			t.Errorf("%v: got feedback %q min %d, want %q %d", tt.give, c.FeedbackChannel, c.AnonymityMin, tt.wantFeedback, tt.wantMin)
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
