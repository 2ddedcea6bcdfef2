package chart_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/chart"
)

func TestDrawPNG(t *testing.T) {
	tests := []struct {
		name string
		give bot.Chart
	}{
		{name: "trend and distribution", give: bot.Chart{
			Title: "eNPS", TrendLabel: "eNPS", DistLabel: "answers",
			Trend: []bot.ChartPoint{{Label: "R1", Value: -10}, {Label: "R2", Value: 15}, {Label: "R3", Value: 25}},
			Dist:  []bot.ChartPoint{{Label: "0", Value: 1}, {Label: "5", Value: 2}, {Label: "9", Value: 4}, {Label: "10", Value: 3}},
		}},
		{name: "distribution only", give: bot.Chart{
			Title: "Können/Wollen", DistLabel: "Antworten",
			Dist: []bot.ChartPoint{{Label: "Können & wollen", Value: 6}, {Label: "Weder noch", Value: 1}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := chart.Drawer{}.Draw(tt.give)
			if err != nil {
				t.Fatalf("Draw: %v", err)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if format != "png" || cfg.Width != 960 || cfg.Height != 400 {
				t.Errorf("got %s %dx%d, want png 960x400", format, cfg.Width, cfg.Height)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("decode png: %v", err)
			}
			if colours := distinctColours(img); colours < 3 {
				t.Errorf("got %d colours, want a drawn chart (at least 3)", colours)
			}
		})
	}
}

func TestDrawNothing(t *testing.T) {
	for _, give := range []bot.Chart{
		{Title: "empty"},
		{Title: "one round", TrendLabel: "average", Trend: []bot.ChartPoint{{Label: "R1", Value: 4.2}}}, // no trend to show
	} {
		if _, err := (chart.Drawer{}).Draw(give); err == nil {
			t.Errorf("%s: got no error, want nothing to draw", give.Title)
		}
	}
}

func distinctColours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
