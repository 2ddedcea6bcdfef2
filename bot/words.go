package bot

import (
	"strings"
	"unicode"
)

// splitWords splits command text into words. Double quotes, typographic quotes
// (“…”, „…“) included, group words; they are what chat clients turn " into.
// ok is false when a quote is left open.
func splitWords(s string) (words []string, ok bool) {
	var (
		cur     strings.Builder
		inQuote bool
		quoted  bool // the current word was quoted, so keep it even when empty
	)
	flush := func() {
		if cur.Len() > 0 || quoted {
			words = append(words, cur.String())
		}
		cur.Reset()
		quoted = false
	}
	for _, r := range s {
		switch {
		case isQuote(r):
			inQuote = !inQuote
			quoted = true
		case unicode.IsSpace(r) && !inQuote:
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return words, !inQuote
}

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„':
		return true
	}
	return false
}

// refOf returns what word names: a mention the adapter resolved, else nothing.
func (r *Request) refOf(word string) (Ref, bool) {
	ref, ok := r.Refs[word]
	return ref, ok
}

// textOf turns words back into Text, resolving mentions into mention spans.
func (r *Request) textOf(words []string) Text {
	var t Text
	var plain strings.Builder
	for i, w := range words {
		if i > 0 {
			plain.WriteByte(' ')
		}
		ref, ok := r.refOf(w)
		if !ok {
			plain.WriteString(w)
			continue
		}
		if plain.Len() > 0 {
			t = append(t, Str(plain.String()))
			plain.Reset()
		}
		t = append(t, Mention(ref))
	}
	if plain.Len() > 0 {
		t = append(t, Str(plain.String()))
	}
	return t
}

// closest returns the candidate nearest to word when it is a plausible typo
// or an unambiguous start of a candidate.
func closest(word string, candidates []string) (string, bool) {
	if len([]rune(word)) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(c, word) {
				return c, true
			}
		}
	}
	best, bestD := "", maxTypos(word)+1
	for _, c := range candidates {
		if d := distance(word, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best, best != ""
}

func maxTypos(word string) int {
	if len([]rune(word)) <= 4 {
		return 1
	}
	return 2
}

// distance is the edit distance between a and b, counting a swap of two
// neighbouring letters as one edit (the commonest typo).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	rows := make([][]int, len(ra)+1)
	for i := range rows {
		rows[i] = make([]int, len(rb)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(ra)][len(rb)]
}
