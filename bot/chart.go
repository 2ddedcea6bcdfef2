package bot

// Charter draws the chart attached to pulse results. The chart package
// implements it with a charting library; the core only says what to draw.
type Charter interface {
	// Draw renders c as a PNG image.
	Draw(c Chart) ([]byte, error)
}

// Chart is what a results chart shows: a trend over rounds and the
// distribution of the latest round's answers.
type Chart struct {
	Title      string
	TrendLabel string       // what the trend measures, e.g. "eNPS"
	Trend      []ChartPoint // one per round, oldest first
	DistLabel  string       // what the distribution counts, e.g. "answers"
	Dist       []ChartPoint // one bar per answer value
}

// ChartPoint is a labelled value of a Chart.
type ChartPoint struct {
	Label string
	Value float64
}
