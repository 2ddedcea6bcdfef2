package schedule

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// germanWords are German schedule words and their English ones.
func germanWords() map[string]string {
	return map[string]string{
		"jeden": "every", "jede": "every", "jedes": "every", "alle": "every",
		"um": "at", "am": "on",
		"tag": "day", "tage": "days", "woche": "week", "wochen": "weeks", "monat": "month",
		"werktag": "weekday", "arbeitstag": "weekday",
		"ersten": "first", "erste": "first", "zweiten": "second", "zweite": "second",
		"dritten": "third", "dritte": "third", "vierten": "fourth", "vierte": "fourth",
		"letzten": "last", "letzte": "last",
		"montag": "monday", "dienstag": "tuesday", "mittwoch": "wednesday", "donnerstag": "thursday",
		"freitag": "friday", "samstag": "saturday", "sonnabend": "saturday", "sonntag": "sunday",
	}
}

// germanAdverbs are the one-word German repeats: "montags" is "every monday".
func germanAdverbs() map[string][]string {
	return map[string][]string{
		"täglich": {"every", "day"}, "werktags": {"every", "weekday"},
		"montags": {"every", "monday"}, "dienstags": {"every", "tuesday"}, "mittwochs": {"every", "wednesday"},
		"donnerstags": {"every", "thursday"}, "freitags": {"every", "friday"}, "samstags": {"every", "saturday"},
		"sonntags": {"every", "sunday"}, "wöchentlich": {"every", "week", "on"},
	}
}

// fromGerman rewrites a German schedule phrase, in lower-case words, into
// the English one Parse reads: "jeden montag um 9 uhr" → "every monday at
// 9:00", "am ersten montag im monat um 8:30" → "every month on the first
// monday at 8:30", "am 15.01.2027 um 9:00" → "on 2027-01-15 at 9:00".
// Words that are not German are left as they are.
func fromGerman(w []string) []string {
	words, adverbs := germanWords(), germanAdverbs()
	var out []string
	monthly := false
	for i := 0; i < len(w); i++ {
		word := w[i]
		switch {
		case word == "uhr":
			continue
		case (word == "im" || word == "des" || word == "pro") && i+1 < len(w) && (w[i+1] == "monat" || w[i+1] == "monats"):
			monthly, i = true, i+1
			continue
		case word == "monatlich":
			monthly = true
			continue
		case adverbs[word] != nil:
			out = append(out, adverbs[word]...)
			continue
		case i > 0 && w[i-1] == "um":
			word = germanClock(word, i+1 < len(w) && w[i+1] == "uhr")
		case germanDate(word) != "":
			word = germanDate(word)
		}
		if en, ok := words[word]; ok {
			word = en
		}
		out = append(out, word)
	}
	if !monthly {
		return out
	}
	// "every first monday", "on the first monday": the month moves to the front.
	out = slices.DeleteFunc(out, func(s string) bool { return s == "month" })
	for len(out) > 0 && (out[0] == "every" || out[0] == "on" || out[0] == "the") {
		out = out[1:]
	}
	return append([]string{"every", "month", "on"}, out...)
}

// germanClock reads a German time of day: "9" (before "Uhr"), "9.30", "9:30".
func germanClock(s string, uhr bool) string {
	s = strings.Replace(s, ".", ":", 1)
	if _, err := strconv.Atoi(s); err == nil && (uhr || len(s) <= 2) {
		return s + ":00"
	}
	return s
}

// germanDate turns "15.01.2027" into "2027-01-15", or returns "".
func germanDate(s string) string {
	d, err := time.Parse("2.1.2006", s)
	if err != nil {
		return ""
	}
	return d.Format("2006-01-02")
}
