package bot

import (
	"strconv"
	"time"
)

// gapRuns is how many runs of a schedule are read to find its shortest gap.
const gapRuns = 50

// defaultMinInterval is the shortest time allowed between two runs of a
// schedule unless the operator sets another (Config.MinInterval).
const defaultMinInterval = time.Hour

// shortestGap returns the shortest time between two of the first runs of s
// after from, and false when s runs at most once.
func shortestGap(s Schedule, from time.Time) (time.Duration, bool) {
	prev := s.Next(from)
	var gap time.Duration
	found := false
	for range gapRuns {
		if prev.IsZero() {
			break
		}
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		if d := next.Sub(prev); !found || d < gap {
			gap, found = d, true
		}
		prev = next
	}
	return gap, found
}

// parseRepeat reads spec like parse and refuses a schedule whose runs come
// closer than the minimum interval. oneOff says whether a schedule that runs
// only once is fine; repeat is the shortest gap between runs (0 for a one-off).
func (sp scheduleParser) parseRepeat(spec string, anchor time.Time, oneOff bool) (s Schedule, repeat time.Duration, err error) {
	s, err = sp.parse(spec, anchor)
	if err != nil {
		return nil, 0, err
	}
	gap, ok := shortestGap(s, anchor)
	switch {
	case !ok && !oneOff:
		return nil, 0, Errorf(EINVALID, "schedule.err.once", spec)
	case ok && gap < sp.minInterval():
		return nil, 0, Errorf(EINVALID, "schedule.err.often", spec, formatDuration(gap), formatDuration(sp.minInterval()))
	}
	return s, gap, nil
}

// minInterval is the shortest time allowed between two runs.
func (sp scheduleParser) minInterval() time.Duration {
	if sp.minGap > 0 {
		return sp.minGap
	}
	return defaultMinInterval
}

// formatDuration writes d the way closes= reads it: "1w", "2d", "36h", "1h30m", "5m".
func formatDuration(d time.Duration) string {
	units := []struct {
		unit time.Duration
		name string
	}{{7 * 24 * time.Hour, "w"}, {24 * time.Hour, "d"}, {time.Hour, "h"}}
	for _, u := range units {
		if d >= u.unit && d%u.unit == 0 {
			return strconv.Itoa(int(d/u.unit)) + u.name
		}
	}
	if d >= time.Hour {
		return strconv.Itoa(int(d/time.Hour)) + "h" + formatDuration(d%time.Hour)
	}
	return strconv.Itoa(int(d/time.Minute)) + "m"
}
