package chart_test

import (
	"testing"

	"github.com/herald-chat/herald/chart"
)

// BenchmarkDraw draws the largest chart of each question type; bytes/png is
// the size of the PNG.
func BenchmarkDraw(b *testing.B) {
	for _, c := range largestCharts() {
		b.Run(c.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				png, err := chart.Drawer{}.Draw(c.chart)
				if err != nil {
					b.Fatal(err)
				}
				size = len(png)
			}
			b.ReportMetric(float64(size), "bytes/png")
		})
	}
}
