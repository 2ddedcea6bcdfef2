package bot

import (
	"slices"
	"testing"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		give   string
		want   []string
		wantOK bool
	}{
		{give: "a b  c", want: []string{"a", "b", "c"}, wantOK: true},
		{give: `keymsg add "every monday at 9:00" #x`, want: []string{"keymsg", "add", "every monday at 9:00", "#x"}, wantOK: true},
		{give: "pulse new “How are you?” type=nps", want: []string{"pulse", "new", "How are you?", "type=nps"}, wantOK: true},
		{give: "goal add „Mehr Lob“ x", want: []string{"goal", "add", "Mehr Lob", "x"}, wantOK: true},
		{give: `empty ""`, want: []string{"empty", ""}, wantOK: true},
		{give: `every="every weekday at 10:00" x`, want: []string{"every=every weekday at 10:00", "x"}, wantOK: true},
		{give: `open "quote`, want: []string{"open", "quote"}, wantOK: false},
		{give: "", want: nil, wantOK: true},
	}
	for _, tt := range tests {
		got, ok := splitWords(tt.give)
		if !slices.Equal(got, tt.want) || ok != tt.wantOK {
			t.Errorf("splitWords(%q): got %q, %v, want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"help", "shoutout", "keymsg", "pulse", "goal"}
	tests := []struct {
		give   string
		want   string
		wantOK bool
	}{
		{"shotout", "shoutout", true},
		{"shout", "shoutout", true},
		{"hlep", "help", true},
		{"pulze", "pulse", true},
		{"weather", "", false},
		{"go", "", false}, // too short to guess from a prefix, and two letters off "goal"
	}
	for _, tt := range tests {
		got, ok := closest(tt.give, cands)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("closest(%q): got %q, %v, want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
		}
	}
}
