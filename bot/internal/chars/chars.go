// Package chars cuts text by characters, as Slack and Teams count their
// limits, never inside a UTF-8 sequence. It uses the standard library only.
package chars

import "unicode/utf8"

// Ellipsis marks text that was cut.
const Ellipsis = "…"

// Prefix returns the length in bytes of the first n characters of s, or
// len(s) when s is shorter. A byte that is not valid UTF-8 counts as one
// character.
func Prefix(s string, n int) int {
	for i := range s {
		if n <= 0 {
			return i
		}
		n--
	}
	return len(s)
}

// Cut shortens s to at most n characters, marking the cut with Ellipsis.
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return s[:Prefix(s, n-1)] + Ellipsis
}
