package bot

import (
	"strings"
	"time"
)

// joinRefs returns mentions of refs separated by commas.
func joinRefs(refs []Ref) Text {
	var t Text
	for i, r := range refs {
		if i > 0 {
			t = append(t, Str(", "))
		}
		t = append(t, Mention(r))
	}
	return t
}

// when renders t in loc as "Mon 2026-11-23 09:00 CET" in the requester's language.
func (c *call) when(t time.Time, loc *time.Location) string { return c.p().When(t, loc) }

// monthName renders m as "November 2026" in the requester's language.
func (c *call) monthName(m Month) string { return c.p().MonthName(m) }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// excerpt shortens s to n characters, on one line.
func excerpt(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
