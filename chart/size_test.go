package chart_test

import (
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/chart"
)

// embedLimit is the largest PNG the Teams adapter embeds in a card as it is
// (maxImage in bot/teams; a larger one is scaled down); spare is the room
// the largest charts must leave.
const (
	embedLimit = 16 << 10
	spare      = 1 << 10
)

// TestLargestChartsEmbedInTeams draws the largest charts herald can be asked
// for and one with the densest glyphs in every label. Measured when charts
// became paletted PNGs, in bytes (24-bit PNG before → paletted now):
//
//	        nps            scale          yes/no         choice         can/want
//	en  31186 →  9987  33826 →  9766  28096 → 8811  66377 → 13858  32028 → 9218
//	de  32269 → 10172  35534 → 10156  29737 → 8952  72550 → 13507  34650 → 9841
//	dense choice: 14411
//
// A typical German can/want chart with three rounds went from 24173 to 6947.
func TestLargestChartsEmbedInTeams(t *testing.T) {
	dense := make([]bot.ChartPoint, choices)
	for i := range dense {
		dense[i] = bot.ChartPoint{Label: runes(strings.Repeat("ŠŽÄÖÜß ", 20), maxOption), Value: float64(i%4 + 1)}
	}
	cases := append(largestCharts(), chartCase{"dense-choice", bot.Chart{
		Title: runes(strings.Repeat("ŠŽÄÖÜß ", 60), maxTitle), TrendLabel: "häufigste Wahl", Trend: trend(0, 100, 0), DistLabel: "Antworten", Dist: dense}})
	for _, c := range cases {
		png, err := chart.Drawer{}.Draw(c.chart)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(png) > embedLimit-spare {
			t.Errorf("%s: got %d bytes, want at most %d (Teams embeds %d)", c.name, len(png), embedLimit-spare, embedLimit)
		}
	}
}
