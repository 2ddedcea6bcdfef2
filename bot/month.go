package bot

import (
	"strings"
	"time"
)

// Month is a calendar month, "2026-11".
type Month string

// MonthOf returns the month of t in loc.
func MonthOf(t time.Time, loc *time.Location) Month {
	return Month(t.In(loc).Format("2006-01"))
}

// ParseMonth reads "YYYY-MM". ok is false for anything else.
func ParseMonth(s string) (Month, bool) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return "", false
	}
	return Month(t.Format("2006-01")), true
}

// monthArg reads an optional YYYY-MM argument; the current month when absent.
func monthArg(c *call, args []string, loc *time.Location) (Month, error) {
	if len(args) == 0 {
		return MonthOf(c.now, loc), nil
	}
	m, ok := ParseMonth(args[0])
	if !ok || len(args) > 1 {
		return "", Errorf(EINVALID, "err.month", strings.Join(args, " "))
	}
	return m, nil
}
