package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Printer renders the catalog's texts in one language.
type Printer struct {
	cat  *Catalog
	lang string
}

// Printer returns the printer of lang; herald's default language when it
// does not speak lang.
func (c *Catalog) Printer(lang string) Printer { return Printer{cat: c, lang: c.Lang(lang)} }

// Lang is the printer's language.
func (p Printer) Lang() string { return p.lang }

// T renders the text key with args.
func (p Printer) T(key string, args ...any) string { return p.cat.T(p.lang, key, args...) }

// Text renders the text key as a whole sentence whose placeholders may be
// Text (mentions of people and channels) as well as plain values: the words
// around a mention stay in the order the language wants.
func (p Printer) Text(key string, args ...any) Text {
	var parts []Text
	plain := make([]any, len(args))
	for i, a := range args {
		t, ok := a.(Text)
		if !ok {
			plain[i] = a
			continue
		}
		plain[i] = placeholderOpen + strconv.Itoa(len(parts)) + placeholderClose
		parts = append(parts, t)
	}
	s := p.T(key, plain...)
	var out Text
	for {
		i := strings.Index(s, placeholderOpen)
		j := strings.Index(s, placeholderClose)
		if i < 0 || j < i {
			break
		}
		n, err := strconv.Atoi(s[i+len(placeholderOpen) : j])
		if err != nil || n >= len(parts) {
			break
		}
		if i > 0 {
			out = append(out, Str(s[:i]))
		}
		out = append(out, parts[n]...)
		s = s[j+len(placeholderClose):]
	}
	if s != "" {
		out = append(out, Str(s))
	}
	return out
}

// Placeholders of Text arguments while a sentence is rendered: characters of
// Unicode's private use area, which no catalog text holds.
const (
	placeholderOpen  = "\uE000"
	placeholderClose = "\uE001"
)

// Month returns the name of m ("November").
func (p Printer) Month(m time.Month) string { return p.T(monthKey(m)) }

// Weekday returns the short name of d ("Mon").
func (p Printer) Weekday(d time.Weekday) string { return p.T(weekdayKey(d)) }

// monthKey is the catalog key of a month's name: "month.1" … "month.12".
func monthKey(m time.Month) string { return fmt.Sprintf("month.%d", int(m)) }

// weekdayKey is the catalog key of a weekday's short name: "weekday.0" (Sunday) … "weekday.6".
func weekdayKey(d time.Weekday) string { return fmt.Sprintf("weekday.%d", int(d)) }

// When renders t in loc as the language writes a date and time: "Mon
// 2026-11-23 09:00 CET", "Mo. 23.11.2026 09:00 CET".
func (p Printer) When(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return p.T("keymsg.never")
	}
	t = t.In(loc)
	return p.Weekday(t.Weekday()) + " " + t.Format(p.T("layout.when"))
}

// Day renders the date of t in loc, short, as the language writes it: "Dec 1", "01.12.".
func (p Printer) Day(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(p.T("layout.day"))
}

// Date renders the calendar date of t as the language writes it:
// "2026-12-31", "31.12.2026".
func (p Printer) Date(t time.Time) string { return t.Format(p.T("layout.date")) }

// MonthName renders m as "November 2026".
func (p Printer) MonthName(m Month) string {
	t, _ := time.Parse("2006-01", string(m))
	return fmt.Sprintf("%s %d", p.Month(t.Month()), t.Year())
}
