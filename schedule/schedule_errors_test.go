package schedule

import (
	"slices"
	"testing"

	"github.com/herald-chat/herald/bot"
)

func TestScheduleErrorKeysAreInTheCatalog(t *testing.T) {
	for _, lang := range bot.Languages() {
		keys := bot.Keys(lang)
		for _, field := range cronFieldNames() {
			if key := cronFieldKey(field); !slices.Contains(keys, key) {
				t.Errorf("%s lacks %q, which cronError builds", lang, key)
			}
		}
	}
}
