package chars_test

import (
	"testing"
	"unicode/utf8"

	"github.com/herald-chat/herald/bot/internal/chars"
)

func TestCut(t *testing.T) {
	tests := []struct {
		give string
		n    int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 4, "hel…"},
		{"Größenänderung", 14, "Größenänderung"},
		{"Größenänderung", 6, "Größe…"},
		{"ééé", 1, "…"},
		{"abc", 0, ""},
		{"", 3, ""},
	}
	for _, tt := range tests {
		if got := chars.Cut(tt.give, tt.n); got != tt.want {
			t.Errorf("Cut(%q, %d): got %q, want %q", tt.give, tt.n, got, tt.want)
		}
	}
}

func FuzzCut(f *testing.F) {
	f.Add("Größenänderung", 6)
	f.Add("\xe2"+string(make([]byte, 40)), 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n % 5000
		got := chars.Cut(s, n)
		if c := utf8.RuneCountInString(got); n >= 0 && c > n {
			t.Errorf("Cut(%q, %d) has %d characters", s, n, c)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("Cut(%q, %d) = %q is not valid UTF-8", s, n, got)
		}
	})
}
