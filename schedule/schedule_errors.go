package schedule

import (
	"slices"
	"strings"

	"github.com/herald-chat/herald/bot"
)

// cronFieldNames are the fields of a cron expression, in order.
func cronFieldNames() []string { return []string{"minute", "hour", "day", "month", "weekday"} }

// cronFieldKey is the catalog key of the answer to a bad cron field:
// "schedule.err.cron.minute".
func cronFieldKey(field string) string { return "schedule.err.cron." + field }

// cronError says in one plain sentence which field of the five-field cron
// expression expr is wrong and what it takes.
func cronError(expr, text string) error {
	names := cronFieldNames()
	for i, f := range strings.Fields(expr) {
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = f
		if _, err := cronParser.Parse(strings.Join(probe, " ")); err != nil {
			return bot.Errorf(bot.EINVALID, cronFieldKey(names[i]), f, text)
		}
	}
	return bot.Errorf(bot.EINVALID, "schedule.err.cron", text)
}

// trailingError is the answer to words after the time of day, as in "every
// monday at 9:00 please", or nil when the phrase ends with its time.
func trailingError(w []string, text string) error {
	i := slices.Index(w, "at")
	if i < 0 || i >= len(w)-2 {
		return nil
	}
	return bot.Errorf(bot.EINVALID, "schedule.err.trailing", strings.Join(w[i+2:], " "), text)
}
