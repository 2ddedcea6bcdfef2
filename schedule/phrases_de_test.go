package schedule_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

func TestGermanPhrasesRunLikeTheirEnglish(t *testing.T) {
	from := time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		give, want string
	}{
		{"jeden Montag um 9:00", "every monday at 9:00"},
		{"Jeden Werktag um 10 Uhr", "every weekday at 10:00"},
		{"werktags um 10", "every weekday at 10:00"},
		{"täglich um 7.30 Uhr", "every day at 7:30"},
		{"jeden Tag um 9:00 Europe/Berlin", "every day at 9:00 Europe/Berlin"},
		{"alle 2 Wochen am Freitag um 15:00", "every 2 weeks on friday at 15:00"},
		{"jede Woche am Freitag um 15:00", "every week on friday at 15:00"},
		{"jeden Monat am 1. um 9:00", "every month on the 1st at 9:00"},
		{"am ersten Montag im Monat um 8:30", "every month on the first monday at 8:30"},
		{"am letzten Freitag des Monats um 16:00", "every month on the last friday at 16:00"},
		{"jeden ersten Werktag im Monat um 9:00", "every month on the first working day at 9:00"},
		{"am 15.01.2027 um 9:00", "on 2027-01-15 at 9:00"},
		{"am 2027-01-15 um 9:00", "on 2027-01-15 at 9:00"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, want := runs(mustParse(t, tt.give, from), from, 6), runs(mustParse(t, tt.want, from), from, 6)
			if len(got) == 0 || !slices.Equal(got, want) {
				t.Errorf("got runs %v, want those of %q: %v", got, tt.want, want)
			}
		})
	}
}

func TestScheduleErrorsArePlainSentences(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give string
		want string
		args []any
	}{
		{"0 9 * * 1-8", "schedule.err.cron.weekday", []any{"1-8", "0 9 * * 1-8"}},
		{"60 9 * * *", "schedule.err.cron.minute", []any{"60", "60 9 * * *"}},
		{"0 9 32 * *", "schedule.err.cron.day", []any{"32", "0 9 32 * *"}},
		{"0 9 * 13 *", "schedule.err.cron.month", []any{"13", "0 9 * 13 *"}},
		{"every monday at 9:00 please", "schedule.err.trailing", []any{"please", "every monday at 9:00 please"}},
		{"jeden Montag um 9:00 bitte", "schedule.err.trailing", []any{"bitte", "jeden Montag um 9:00 bitte"}},
		{"jeden Montag", "schedule.err.noat", []any{"jeden Montag"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			_, err := schedule.Parser{}.Parse(tt.give, time.UTC, now)
			var e *bot.Error
			if !errors.As(err, &e) || e.Code != bot.EINVALID || e.Key != tt.want || !slices.Equal(e.Args, tt.args) {
				t.Errorf("got %#v, want EINVALID %s %v", err, tt.want, tt.args)
			}
		})
	}
}
