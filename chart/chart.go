// Package chart draws the charts of pulse results with gonum/plot: the trend
// of a pulse's headline number over its rounds next to the distribution of the
// latest round's answers, as a PNG.
package chart

import (
	"fmt"
	"image/color"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/herald-chat/herald/bot"
)

// Size of the charts, at 96 dpi: 960×400 pixels.
const (
	width  = 10 * vg.Inch
	height = 25 * vg.Inch / 6
	dpi    = 96
)

// Drawer draws result charts. The zero value is ready to use.
type Drawer struct{}

var _ bot.Charter = Drawer{}

// blue is the colour of the bars and the trend line.
var blue = color.RGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff}

// Draw renders c as a PNG: the trend on the left (when there are at least
// two rounds to compare) and the distribution on the right.
func (Drawer) Draw(c bot.Chart) ([]byte, error) {
	var plots []*plot.Plot
	if len(c.Trend) > 1 {
		p, err := trendPlot(c)
		if err != nil {
			return nil, err
		}
		plots = append(plots, p)
	}
	if len(c.Dist) > 0 {
		p, err := distPlot(c)
		if err != nil {
			return nil, err
		}
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return nil, fmt.Errorf("chart %q: nothing to draw", c.Title)
	}
	img := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Centimeter, PadY: vg.Centimeter / 2,
		PadTop: vg.Centimeter / 2, PadBottom: vg.Centimeter / 2, PadLeft: vg.Centimeter / 2, PadRight: vg.Centimeter / 2}
	canvases := plot.Align([][]*plot.Plot{plots}, tiles, dc)
	for i, p := range plots {
		p.Draw(canvases[0][i])
	}
	png, err := encode(img.Image())
	if err != nil {
		return nil, fmt.Errorf("chart %q: %w", c.Title, err)
	}
	return png, nil
}

func trendPlot(c bot.Chart) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = c.Title + ": " + c.TrendLabel
	if c.Title == c.TrendLabel {
		p.Title.Text = c.Title
	}
	pts := make(plotter.XYs, len(c.Trend))
	labels := make([]string, len(c.Trend))
	for i, pt := range c.Trend {
		pts[i] = plotter.XY{X: float64(i), Y: pt.Value}
		labels[i] = wrap(pt.Label)
	}
	line, points, err := plotter.NewLinePoints(pts)
	if err != nil {
		return nil, fmt.Errorf("chart %q: trend: %w", c.Title, err)
	}
	line.Color, points.Color = blue, blue
	line.Width = vg.Points(2)
	p.Add(plotter.NewGrid(), line, points)
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(pts))-0.5
	p.Y.Label.Text = c.TrendLabel
	return p, nil
}

func distPlot(c bot.Chart) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = c.DistLabel
	vals := make(plotter.Values, len(c.Dist))
	labels := make([]string, len(c.Dist))
	for i, pt := range c.Dist {
		vals[i] = pt.Value
		labels[i] = wrap(pt.Label)
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(max(8, 300/float64(len(vals)))))
	if err != nil {
		return nil, fmt.Errorf("chart %q: distribution: %w", c.Title, err)
	}
	bars.Color = blue
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(labels...)
	p.Y.Min = 0
	return p, nil
}

// labelWidth is how many characters a tick label has on one line: four long
// labels side by side on half the chart still leave room between them.
// labelLines is how many lines it has at most: a choice's option may have 75
// characters, whose lines would run into the labels of the next bars.
const (
	labelWidth = 12
	labelLines = 3
)

// wrap breaks a tick label between words into lines of about labelWidth
// characters, so that long labels (German ones) don't run into each other,
// and cuts it with "…" after labelLines lines.
func wrap(label string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(label) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > labelWidth {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	lines = append(lines, line)
	if len(lines) > labelLines {
		lines = lines[:labelLines]
		lines[labelLines-1] += "…"
	}
	return strings.Join(lines, "\n")
}
