package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store/storetest"
)

// TestConsolePulseCanWant runs a can/want pulse through the console as its
// users would: the admin starts it, five people click their answers, results
// stay withheld below the threshold and then show the matrix and a chart.
func TestConsolePulseCanWant(t *testing.T) {
	script := strings.Join([]string{
		"pulse template canwant to=#team",
		"click 2 5", "click 7 5", // anna: able and willing
		"click 3 4", "click 8 2", // ben: able, not willing
		"click 4 2", "click 9 5", // carla: willing, not able
		"pulse results P1",
		"click 5 1", "click 10 1", // dan: neither
		"click 6 4", "click 11 4", // eva: able and willing
		"click 2 3", // anna again: counted once
		"pulse results P1",
		"pulse export P1",
		"pulse close P1",
		"as @anna click 2 3", // after close
	}, "\n")
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			cat, err := bot.NewCatalog(lang)
			if err != nil {
				t.Fatal(err)
			}
			tr := func(key string, args ...any) string { return cat.T(lang, key, args...) }
			rdb, prefix := storetest.MustRedis(t)
			opt := rdb.(*redis.Client).Options()
			env := map[string]string{
				"REDIS_URL":              fmt.Sprintf("redis://%s/%d", opt.Addr, opt.DB),
				"HERALD_REDIS_PREFIX":    prefix,
				"HERALD_DATA_DIR":        t.TempDir(),
				"HERALD_LANG":            lang,
				"HERALD_CONSOLE_USER":    "you",
				"HERALD_CONSOLE_MEMBERS": "anna,ben,carla,dan,eva",
			}
			var out, errs bytes.Buffer
			err = run(context.Background(), []string{"herald"}, func(k string) string { return env[k] }, strings.NewReader(script), &out, &errs)
			if err != nil {
				t.Fatalf("run: %v\n%s", err, errs.String())
			}
			got := out.String()
			for _, want := range []string{
				tr("pulse.dm.anon", 5),
				tr("pulse.res.withheld", 3, 5),
				tr("pulse.res.rate", 5, 6, 83),
				tr("pulse.res.q.aw") + ": 2 (40%)",
				tr("pulse.res.q.anw") + ": 1 (20%)",
				tr("pulse.res.q.wna") + ": 1 (20%)",
				tr("pulse.res.q.none") + ": 1 (20%)",
				"(image: " + tr("pulse.res.chart.alt", tr("pulse.tpl.canwant.title")),
				tr("pulse.already"),
				"1,1,1\n1,2,5\n1,4,2\n1,4,4\n1,5,5\n",
				tr("pulse.closed.now", "P1.1"),
				tr("pulse.closed"),
			} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
		})
	}
}
