// Package schedule reads herald's schedule language: 5-field cron or phrases
// such as "every weekday at 10:00", in German too ("werktags um 10 Uhr",
// phrases_de.go), each optionally ending with an IANA zone, and computes their
// next runs in local wall-clock time, across daylight-saving changes too.
// Parser implements bot.Schedules; the scheduler package fires the runs.
package schedule

import (
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/herald-chat/herald/bot"
)

// Parser reads schedules; it implements bot.Schedules.
type Parser struct{}

var _ bot.Schedules = Parser{}

// horizon is how far ahead Next looks for a run: five years and a leap day.
const horizon = 5*366 + 1

// dayRule says which days a schedule runs on.
type dayRule int

// The day rules.
const (
	cronDays   dayRule = iota // cron's dom, month and dow fields
	everyNWeek                // weekday w every n weeks from the anchor week
	nthInMonth                // nth (1-4, or -1 for last) weekday of the month
	onceOn                    // one date
)

// weekdayMask means Monday to Friday in a dow bit set.
const weekdayMask = 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5

// spec is a parsed schedule: local times of day (minute and hour bit sets) on
// the days its rule picks.
type spec struct {
	loc          *time.Location
	minute, hour uint64
	rule         dayRule
	dom, month   uint64 // cronDays; bit 63 marks "*"
	dow          uint64 // cronDays, everyNWeek, nthInMonth: weekdays (bit 0 = Sunday)
	n            int    // everyNWeek: interval; nthInMonth: 1..4 or -1
	anchorWeek   int64  // everyNWeek: Monday of the anchor week, in days since 1970
	date         time.Time
}

const starBit = 1 << 63

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Location is the schedule's zone.
func (s *spec) Location() *time.Location { return s.loc }

// Next returns the first run after after, or the zero time when there is none.
func (s *spec) Next(after time.Time) time.Time {
	a := after.In(s.loc)
	y, m, d := a.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // a civil date
	if s.rule == onceOn {
		if day.After(s.date) {
			return time.Time{}
		}
		day = s.date
	}
	for range horizon {
		if s.on(day) {
			for h := range 24 {
				if s.hour&(1<<h) == 0 {
					continue
				}
				for mi := range 60 {
					if s.minute&(1<<mi) == 0 {
						continue
					}
					if t := wallTime(day, h, mi, s.loc); t.After(after) {
						return t
					}
				}
			}
		}
		if s.rule == onceOn {
			return time.Time{}
		}
		day = day.AddDate(0, 0, 1)
	}
	return time.Time{}
}

// on reports whether the schedule runs on the civil date day.
func (s *spec) on(day time.Time) bool {
	wd := uint64(1) << uint(day.Weekday())
	switch s.rule {
	case everyNWeek:
		return s.dow&wd != 0 && (civilDays(day)-mondayOffset(day)-s.anchorWeek)/7%int64(s.n) == 0
	case nthInMonth:
		if s.dow&wd == 0 {
			return false
		}
		if s.dow == weekdayMask { // the nth or last working day
			if s.n < 0 {
				return nthWorkingDay(day) == nthWorkingDay(lastOfMonth(day))
			}
			return nthWorkingDay(day) == s.n
		}
		if s.n < 0 {
			return day.AddDate(0, 0, 7).Month() != day.Month()
		}
		return (day.Day()-1)/7+1 == s.n
	case onceOn:
		return day.Equal(s.date)
	}
	if s.month&(1<<uint(day.Month())) == 0 {
		return false
	}
	domOK := s.dom&(1<<uint(day.Day())) != 0
	dowOK := s.dow&wd != 0
	if s.dom&starBit != 0 || s.dow&starBit != 0 {
		return domOK && dowOK
	}
	return domOK || dowOK // cron: both restricted means either
}

// nthWorkingDay returns which working day (Monday to Friday) of its month day is.
func nthWorkingDay(day time.Time) int {
	n := 0
	for d := 1; d <= day.Day(); d++ {
		if wd := time.Date(day.Year(), day.Month(), d, 0, 0, 0, 0, time.UTC).Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

func lastOfMonth(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month()+1, 0, 0, 0, 0, 0, time.UTC)
}

func civilDays(day time.Time) int64 { return day.Unix() / 86400 }

// mondayOffset is how many days day is after the Monday of its week.
func mondayOffset(day time.Time) int64 { return int64((day.Weekday() + 6) % 7) }

// wallTime returns the instant the local clock in loc reads h:m on the civil
// date day. A time in a spring gap becomes the next valid minute; a time that
// happens twice becomes its first occurrence.
func wallTime(day time.Time, h, m int, loc *time.Location) time.Time {
	y, mo, d := day.Date()
	t := time.Date(y, mo, d, h, m, 0, 0, loc)
	if sameWall(t, y, mo, d, h, m) {
		for _, back := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
			if e := t.Add(-back); sameWall(e, y, mo, d, h, m) {
				return e
			}
		}
		return t
	}
	for k := 1; k <= 24*60; k++ {
		w := time.Date(y, mo, d, h, m+k, 0, 0, time.UTC)
		u := time.Date(y, mo, d, h, m+k, 0, 0, loc)
		if sameWall(u, w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute()) {
			return u
		}
	}
	return t
}

func sameWall(t time.Time, y int, mo time.Month, d, h, m int) bool {
	ty, tmo, td := t.Date()
	return ty == y && tmo == mo && td == d && t.Hour() == h && t.Minute() == m
}

// Parse reads spec; see bot.Schedules.
func (Parser) Parse(text string, loc *time.Location, anchor time.Time) (bot.Schedule, error) {
	words := strings.Fields(strings.ToLower(strings.TrimSpace(text)))
	if len(words) == 0 {
		return nil, bot.Errorf(bot.EINVALID, "schedule.err.empty")
	}
	if last := strings.Fields(strings.TrimSpace(text)); strings.Contains(last[len(last)-1], "/") || words[len(words)-1] == "utc" {
		zone := last[len(last)-1]
		l, err := time.LoadLocation(zone)
		if err != nil || zone == "Local" {
			return nil, bot.Errorf(bot.EINVALID, "schedule.err.zone", zone)
		}
		loc, words = l, words[:len(words)-1]
	}
	if len(words) == 0 {
		return nil, bot.Errorf(bot.EINVALID, "schedule.err.empty")
	}
	words = fromGerman(words) // phrases_de.go
	var (
		s   *spec
		err error
	)
	switch words[0] {
	case "every":
		s, err = parseEvery(words[1:], loc, anchor, text)
	case "on":
		s, err = parseOnce(words[1:], loc, text)
	default:
		s, err = parseCron(strings.Join(words, " "), loc, text)
	}
	if err != nil {
		return nil, err
	}
	first := s.Next(anchor)
	switch {
	case first.IsZero() && s.rule == onceOn:
		return nil, bot.Errorf(bot.EINVALID, "schedule.err.past", s.date.Format("2006-01-02"))
	case first.IsZero():
		return nil, bot.Errorf(bot.EINVALID, "schedule.err.never", text)
	}
	return s, nil
}

func parseCron(expr string, loc *time.Location, text string) (*spec, error) {
	if len(strings.Fields(expr)) != 5 {
		return nil, bot.Errorf(bot.EINVALID, "schedule.err.bad", text)
	}
	sched, err := cronParser.Parse(expr)
	if err != nil {
		return nil, cronError(expr, text) // schedule_errors.go: which field, in plain words
	}
	cs := sched.(*cron.SpecSchedule)
	return &spec{loc: loc, minute: cs.Minute &^ starBit, hour: cs.Hour &^ starBit, rule: cronDays,
		dom: cs.Dom, month: cs.Month, dow: cs.Dow}, nil
}

// parseEvery reads what follows "every".
func parseEvery(w []string, loc *time.Location, anchor time.Time, text string) (*spec, error) {
	w, h, m, err := cutAt(w, text)
	if err != nil {
		return nil, err
	}
	s := &spec{loc: loc, minute: 1 << m, hour: 1 << h, rule: cronDays, dom: ^uint64(0), month: ^uint64(0), dow: ^uint64(0)}
	switch {
	case len(w) == 1 && w[0] == "day":
		return s, nil
	case len(w) == 1 && (w[0] == "weekday" || w[0] == "workday"):
		s.dow = weekdayMask | starBit
		return s, nil
	case len(w) == 1:
		wd, ok := weekday(w[0])
		if !ok {
			return nil, bot.Errorf(bot.EINVALID, "schedule.err.day", w[0])
		}
		s.dow = 1<<wd | starBit
		return s, nil
	case len(w) >= 2 && w[len(w)-2] == "on" && (w[0] == "week" || (len(w) == 4 && (w[1] == "weeks" || w[1] == "week"))):
		n := 1
		if w[0] != "week" {
			var err error
			if n, err = strconv.Atoi(w[0]); err != nil || n < 1 || n > 52 {
				return nil, bot.Errorf(bot.EINVALID, "schedule.err.interval", w[0])
			}
		}
		wd, ok := weekday(w[len(w)-1])
		if !ok {
			return nil, bot.Errorf(bot.EINVALID, "schedule.err.day", w[len(w)-1])
		}
		a := anchor.In(loc)
		ad := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
		s.rule, s.n, s.dow, s.anchorWeek = everyNWeek, n, 1<<wd, civilDays(ad)-mondayOffset(ad)
		return s, nil
	case len(w) >= 3 && w[0] == "month" && w[1] == "on":
		return parseMonthDay(s, w[2:])
	}
	return nil, bot.Errorf(bot.EINVALID, "schedule.err.bad", text)
}

// parseMonthDay reads "the 1st", "the first monday", "the last working day".
func parseMonthDay(s *spec, w []string) (*spec, error) {
	if w[0] == "the" {
		w = w[1:]
	}
	if len(w) == 1 {
		d, err := strconv.Atoi(strings.TrimRight(w[0], "stndrh."))
		if err != nil || d < 1 || d > 31 {
			return nil, bot.Errorf(bot.EINVALID, "schedule.err.dom", w[0])
		}
		s.dom, s.dow = 1<<d, ^uint64(0)
		return s, nil
	}
	nth := map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
	n, ok := nth[w[0]]
	if !ok {
		return nil, bot.Errorf(bot.EINVALID, "schedule.err.dom", strings.Join(w, " "))
	}
	s.rule, s.n = nthInMonth, n
	switch day := strings.Join(w[1:], " "); day {
	case "weekday", "working day", "workday", "business day":
		s.dow = weekdayMask
	default:
		wd, ok := weekday(day)
		if !ok {
			return nil, bot.Errorf(bot.EINVALID, "schedule.err.day", day)
		}
		s.dow = 1 << wd
	}
	return s, nil
}

// parseOnce reads what follows "on": "2027-01-15 at 9:00".
func parseOnce(w []string, loc *time.Location, text string) (*spec, error) {
	w, h, m, err := cutAt(w, text)
	if err != nil {
		return nil, err
	}
	if len(w) != 1 {
		return nil, bot.Errorf(bot.EINVALID, "schedule.err.bad", text)
	}
	d, err := time.Parse("2006-01-02", w[0])
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "schedule.err.date", w[0])
	}
	return &spec{loc: loc, minute: 1 << m, hour: 1 << h, rule: onceOn, date: d}, nil
}

// cutAt splits "… at HH:MM" into the words before "at" and the time.
func cutAt(w []string, text string) (rest []string, h, m int, err error) {
	if err := trailingError(w, text); err != nil {
		return nil, 0, 0, err
	}
	if len(w) < 2 || w[len(w)-2] != "at" {
		return nil, 0, 0, bot.Errorf(bot.EINVALID, "schedule.err.noat", text)
	}
	clock := w[len(w)-1]
	hs, ms, ok := strings.Cut(clock, ":")
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if !ok || err1 != nil || err2 != nil || len(ms) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return nil, 0, 0, bot.Errorf(bot.EINVALID, "schedule.err.time", clock)
	}
	return w[:len(w)-2], h, m, nil
}

func weekday(s string) (time.Weekday, bool) {
	s = strings.TrimSuffix(s, "s") // "mondays"
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || (len(s) >= 3 && strings.HasPrefix(name, s)) {
			return d, true
		}
	}
	return 0, false
}
