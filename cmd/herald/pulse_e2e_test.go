package main

import (
	"fmt"
	"regexp"
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
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			cat, err := bot.NewCatalog(lang)
			if err != nil {
				t.Fatal(err)
			}
			tr := func(key string, args ...any) string { return cat.T(lang, key, args...) }
			rdb, prefix := storetest.MustRedis(t)
			opt := rdb.(*redis.Client).Options()
			c := startConsole(t, map[string]string{
				"REDIS_URL":              fmt.Sprintf("redis://%s/%d", opt.Addr, opt.DB),
				"HERALD_REDIS_PREFIX":    prefix,
				"HERALD_DATA_DIR":        t.TempDir(),
				"HERALD_LANG":            lang,
				"HERALD_LOG_LEVEL":       "error",
				"HERALD_CONSOLE_USER":    "you",
				"HERALD_CONSOLE_MEMBERS": "anna,ben,carla,dan,eva",
			})
			// Each person gets a direct message with the first question's rating.
			mark := c.mark()
			c.expect("pulse template canwant to=#team", regexp.MustCompile(`P1`))
			q1 := map[string]string{}
			for _, who := range []string{"anna", "ben", "carla", "dan", "eva"} {
				q1[who] = c.waitFrom(mark, regexp.MustCompile(`\[@`+who+`\] 📊[^\n]*\n(?:.*\n)*?\s*\[(\d+): 1…5\]`))[1]
			}
			rating := regexp.MustCompile(`\[(\d+): 1…5\]`)
			answer := func(who, can, want string) {
				q2 := c.expect("click "+q1[who]+" "+can, rating)[1] // the second question follows the first
				c.expect("click "+q2+" "+want, regexp.MustCompile(regexp.QuoteMeta(tr("pulse.thanks"))))
			}
			answer("anna", "5", "5")  // able and willing
			answer("ben", "4", "2")   // able, not willing
			answer("carla", "2", "5") // willing, not able
			c.expect("pulse results P1", regexp.MustCompile(regexp.QuoteMeta(tr("pulse.res.withheld", 3, 5))))
			answer("dan", "1", "1") // neither
			answer("eva", "4", "4") // able and willing
			c.expect("click "+q1["anna"]+" 3", regexp.MustCompile(regexp.QuoteMeta(tr("pulse.already"))))
			// Open, the round shows no figures: the next answer would tell itself.
			c.expect("pulse results P1", regexp.MustCompile(regexp.QuoteMeta(tr("pulse.res.open.anon", "P1.1"))))
			c.expect("pulse export P1", regexp.MustCompile(regexp.QuoteMeta(strings.SplitN(tr("pulse.export.notyet", "P1.1", "\x00"), "\x00", 2)[0])))
			c.expect("pulse close P1", regexp.MustCompile(`chart-1\.png`))
			c.expect("pulse export P1", regexp.MustCompile(`1,5,5\n`))
			c.expect("as @anna click "+q1["anna"]+" 3", regexp.MustCompile(regexp.QuoteMeta(tr("pulse.closed"))))
			c.stop()
			got := c.out.String()
			for _, want := range []string{
				tr("pulse.dm.anon", 5),
				tr("pulse.res.withheld", 3, 5),
				tr("pulse.res.rate", 5, 6, 83),
				tr("pulse.res.q.aw") + ": 2 (40%)",
				tr("pulse.res.q.anw") + ": 1 (20%)",
				tr("pulse.res.q.wna") + ": 1 (20%)",
				tr("pulse.res.q.none") + ": 1 (20%)",
				"(" + tr("pulse.res.chart.alt", tr("pulse.tpl.canwant.title")) + "; ",
				tr("pulse.already"),
				"\n1,1,1\n", "\n1,2,5\n", "\n1,4,2\n", "\n1,4,4\n", "\n1,5,5\n", // in random order
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
