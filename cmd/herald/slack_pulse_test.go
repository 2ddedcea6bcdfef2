package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
)

const (
	e2eSecret = "e2e-signing-secret"
	e2eTeam   = "T0001"
	e2eAdmin  = "UADMIN"
	slackWait = 10 * time.Second
)

// slackWorld is herald served by run() against a fake Slack, and the people
// who use it: they type slash commands and click the buttons of the messages
// the fake received, all signed as Slack signs them.
type slackWorld struct {
	t    *testing.T
	base string
	fake *fakeslack.Server
	tr   func(key string, args ...any) string
	// replies counts the response_url calls seen so far.
	replies int
}

func mustSlackWorld(t *testing.T, vars map[string]string) *slackWorld {
	t.Helper()
	fake := fakeslack.New(t)
	vars["SLACK_BOT_TOKEN"] = "xoxb-e2e"
	vars["SLACK_SIGNING_SECRET"] = e2eSecret
	vars["SLACK_API_URL"] = fake.GetAPIURL()
	vars["HERALD_ADMINS"] = e2eAdmin
	lang := vars["HERALD_LANG"]
	cat, err := bot.NewCatalog(lang)
	if err != nil {
		t.Fatal(err)
	}
	return &slackWorld{
		t: t, base: MustServe(t, vars), fake: fake,
		tr: func(key string, args ...any) string { return cat.T(lang, key, args...) },
	}
}

// post sends a signed request and returns the status and acknowledgement.
func (w *slackWorld) post(path, body string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ts, sig := slackbot.Sign(e2eSecret, time.Now(), []byte(body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Do(req)
	if err != nil {
		w.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("POST %s: got %d %s, want 200", path, resp.StatusCode, data)
	}
	return resp.StatusCode, string(data)
}

// command types "/herald text" as user (in channel C0GENERAL) and returns
// herald's reply, which comes through response_url.
func (w *slackWorld) command(user, text string) reply {
	w.t.Helper()
	return w.commandWithTrigger(user, text, "")
}

func (w *slackWorld) commandWithTrigger(user, text, trigger string) reply {
	w.t.Helper()
	form := url.Values{
		"team_id": {e2eTeam}, "channel_id": {"C0GENERAL"}, "channel_name": {"general"},
		"user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {"/herald"}, "text": {text},
		"response_url": {w.fake.ResponseURL("cmd")}, "trigger_id": {trigger},
	}
	w.post("/slack/commands", form.Encode())
	if trigger != "" {
		return reply{}
	}
	return w.nextReply()
}

// click presses the button labelled label in m as user and returns herald's
// reply to the click.
func (w *slackWorld) click(user string, m reply, label string) reply {
	w.t.Helper()
	b, ok := m.button(label)
	if !ok {
		w.t.Fatalf("%s: no button %q in %s", user, label, m.text)
	}
	w.post("/slack/interactions", w.blockAction(user, b, ""))
	return w.nextReply()
}

// blockAction is the shared block_actions fixture as user's click on b.
func (w *slackWorld) blockAction(user string, b button, trigger string) string {
	w.t.Helper()
	raw, err := os.ReadFile("../../bot/slack/testdata/fixtures/block-actions.json")
	if err != nil {
		w.t.Fatal(err)
	}
	var cb map[string]any
	if err := json.Unmarshal(raw, &cb); err != nil {
		w.t.Fatal(err)
	}
	cb["user"] = map[string]any{"id": user, "username": strings.ToLower(user), "team_id": e2eTeam}
	cb["channel"] = map[string]any{"id": "D" + user, "name": "directmessage"}
	cb["container"].(map[string]any)["channel_id"] = "D" + user
	cb["response_url"] = w.fake.ResponseURL("click")
	cb["trigger_id"] = trigger
	act := cb["actions"].([]any)[0].(map[string]any)
	act["action_id"], act["value"] = b.ActionID, b.Value
	act["text"] = map[string]any{"type": "plain_text", "text": b.Text.Text}
	data, _ := json.Marshal(cb)
	return "payload=" + url.QueryEscape(string(data))
}

// nextReply waits for the next response_url call.
func (w *slackWorld) nextReply() reply {
	w.t.Helper()
	w.replies++
	calls := w.fake.WaitFor(w.t, "response_url", w.replies, slackWait)
	return parseReply(w.t, calls[w.replies-1].JSON)
}

// dm returns the direct messages the fake received for user, in order.
func (w *slackWorld) dm(user string, n int) []reply {
	w.t.Helper()
	var out []reply
	ok := bottest.Eventually(w.t, slackWait, func() bool {
		out = nil
		for _, c := range w.fake.Calls("chat.postMessage") {
			if c.Form.Get("channel") == "D"+user {
				out = append(out, parseReply(w.t, []byte(`{"blocks":`+c.Form.Get("blocks")+`}`)))
			}
		}
		return len(out) >= n
	})
	if !ok {
		w.t.Fatalf("got %d direct messages to %s, want %d", len(out), user, n)
	}
	return out
}

// upload waits for the n-th file uploaded (files upload v2) and returns it.
func (w *slackWorld) upload(n int) fakeslack.Call {
	w.t.Helper()
	return w.fake.WaitFor(w.t, "upload", n, slackWait)[n-1]
}

// reply is a message as Slack shows it: its text, whether it replaced the
// clicked message, and its buttons.
type reply struct {
	text    string
	replace bool
	buttons []button
}

func (r reply) button(label string) (button, bool) {
	for _, b := range r.buttons {
		if b.Text.Text == label {
			return b, true
		}
	}
	return button{}, false
}

// unentity undoes Slack's escaping of &, < and >.
var unentity = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// parseReply reads the text (all of it, entities undone) and the buttons of
// a Block Kit message.
func parseReply(t *testing.T, raw []byte) reply {
	t.Helper()
	var m struct {
		Text            string `json:"text"`
		ReplaceOriginal bool   `json:"replace_original"`
		Blocks          []struct {
			Type     string    `json:"type"`
			Text     *textObj  `json:"text"`
			Fields   []textObj `json:"fields"`
			Elements []json.RawMessage
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("message %s: %v", raw, err)
	}
	r := reply{replace: m.ReplaceOriginal}
	var lines []string
	for _, b := range m.Blocks {
		if b.Text != nil {
			lines = append(lines, b.Text.Text)
		}
		for _, f := range b.Fields {
			lines = append(lines, f.Text)
		}
		for _, e := range b.Elements {
			var el struct {
				Type string `json:"type"`
				Text string `json:"text"`
			}
			_ = json.Unmarshal(e, &el)
			switch el.Type {
			case "button":
				var bt button
				_ = json.Unmarshal(e, &bt)
				r.buttons = append(r.buttons, bt)
			case "mrkdwn", "plain_text":
				lines = append(lines, el.Text)
			}
		}
	}
	if len(lines) == 0 {
		lines = append(lines, m.Text)
	}
	r.text = unentity.Replace(strings.Join(lines, "\n"))
	return r
}

func mustHave(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s: lacks %q in:\n%s", what, want, got)
		}
	}
}

// TestSlackPulseCanWant is the "done when" in Slack mode: an admin
// starts "pulse template canwant to=#team"; answers arrive as signed
// block_actions, double clicks count once; results stay withheld below
// HERALD_ANONYMITY_MIN, then show the matrix, with the chart uploaded as a
// PNG; the export is a CSV file; a click after close is refused.
func TestSlackPulseCanWant(t *testing.T) {
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			w := mustSlackWorld(t, map[string]string{"HERALD_LANG": lang})
			team := []string{"UANNA", "UBEN", "UCARLA", "UDAN", "UEVA"}
			w.fake.SetMembers("C0TEAM", team...)
			started := w.command(e2eAdmin, "pulse template canwant to=<#C0TEAM|team>")
			mustHave(t, "started", started.text, "P1")

			// Each member gets the first question as a DM with rating buttons.
			first := map[string]reply{}
			for _, u := range team {
				dm := w.dm(u, 1)[0]
				mustHave(t, "DM to "+u, dm.text, w.tr("pulse.tpl.canwant.q1"), w.tr("pulse.dm.anon", 5))
				if len(dm.buttons) != 5 {
					t.Fatalf("DM to %s: got %d buttons, want 5", u, len(dm.buttons))
				}
				first[u] = dm
			}
			answer := func(u, can, want string) reply {
				t.Helper()
				next := w.click(u, first[u], can)
				if !next.replace {
					t.Errorf("%s: the answer to question 1 did not replace the DM", u)
				}
				mustHave(t, u+" after question 1", next.text, w.tr("pulse.thanks"), w.tr("pulse.tpl.canwant.q2"))
				done := w.click(u, next, want)
				mustHave(t, u+" after question 2", done.text, w.tr("pulse.thanks.done"))
				return next
			}
			second := answer("UANNA", "5", "5") // able and willing
			answer("UBEN", "4", "2")            // able, not willing
			answer("UCARLA", "2", "5")          // willing, not able
			again := w.click("UANNA", second, "1")
			mustHave(t, "double click", again.text, w.tr("pulse.already"))

			withheld := w.command(e2eAdmin, "pulse results P1")
			mustHave(t, "results with 3 of 5", withheld.text, w.tr("pulse.res.withheld", 3, 5))
			if strings.Contains(withheld.text, w.tr("pulse.res.q.aw")) {
				t.Errorf("results with 3 of 5 show the matrix:\n%s", withheld.text)
			}

			answer("UDAN", "1", "1") // neither
			answer("UEVA", "4", "4") // able and willing
			open := w.command(e2eAdmin, "pulse results P1")
			mustHave(t, "results of the open round", open.text, w.tr("pulse.res.open.anon", "P1.1"))
			notyet := w.command(e2eAdmin, "pulse export P1")
			mustHave(t, "export of an open round", notyet.text, strings.SplitN(w.tr("pulse.export.notyet", "P1.1", "\x00"), "\x00", 2)[0])
			closed := w.command(e2eAdmin, "pulse close P1")
			mustHave(t, "close", closed.text, w.tr("pulse.closed.now", "P1.1"))
			mustHave(t, "results", closed.text,
				w.tr("pulse.res.rate", 5, 5, 100),
				w.tr("pulse.res.q.aw")+": 2 (40%)",
				w.tr("pulse.res.q.anw")+": 1 (20%)",
				w.tr("pulse.res.q.wna")+": 1 (20%)",
				w.tr("pulse.res.q.none")+": 1 (20%)")
			chart := w.upload(1)
			img, err := png.Decode(bytes.NewReader(chart.File))
			if err != nil {
				t.Fatalf("chart %q: not a PNG: %v", chart.Filename, err)
			}
			if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 100 {
				t.Errorf("chart: got %dx%d pixels, want a readable size", b.Dx(), b.Dy())
			}
			done := w.fake.WaitFor(t, "files.completeUploadExternal", 1, slackWait)[0]
			if got := done.Form.Get("channel_id"); got != "D"+e2eAdmin {
				t.Errorf("chart: shared in %q, want the admin's DM D%s", got, e2eAdmin)
			}

			w.command(e2eAdmin, "pulse export P1")
			var export fakeslack.Call // the chart of the close comes too, in any order
			for _, up := range w.fake.WaitFor(t, "upload", 2, slackWait) {
				if strings.HasSuffix(up.Filename, ".csv") {
					export = up
				}
			}
			rows, err := csv.NewReader(bytes.NewReader(export.File)).ReadAll()
			if err != nil {
				t.Fatalf("export %q: not CSV: %v", export.Filename, err)
			}
			if !strings.HasSuffix(export.Filename, ".csv") || len(rows) != 6 {
				t.Errorf("export %q: got %d rows, want a .csv with a header and 5 answer tuples", export.Filename, len(rows))
			}
			for _, row := range rows {
				for _, cell := range row {
					if strings.HasPrefix(cell, "U") && strings.ToUpper(cell) == cell {
						t.Errorf("export holds a user id %q in %v", cell, row)
					}
				}
			}

			late := w.click("UANNA", first["UANNA"], "3")
			mustHave(t, "click after close", late.text, w.tr("pulse.closed"))
			if !late.replace {
				t.Errorf("click after close: the DM kept its buttons, want it replaced")
			}
		})
	}
}

// submitView posts a view_submission of the modal opened by the n-th
// views.open call, with values as the state (block id → action id → value
// object), and returns the acknowledgement.
func (w *slackWorld) submitView(user string, n int, values map[string]any) (openedView, string) {
	w.t.Helper()
	v := w.openedView(n)
	cb := map[string]any{
		"type": "view_submission",
		"team": map[string]any{"id": e2eTeam},
		"user": map[string]any{"id": user, "name": strings.ToLower(user), "team_id": e2eTeam},
		"view": map[string]any{
			"id": "V2", "callback_id": v.View.CallbackID, "private_metadata": v.View.PrivateMetadata,
			"state": map[string]any{"values": values},
		},
	}
	data, _ := json.Marshal(cb)
	_, ack := w.post("/slack/interactions", "payload="+url.QueryEscape(string(data)))
	return v, strings.TrimSpace(ack)
}

// openedView is a views.open call as the fake received it.
type openedView struct {
	TriggerID string `json:"trigger_id"`
	View      struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		Title           textObj
		Blocks          []struct {
			BlockID  string          `json:"block_id"`
			Label    textObj         `json:"label"`
			Hint     textObj         `json:"hint"`
			Optional bool            `json:"optional"`
			Element  json.RawMessage `json:"element"`
		} `json:"blocks"`
	} `json:"view"`
	raw string
}

func (w *slackWorld) openedView(n int) openedView {
	w.t.Helper()
	c := w.fake.WaitFor(w.t, "views.open", n, slackWait)[n-1]
	var v openedView
	if err := json.Unmarshal(c.JSON, &v); err != nil {
		w.t.Fatalf("views.open %s: %v", c.JSON, err)
	}
	v.raw = string(c.JSON)
	return v
}

func textValue(s string) map[string]any {
	return map[string]any{"type": "plain_text_input", "value": s}
}

// TestSlackPulseFreeTextForm answers a free-text question through the modal
// that "Answer in words" opens: the typed text is recorded without its author,
// the DM is replaced by the thanks, and an expired trigger falls back to
// saying how to answer by command.
func TestSlackPulseFreeTextForm(t *testing.T) {
	w := mustSlackWorld(t, map[string]string{"HERALD_LANG": "en", "HERALD_ANONYMITY_MIN": "3"})
	w.command(e2eAdmin, "pulse template enps to=<@UANNA|anna> <@UBEN|ben> <@UCARLA|carla>")
	step2 := w.click("UANNA", w.dm("UANNA", 1)[0], "9")
	mustHave(t, "after the rating", step2.text, w.tr("pulse.tpl.enps.q2"))
	words, ok := step2.button(w.tr("pulse.text.button"))
	if !ok {
		t.Fatalf("no %q button in %+v", w.tr("pulse.text.button"), step2.buttons)
	}
	w.post("/slack/interactions", w.blockAction("UANNA", words, "TRIGGER-ANNA"))
	v := w.openedView(1)
	if v.TriggerID != "TRIGGER-ANNA" || v.View.CallbackID != "herald.form" || len(v.View.Blocks) != 1 ||
		v.View.Blocks[0].Label.Text != w.tr("pulse.tpl.enps.q2") || v.View.Title.Text != w.tr("pulse.form.title") {
		t.Fatalf("views.open: got %s, want the answer form for TRIGGER-ANNA with the question as its label", v.raw)
	}
	mustHave(t, "form hint", v.View.Blocks[0].Hint.Text, w.tr("pulse.dm.anon", 3))

	_, ack := w.submitView("UANNA", 1, map[string]any{"input": map[string]any{"input": textValue("   ")}})
	if want := `{"response_action":"errors","errors":{"input":"` + w.tr("answer.err.value.text") + `"}}`; ack != want {
		t.Errorf("empty answer: got %s, want %s", ack, want)
	}
	const typed = "More time for <b>learning</b> & pairing <!channel>"
	if _, ack := w.submitView("UANNA", 1, map[string]any{"input": map[string]any{"input": textValue(typed)}}); ack != "" {
		t.Fatalf("answer: got %s, want an empty acknowledgement (the modal closes)", ack)
	}
	done := w.nextReply()
	mustHave(t, "after the form", done.text, w.tr("pulse.thanks"), w.tr("pulse.thanks.done"))
	if !done.replace {
		t.Errorf("after the form: the DM was not replaced")
	}

	// Slack refuses the modal (the trigger expired): the reply says how to
	// answer by command instead.
	w.fake.Fail("views.open", "expired_trigger_id")
	benWords, _ := w.click("UBEN", w.dm("UBEN", 1)[0], "6").button(w.tr("pulse.text.button"))
	w.post("/slack/interactions", w.blockAction("UBEN", benWords, "TRIGGER-BEN"))
	mustHave(t, "no modal", w.nextReply().text, "answer P1.1 2 ")

	// Written answers show from three on.
	w.command("UBEN", "answer P1.1 2 pairing helps")
	w.click("UCARLA", w.dm("UCARLA", 1)[0], "8")
	w.command("UCARLA", "answer P1.1 2 fewer meetings")
	res := w.command(e2eAdmin, "pulse close P1")
	mustHave(t, "results", res.text, typed)
	raw := string(w.fake.Calls("response_url")[w.replies-1].JSON)
	if strings.Contains(raw, "<!channel>") || strings.Contains(raw, `\u003c!channel\u003e`) {
		t.Errorf("results carry the typed <!channel> unescaped: %s", raw)
	}
}

// TestSlackPulseNewModal starts a pulse from the "pulse new" modal: mistakes
// come back into the form next to their field, a good form closes and sends
// the pulse, and someone who may not run pulses gets no form.
func TestSlackPulseNewModal(t *testing.T) {
	w := mustSlackWorld(t, map[string]string{"HERALD_LANG": "en"})
	w.fake.SetMembers("C0TEAM", "UANNA", "UBEN")

	w.commandWithTrigger("UANNA", "pulse new", "TRIGGER-ANNA")
	mustHave(t, "non-admin", w.nextReply().text, w.tr("err.admin"))
	if n := len(w.fake.Calls("views.open")); n != 0 {
		t.Fatalf("non-admin: got %d forms opened, want none", n)
	}

	w.commandWithTrigger(e2eAdmin, "pulse new", "TRIGGER-NEW")
	v := w.openedView(1)
	var ids []string
	for _, b := range v.View.Blocks {
		ids = append(ids, b.BlockID)
	}
	if v.TriggerID != "TRIGGER-NEW" || v.View.CallbackID != "herald.pulse" ||
		strings.Join(ids, " ") != "question type options channels people every closes anonymous" {
		t.Fatalf("views.open: got %s with blocks %v, want the pulse form for TRIGGER-NEW", v.TriggerID, ids)
	}
	form := func(question, typ, options string, channels, people []string, every, closes, anonymous string) map[string]any {
		sel := func(v string) map[string]any {
			return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}
		}
		return map[string]any{
			"question":  map[string]any{"question": textValue(question)},
			"type":      map[string]any{"type": sel(typ)},
			"options":   map[string]any{"options": textValue(options)},
			"channels":  map[string]any{"channels": map[string]any{"type": "multi_conversations_select", "selected_conversations": channels}},
			"people":    map[string]any{"people": map[string]any{"type": "multi_users_select", "selected_users": people}},
			"every":     map[string]any{"every": textValue(every)},
			"closes":    map[string]any{"closes": textValue(closes)},
			"anonymous": map[string]any{"anonymous": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": anonymous}}},
		}
	}
	team := []string{"C0TEAM"}
	tests := []struct {
		name  string
		give  map[string]any
		field string
		want  string
	}{
		{"nobody", form("Which tool first?", "choice", "CRM\nMobile", nil, nil, "", "", "yes"), "channels", w.tr("slack.pulse.err.to")},
		{"no options", form("Which tool first?", "choice", "", team, nil, "", "", "yes"), "options", w.tr("slack.pulse.err.options")},
		{"one option", form("Which tool first?", "choice", "CRM\n\n", team, nil, "", "", "yes"), "options", w.tr("pulse.err.choice.count", 1, 2, 10)},
		{"options twice", form("Which tool first?", "choice", "CRM\ncrm", team, nil, "", "", "yes"), "options", w.tr("pulse.err.choice.twice", "crm")},
		{"short", form("Which tool first?", "yesno", "", team, nil, "", "10m", "yes"), "closes", w.tr("pulse.err.closes.range", "10m")},
		{"not a duration", form("Which tool first?", "yesno", "", team, nil, "", "soon", "yes"), "closes", w.tr("pulse.err.closes", "soon")},
		{"quotes", form(`Is "Agile" working?`, "yesno", "", team, nil, "", "", "yes"), "question", w.tr("slack.pulse.err.quote")},
	}
	for _, tt := range tests {
		_, ack := w.submitView(e2eAdmin, 1, tt.give)
		var got struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		_ = json.Unmarshal([]byte(ack), &got)
		if got.Action != "errors" || len(got.Errors) != 1 || got.Errors[tt.field] != tt.want {
			t.Errorf("%s: got %s, want the error %q at %s", tt.name, ack, tt.want, tt.field)
		}
	}
	if n := len(w.fake.Calls("chat.postMessage")); n != 0 {
		t.Fatalf("refused forms sent %d messages, want none", n)
	}

	_, ack := w.submitView(e2eAdmin, 1, form("Which tool first?", "choice", "CRM\nMobile app\n", team, []string{"UCARLA"}, "", "2d", "no"))
	if ack != "" {
		t.Fatalf("good form: got %s, want an empty acknowledgement (the form closes)", ack)
	}
	started := w.fake.WaitFor(t, "chat.postEphemeral", 1, slackWait)[0]
	if started.Form.Get("channel") != "C0GENERAL" || started.Form.Get("user") != e2eAdmin {
		t.Errorf("confirmation: got %v, want an ephemeral to %s in C0GENERAL", started.Form, e2eAdmin)
	}
	mustHave(t, "confirmation", started.Form.Get("text"), "P1", "Which tool first?", w.tr("pulse.started.named"))
	for _, u := range []string{"UANNA", "UBEN", "UCARLA"} {
		dm := w.dm(u, 1)[0]
		mustHave(t, "DM to "+u, dm.text, "Which tool first?", w.tr("pulse.dm.named", "@uadmin"))
		if _, ok := dm.button("Mobile app"); !ok || len(dm.buttons) != 2 {
			t.Errorf("DM to %s: got buttons %+v, want CRM and Mobile app", u, dm.buttons)
		}
	}
	list := w.command(e2eAdmin, "pulse list")
	mustHave(t, "pulse list", list.text, "P1", "0 of 3 answered")
}

// textObj is a Block Kit text object.
type textObj struct {
	Text string `json:"text"`
}
