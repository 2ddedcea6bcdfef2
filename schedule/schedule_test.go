package schedule_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("zone %s: %v", name, err)
	}
	return loc
}

func mustParse(t testing.TB, spec string, anchor time.Time) bot.Schedule {
	t.Helper()
	s, err := schedule.Parser{}.Parse(spec, time.UTC, anchor)
	if err != nil {
		t.Fatalf("parse %q: %v", spec, err)
	}
	return s
}

// runs returns the first n runs of s after from, in RFC 3339 in the schedule's zone.
func runs(s bot.Schedule, from time.Time, n int) []string {
	var out []string
	for t := from; len(out) < n; {
		if t = s.Next(t); t.IsZero() {
			break
		}
		out = append(out, t.In(s.Location()).Format(time.RFC3339))
	}
	return out
}

func TestParseRefusesWithAReason(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give, want string
	}{
		{"", "schedule.err.empty"},
		{"every monday", "schedule.err.noat"},
		{"every monday at 25:00", "schedule.err.time"},
		{"every monday at 9", "schedule.err.time"},
		{"every funday at 9:00", "schedule.err.day"},
		{"every 0 weeks on friday at 15:00", "schedule.err.interval"},
		{"every month on the 32nd at 9:00", "schedule.err.dom"},
		{"every month on the fifth monday at 9:00", "schedule.err.dom"},
		{"every monday at 9:00 Mars/Olympus", "schedule.err.zone"},
		{"on 2026-13-01 at 9:00", "schedule.err.date"},
		{"on 2026-01-15 at 9:00", "schedule.err.past"},
		{"0 9 * *", "schedule.err.bad"},
		{"0 25 * * *", "schedule.err.cron.hour"},
		{"0 9 30 2 *", "schedule.err.never"},
		{"sometimes", "schedule.err.bad"},
		{"every fortnight at 9:00", "schedule.err.day"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			_, err := schedule.Parser{}.Parse(tt.give, time.UTC, now)
			var e *bot.Error
			if !errors.As(err, &e) || e.Code != bot.EINVALID || e.Key != tt.want {
				t.Errorf("got %v, want EINVALID %s", err, tt.want)
			}
		})
	}
}

func TestScheduleRuns(t *testing.T) {
	from := time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		give string
		want []string
	}{
		{"every monday at 9:00", []string{"2026-11-23T09:00:00Z", "2026-11-30T09:00:00Z", "2026-12-07T09:00:00Z"}},
		{"every weekday at 10:00 Europe/Berlin", []string{"2026-11-19T10:00:00+01:00", "2026-11-20T10:00:00+01:00", "2026-11-23T10:00:00+01:00"}},
		{"every day at 7:30 America/New_York", []string{"2026-11-18T07:30:00-05:00", "2026-11-19T07:30:00-05:00", "2026-11-20T07:30:00-05:00"}},
		{"every 2 weeks on friday at 15:00", []string{"2026-11-20T15:00:00Z", "2026-12-04T15:00:00Z", "2026-12-18T15:00:00Z"}},
		{"every week on fri at 15:00", []string{"2026-11-20T15:00:00Z", "2026-11-27T15:00:00Z", "2026-12-04T15:00:00Z"}},
		{"every month on the 1st at 9:00", []string{"2026-12-01T09:00:00Z", "2027-01-01T09:00:00Z", "2027-02-01T09:00:00Z"}},
		{"every month on the 31st at 9:00", []string{"2026-12-31T09:00:00Z", "2027-01-31T09:00:00Z", "2027-03-31T09:00:00Z"}},
		{"every month on the first monday at 9:00", []string{"2026-12-07T09:00:00Z", "2027-01-04T09:00:00Z", "2027-02-01T09:00:00Z"}},
		{"every month on the last friday at 17:00", []string{"2026-11-27T17:00:00Z", "2026-12-25T17:00:00Z", "2027-01-29T17:00:00Z"}},
		{"every month on the first working day at 9:00", []string{"2026-12-01T09:00:00Z", "2027-01-01T09:00:00Z", "2027-02-01T09:00:00Z"}},
		{"every month on the last working day at 16:00", []string{"2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z", "2027-01-29T16:00:00Z"}},
		{"on 2027-01-15 at 9:00 Europe/Berlin", []string{"2027-01-15T09:00:00+01:00"}},
		{"0 9 * * 1-5", []string{"2026-11-19T09:00:00Z", "2026-11-20T09:00:00Z", "2026-11-23T09:00:00Z"}},
		{"30 8 1,15 * *", []string{"2026-12-01T08:30:00Z", "2026-12-15T08:30:00Z", "2027-01-01T08:30:00Z"}},
		{"0 12 13 * 5", []string{"2026-11-20T12:00:00Z", "2026-11-27T12:00:00Z", "2026-12-04T12:00:00Z"}}, // cron: the 13th or a Friday
		{"0 9 * * MON Europe/Berlin", []string{"2026-11-23T09:00:00+01:00", "2026-11-30T09:00:00+01:00", "2026-12-07T09:00:00+01:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := runs(mustParse(t, tt.give, from), from, 3)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScheduleAcrossDaylightSaving(t *testing.T) {
	// Europe/Berlin changes on 2026-03-29 (02:00 → 03:00) and 2026-10-25 (03:00 → 02:00).
	tests := []struct {
		give string
		from time.Time
		want []string
	}{
		{"every day at 9:00 Europe/Berlin", time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC),
			[]string{"2026-03-28T09:00:00+01:00", "2026-03-29T09:00:00+02:00", "2026-03-30T09:00:00+02:00"}},
		{"every day at 9:00 Europe/Berlin", time.Date(2026, 10, 23, 12, 0, 0, 0, time.UTC),
			[]string{"2026-10-24T09:00:00+02:00", "2026-10-25T09:00:00+01:00", "2026-10-26T09:00:00+01:00"}},
		{"every day at 2:30 Europe/Berlin", time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC), // 02:30 does not exist on the 29th
			[]string{"2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"}},
		{"every day at 2:30 Europe/Berlin", time.Date(2026, 10, 23, 12, 0, 0, 0, time.UTC), // 02:30 happens twice on the 25th
			[]string{"2026-10-24T02:30:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}},
		{"*/30 2 * * * Europe/Berlin", time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC),
			[]string{"2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00", "2026-03-30T02:30:00+02:00"}},
		{"*/30 2 * * * Europe/Berlin", time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC),
			[]string{"2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-26T02:00:00+01:00"}},
		{"every sunday at 2:00 America/New_York", time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), // US change: 2026-03-08
			[]string{"2026-03-08T03:00:00-04:00", "2026-03-15T02:00:00-04:00", "2026-03-22T02:00:00-04:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.give+" from "+tt.from.Format("01-02"), func(t *testing.T) {
			got := runs(mustParse(t, tt.give, tt.from), tt.from, 3)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScheduleAYearOfMornings(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, berlin)
	s := mustParse(t, "every day at 9:00 Europe/Berlin", from)
	days := map[string]bool{}
	for t0 := s.Next(from); t0.Year() == 2026; t0 = s.Next(t0) {
		local := t0.In(berlin)
		if local.Hour() != 9 || local.Minute() != 0 {
			t.Errorf("run at %s, want 09:00 local", local)
		}
		day := local.Format("2006-01-02")
		if days[day] {
			t.Errorf("two runs on %s", day)
		}
		days[day] = true
	}
	if got, want := len(days), 365; got != want {
		t.Errorf("got %d runs in 2026, want %d", got, want)
	}
}
