package chart_test

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/herald-chat/herald/bot"
)

// Limits of what herald asks the chart to draw, as bot enforces them: a
// custom pulse's title is its question (at most 300 characters), a choice has
// at most 10 options of at most 75 characters, and the trend shows the
// current round and at most 5 before it (here with four-digit numbers).
const (
	maxTitle  = 300
	maxOption = 75
	choices   = 10
	rounds    = 6
)

// chartCase is a chart of one question type in one language.
type chartCase struct {
	name  string
	chart bot.Chart
}

// largestCharts returns, for every question type that has a chart, in
// English and German, the largest chart herald can be asked to draw: the
// longest title and labels, the most rounds and the most choices.
func largestCharts() []chartCase {
	type lang struct {
		name, question, option, answers    string
		yes, no, avg, enps, top, awShort   string
		canwant                            string
		able, ableNot, willingNot, neither string
	}
	langs := []lang{
		{name: "en", question: "How likely are you to recommend working here to a friend, given the new tools, the new processes and the way we work with customers now? ",
			option: "Customer relationship management training with exercises for everyday work ", answers: "answers",
			yes: "Yes", no: "No", avg: "average", enps: "eNPS", top: "top choice", awShort: "able & willing",
			canwant: "Can/want check", able: "Able & willing", ableNot: "Able, not willing", willingNot: "Willing, not able", neither: "Neither"},
		{name: "de", question: "Wie wahrscheinlich ist es, dass du einer Freundin oder einem Freund empfiehlst, hier zu arbeiten, mit den neuen Werkzeugen, Abläufen und Kundenbeziehungen? ",
			option: "Schulung zur Kundenbeziehungsverwaltung mit Übungen für den Arbeitsalltag ", answers: "Antworten",
			yes: "Ja", no: "Nein", avg: "Durchschnitt", enps: "eNPS", top: "häufigste Wahl", awShort: "können & wollen",
			canwant: "Können/Wollen-Check", able: "Können & wollen", ableNot: "Können, wollen nicht", willingNot: "Wollen, können nicht", neither: "Weder noch"},
	}
	var out []chartCase
	for _, l := range langs {
		title := runes(strings.Repeat(l.question, 3), maxTitle)
		opts := make([]string, choices)
		for i := range opts {
			opts[i] = runes(fmt.Sprintf("%d. %s", i+1, strings.Repeat(l.option, 2)), maxOption)
		}
		out = append(out,
			chartCase{"nps-" + l.name, bot.Chart{Title: title, TrendLabel: l.enps, Trend: trend(-100, 100, 0), DistLabel: l.answers, Dist: dist(numbers(0, 10))}},
			chartCase{"scale-" + l.name, bot.Chart{Title: title, TrendLabel: l.avg, Trend: trend(1, 5, 1), DistLabel: l.answers, Dist: dist(numbers(1, 5))}},
			chartCase{"yesno-" + l.name, bot.Chart{Title: title, TrendLabel: l.yes, Trend: trend(0, 100, 0), DistLabel: l.answers, Dist: dist([]string{l.yes, l.no})}},
			chartCase{"choice-" + l.name, bot.Chart{Title: title, TrendLabel: l.top, Trend: trend(0, 100, 0), DistLabel: l.answers, Dist: dist(opts)}},
			chartCase{"canwant-" + l.name, bot.Chart{Title: l.canwant, TrendLabel: l.awShort, Trend: trend(0, 100, 0), DistLabel: l.answers,
				Dist: dist([]string{l.able, l.ableNot, l.willingNot, l.neither})}},
		)
	}
	return out
}

// trend is a zigzag over rounds between lo and hi, rounded to decimals, with
// round numbers in the thousands.
func trend(lo, hi float64, decimals int) []bot.ChartPoint {
	pts := make([]bot.ChartPoint, rounds)
	for i := range pts {
		v := lo + (hi-lo)*float64((i*7)%11)/10
		pts[i] = bot.ChartPoint{Label: fmt.Sprintf("R%d", 995+i), Value: round(v, decimals)}
	}
	return pts
}

func round(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(v*p) / p
}

// dist gives each label a different count.
func dist(labels []string) []bot.ChartPoint {
	pts := make([]bot.ChartPoint, len(labels))
	for i, l := range labels {
		pts[i] = bot.ChartPoint{Label: l, Value: float64(3 + (i*5)%7)}
	}
	return pts
}

func numbers(lo, hi int) []string {
	var out []string
	for v := lo; v <= hi; v++ {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// runes cuts s to n characters.
func runes(s string, n int) string {
	s = strings.TrimSpace(s)
	for utf8.RuneCountInString(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
