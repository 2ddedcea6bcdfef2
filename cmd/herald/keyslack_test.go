package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
	"github.com/herald-chat/herald/store/storetest"
)

// The Slack workspace of the key-message tests: an admin, and the people,
// channels and group she sends to.
const (
	slackTeam   = "T0001"
	slackAdmin  = "U0ADMIN"
	slackSecret = "keyslack-signing-secret"
)

// slackFleet is herald in Slack mode, one or more processes on one Redis,
// pointed at one fake Slack, driven by signed requests as Slack would send them.
type slackFleet struct {
	t     *testing.T
	fake  *fakeslack.Server
	bases []string
	tr    func(key string, args ...any) string
}

// startSlackFleet runs replicas herald processes in Slack mode, sharing a
// Redis, a key prefix and clock, each on its own address.
func startSlackFleet(t *testing.T, replicas int, lang string, fake *fakeslack.Server, clock bot.Clock) *slackFleet {
	t.Helper()
	cat, err := bot.NewCatalog(lang)
	if err != nil {
		t.Fatal(err)
	}
	rdb, prefix := storetest.MustRedis(t)
	opt := rdb.(*redis.Client).Options()
	f := &slackFleet{t: t, fake: fake, tr: func(key string, args ...any) string { return cat.T(lang, key, args...) }}
	for range replicas {
		f.bases = append(f.bases, MustServeWithClock(t, clock, map[string]string{
			"REDIS_URL":            fmt.Sprintf("redis://%s/%d", opt.Addr, opt.DB),
			"HERALD_REDIS_PREFIX":  prefix,
			"HERALD_DATA_DIR":      t.TempDir(),
			"HERALD_LANG":          lang,
			"HERALD_ADMINS":        slackAdmin,
			"SLACK_BOT_TOKEN":      "xoxb-e2e",
			"SLACK_SIGNING_SECRET": slackSecret,
			"SLACK_API_URL":        fake.GetAPIURL(),
		}))
	}
	return f
}

// before is the text of key up to its argument after args: what a reply
// says before a time that the test does not pin down.
func (f *slackFleet) before(key string, args ...any) string {
	text, _, _ := strings.Cut(f.tr(key, append(args, "\x00")...), "\x00")
	return text
}

// command sends "/herald text" from the admin to replica and returns the
// reply herald sent through response_url.
func (f *slackFleet) command(replica int, text string) fleetReply {
	f.t.Helper()
	form := url.Values{
		"team_id": {slackTeam}, "team_domain": {"example"},
		"channel_id": {"C0LEAD"}, "channel_name": {"leadership"},
		"user_id": {slackAdmin}, "user_name": {"ada"}, "command": {"/herald"}, "text": {text},
		"response_url": {f.fake.ResponseURL("command")}, "trigger_id": {"1.2.3"}, "token": {nonce()},
	}
	return f.post(replica, "/slack/commands", form.Encode())
}

// click presses the button of post, a key message the fake received, as user.
func (f *slackFleet) click(replica int, user string, post fakeslack.Call) fleetReply {
	f.t.Helper()
	button := ackButton(f.t, post)
	raw, err := os.ReadFile("../../bot/slack/testdata/fixtures/block-actions.json")
	if err != nil {
		f.t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		f.t.Fatal(err)
	}
	channel := post.Form.Get("channel")
	if strings.HasPrefix(channel, "U") { // posted to a user id: Slack shows it in the DM
		channel = "D" + channel
	}
	p["team"] = map[string]any{"id": slackTeam, "domain": "example"}
	p["user"] = map[string]any{"id": user, "username": strings.ToLower(user), "team_id": slackTeam}
	p["channel"] = map[string]any{"id": channel, "name": "directmessage"}
	p["container"].(map[string]any)["channel_id"] = channel
	p["response_url"] = f.fake.ResponseURL("click")
	p["token"] = nonce()
	p["actions"] = []any{map[string]any{
		"type": "button", "block_id": button.BlockID, "action_id": button.ActionID,
		"text": map[string]any{"type": "plain_text", "text": button.Text.Text}, "value": button.Value,
		"action_ts": fmt.Sprint(time.Now().Unix()) + ".000200",
	}}
	payload, _ := json.Marshal(p)
	return f.post(replica, "/slack/interactions", url.Values{"payload": {string(payload)}}.Encode())
}

// openHome tells replica that user opened herald's App Home and returns the
// blocks herald published (views.publish).
func (f *slackFleet) openHome(replica int, user string) string {
	f.t.Helper()
	raw, err := os.ReadFile("../../bot/slack/testdata/fixtures/event-app-home-opened.json")
	if err != nil {
		f.t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		f.t.Fatal(err)
	}
	ev["team_id"] = slackTeam
	ev["event_id"] = fmt.Sprintf("Ev%d", time.Now().UnixNano())
	ev["event"].(map[string]any)["user"] = user
	body, _ := json.Marshal(ev)
	before := len(f.fake.Calls("views.publish"))
	f.send(replica, "/slack/events", "application/json", string(body))
	calls := f.fake.WaitFor(f.t, "views.publish", before+1, 10*time.Second)
	var pub struct {
		View struct {
			Blocks any `json:"blocks"`
		} `json:"view"`
	}
	if err := json.Unmarshal(calls[before].JSON, &pub); err != nil {
		f.t.Fatalf("views.publish body %s: %v", calls[before].JSON, err)
	}
	home := strings.Join(texts(pub.View.Blocks), "\n")
	f.t.Logf("App Home of %s:\n%s", user, home)
	return home
}

// post sends a signed form to replica and returns the reply: in the
// acknowledgement, or else through response_url.
func (f *slackFleet) post(replica int, path, body string) fleetReply {
	f.t.Helper()
	before := len(f.fake.Calls("response_url"))
	raw := f.send(replica, path, "application/x-www-form-urlencoded", body)
	if len(raw) == 0 {
		calls := f.fake.WaitFor(f.t, "response_url", before+1, 10*time.Second)
		raw = calls[before].JSON
	}
	var r fleetReply
	if err := json.Unmarshal(raw, &r.raw); err != nil {
		f.t.Fatalf("reply %s: %v", raw, err)
	}
	r.Text = strings.Join(texts(r.raw), "\n")
	r.Replace, _ = r.raw["replace_original"].(bool)
	f.t.Logf("%s → herald answered:\n%s", path, r.Text)
	return r
}

// send posts a body signed as Slack signs it to replica and returns the
// acknowledgement; Slack gives up after three seconds, and so does send.
func (f *slackFleet) send(replica int, path, contentType, body string) []byte {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.bases[replica]+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	ts, sig := slackbot.Sign(slackSecret, time.Now(), []byte(body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Do(req)
	if err != nil {
		f.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	ack, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		f.t.Fatalf("POST %s: got %d, want 200", path, resp.StatusCode)
	}
	return ack
}

// until repeats a command until its reply contains every want; delivery
// reports arrive a moment after the messages.
func (f *slackFleet) until(replica int, text string, want ...string) fleetReply {
	f.t.Helper()
	var (
		r       fleetReply
		missing string
	)
	ok := bottest.Eventually(f.t, 15*time.Second, func() bool {
		r, missing = f.command(replica, text), ""
		for _, w := range want {
			if !strings.Contains(r.Text, w) {
				missing = w
				break
			}
		}
		return missing == ""
	})
	if !ok {
		f.t.Fatalf("%s: got\n%s\nwant it to contain %q", text, r.Text, missing)
	}
	return r
}

// fleetReply is what herald answered through response_url.
type fleetReply struct {
	Text    string // every text in it, one a line
	Replace bool   // replace_original
	raw     map[string]any
}

// texts collects the "text" strings of a Slack message, its blocks included, in order.
func texts(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"blocks", "text", "fields", "elements", "accessory"} {
			if s, ok := v[k].(string); ok && k == "text" {
				out = append(out, s)
				continue
			}
			out = append(out, texts(v[k])...)
		}
	case []any:
		for _, x := range v {
			out = append(out, texts(x)...)
		}
	}
	return out
}

// button is a Block Kit button of a posted message.
type button struct {
	BlockID  string `json:"block_id"`
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
	Text     struct {
		Text string `json:"text"`
	} `json:"text"`
}

// ackButton returns the acknowledgement button of a posted key message.
func ackButton(t *testing.T, post fakeslack.Call) button {
	t.Helper()
	var blocks []struct {
		Type     string   `json:"type"`
		BlockID  string   `json:"block_id"`
		Elements []button `json:"elements"`
	}
	if err := json.Unmarshal([]byte(post.Form.Get("blocks")), &blocks); err != nil {
		t.Fatalf("blocks of the post to %s: %v", post.Form.Get("channel"), err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if strings.HasPrefix(e.ActionID, "keymsg.ack") {
				e.BlockID = b.BlockID
				return e
			}
		}
	}
	t.Fatalf("post to %s has no acknowledgement button: %s", post.Form.Get("channel"), post.Form.Get("blocks"))
	return button{}
}

// postsTo counts the chat.postMessage calls the fake received, by channel.
func postsTo(fake *fakeslack.Server) map[string]int {
	n := map[string]int{}
	for _, c := range fake.Calls("chat.postMessage") {
		n[c.Form.Get("channel")]++
	}
	return n
}

// postTo returns the one chat.postMessage call to channel.
func postTo(t *testing.T, fake *fakeslack.Server, channel string) fakeslack.Call {
	t.Helper()
	for _, c := range fake.Calls("chat.postMessage") {
		if c.Form.Get("channel") == channel {
			return c
		}
	}
	t.Fatalf("no post to %s; posts: %v", channel, postsTo(fake))
	return fakeslack.Call{}
}

// postText is the text of a chat.postMessage call's blocks, one a line.
func postText(c fakeslack.Call) string {
	var blocks any
	_ = json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks)
	return strings.Join(texts(blocks), "\n")
}

// logPosts shows what the fake Slack received, as a person in Slack would read it.
func logPosts(t *testing.T, fake *fakeslack.Server) {
	t.Helper()
	for _, c := range fake.Calls("chat.postMessage") {
		t.Logf("chat.postMessage to %s:\n%s", c.Form.Get("channel"), postText(c))
	}
}

func equalCounts(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// TestSlackScheduledKeyMessageOnThreeReplicas is issue 4's "done when" in
// Slack mode: three herald processes share one Redis and a clock; an admin
// schedules a key message for the next minute with a signed /herald command;
// when the clock reaches it the scheduler of one of them fires it, and each
// target gets it exactly once with the acknowledgement button; a click (and a
// double click, on other replicas) is counted once in keymsg show.
func TestSlackScheduledKeyMessageOnThreeReplicas(t *testing.T) {
	fake := fakeslack.New(t)
	fake.SetMembers("C0LEAD", "U0ANNA", "U0BEN")
	fake.SetMembers("S0LEADS", "U0CARLA", "U0DAN")
	due := time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(due.Add(-30 * time.Second))
	f := startSlackFleet(t, 3, "en", fake, clock)

	when := due.Format("2006-01-02 at 15:04")
	r := f.command(0, `keymsg add "on `+when+`" <#C0LEAD|leadership> <@U0ANNA|anna> <!subteam^S0LEADS|@leads> Town hall on Friday: bring your questions`)
	if want := f.tr("keymsg.added", "K1", due.Format("Mon 2006-01-02 15:04 MST")); !strings.Contains(r.Text, want) {
		t.Fatalf("keymsg add: got %q, want %q", r.Text, want)
	}
	// The run falls due: every replica's scheduler sees it at its next tick,
	// and the clock moves on while they keep ticking.
	clock.Set(due)
	fake.WaitFor(t, "chat.postMessage", 4, 10*time.Second)
	clock.Add(time.Minute)

	// One post in the channel, a direct message to anna and to each of @leads.
	for _, ch := range []string{"C0LEAD", "U0ANNA", "U0CARLA", "U0DAN"} {
		post := postTo(t, fake, ch)
		if b := ackButton(t, post); b.Text.Text != f.tr("keymsg.ack.button") {
			t.Errorf("button to %s: got %q, want %q", ch, b.Text.Text, f.tr("keymsg.ack.button"))
		}
		if got := postText(post); !strings.Contains(got, f.tr("keymsg.header")+"\nTown hall on Friday: bring your questions") {
			t.Errorf("post to %s: got %q, want the key message", ch, got)
		}
	}
	if got := fake.Calls("conversations.open"); len(got) != 0 {
		t.Errorf("conversations.open: got %d calls, want none (DMs are posted to the user id)", len(got))
	}

	// anna acknowledges in her direct message; her second click, on another
	// replica, is answered but not counted again.
	dm := postTo(t, fake, "U0ANNA")
	if r := f.click(1, "U0ANNA", dm); !strings.Contains(r.Text, f.tr("keymsg.ack.done")) || !r.Replace {
		t.Errorf("click: got %q (replace %v), want %q replacing the message", r.Text, r.Replace, f.tr("keymsg.ack.done"))
	}
	if r := f.click(2, "U0ANNA", dm); !strings.Contains(r.Text, f.tr("keymsg.ack.again")) {
		t.Errorf("second click: got %q, want %q", r.Text, f.tr("keymsg.ack.again"))
	}
	show := f.until(0, "keymsg show 1", f.tr("keymsg.send.delivered", 4, 4), f.tr("keymsg.send.acked", 1, 4))
	for _, want := range []string{f.tr("keymsg.send.missing"), "<@U0BEN>", "<@U0CARLA>", "<@U0DAN>"} {
		if !strings.Contains(show.Text, want) {
			t.Errorf("keymsg show: got\n%s\nwant %q", show.Text, want)
		}
	}
	if strings.Contains(show.Text, f.tr("keymsg.send.manual")) || len(regexp.MustCompile(`(?m)^• `).FindAllString(show.Text, -1)) != 1 {
		t.Errorf("keymsg show: got\n%s\nwant exactly one scheduled send", show.Text)
	}

	// Every replica has had many ticks since the run was due: still one post per target.
	if got, want := postsTo(fake), map[string]int{"C0LEAD": 1, "U0ANNA": 1, "U0CARLA": 1, "U0DAN": 1}; !equalCounts(got, want) {
		t.Errorf("posts: got %v, want %v", got, want)
	}
	logPosts(t, fake)
}

// TestSlackKeyMessageDeliveryFailures sends a key message through the
// delivery queue and the real Slack client to a channel that does not exist,
// one herald is not in, a deactivated user, and a channel while Slack answers
// 429 with Retry-After twice: the first three are recorded with their reasons
// and not retried, the last is delayed but delivered once.
func TestSlackKeyMessageDeliveryFailures(t *testing.T) {
	fake := fakeslack.New(t)
	fake.SetMembers("C0OUT", "U0EVA")
	fake.SetMembers("C0WINS", "U0ANNA", "U0FRED")
	fake.FailFor("conversations.members", "C0GONE", "channel_not_found")
	fake.FailFor("chat.postMessage", "C0GONE", "channel_not_found")
	fake.FailFor("chat.postMessage", "C0OUT", "not_in_channel")
	fake.FailFor("chat.postMessage", "U0LEFT", "user_disabled") // a deactivated user
	fake.RateLimit("chat.postMessage", 2, 1)
	f := startSlackFleet(t, 2, "en", fake, bot.SystemClock{})

	if r := f.command(0, `keymsg add "every monday at 9:00" <#C0GONE|gone> <#C0OUT|outside> <#C0WINS|wins> <@U0LEFT|left> Please share the new travel policy`); !strings.Contains(r.Text, f.before("keymsg.added", "K1")) {
		t.Fatalf("keymsg add: got %q, want it scheduled", r.Text)
	}
	if r := f.command(1, "keymsg send 1"); !strings.Contains(r.Text, f.tr("keymsg.sent", "K1", 4)) {
		t.Fatalf("keymsg send: got %q, want %q", r.Text, f.tr("keymsg.sent", "K1", 4))
	}
	show := f.until(0, "keymsg show 1", f.tr("keymsg.send.delivered", 1, 4), f.tr("keymsg.send.failed", 3))
	for _, want := range []string{
		"<#C0GONE> (" + f.tr("keymsg.reason.not_found") + ")",
		"<#C0OUT> (" + f.tr("keymsg.reason.forbidden") + ")",
		"<@U0LEFT> (" + f.tr("keymsg.reason.user.forbidden") + ")",
		f.tr("keymsg.send.acked", 0, 4),
	} {
		if !strings.Contains(show.Text, want) {
			t.Errorf("keymsg show: got\n%s\nwant %q", show.Text, want)
		}
	}
	if got := fake.RateLimited("chat.postMessage"); got != 2 {
		t.Errorf("got %d answers 429, want 2", got)
	}
	// Permanent failures are tried once; the rate-limited post arrives once.
	if got, want := postsTo(fake), map[string]int{"C0GONE": 1, "C0OUT": 1, "C0WINS": 1, "U0LEFT": 1}; !equalCounts(got, want) {
		t.Errorf("posts: got %v, want %v", got, want)
	}
}

// TestSlackKeyMessageReadsWell runs a key message as its users see it, in
// English and German: the post, the thanks for the click and keymsg show.
// go test -v -run TestSlackKeyMessageReadsWell ./cmd/herald prints what the
// fake Slack received.
func TestSlackKeyMessageReadsWell(t *testing.T) {
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			fake := fakeslack.New(t)
			fake.SetMembers("C0LEAD", "U0ANNA", "U0BEN")
			f := startSlackFleet(t, 1, lang, fake, bot.SystemClock{})
			if r := f.command(0, `keymsg add "every weekday at 9:00 Europe/Berlin" <#C0LEAD|leadership> <@U0ANNA|anna> Town hall on Friday: bring your questions & ideas`); !strings.Contains(r.Text, f.before("keymsg.added", "K1")) {
				t.Fatalf("keymsg add: got %q, want it scheduled", r.Text)
			}
			if r := f.command(0, "keymsg send 1"); !strings.Contains(r.Text, f.tr("keymsg.sent", "K1", 2)) {
				t.Fatalf("keymsg send: got %q, want %q", r.Text, f.tr("keymsg.sent", "K1", 2))
			}
			fake.WaitFor(t, "chat.postMessage", 2, 10*time.Second)
			logPosts(t, fake)
			post := postTo(t, fake, "C0LEAD")
			if got := postText(post); !strings.Contains(got, f.tr("keymsg.header")+"\nTown hall on Friday: bring your questions &amp; ideas") {
				t.Errorf("post: got %q, want the header %q and the escaped text", got, f.tr("keymsg.header"))
			}
			if b := ackButton(t, post); b.Text.Text != f.tr("keymsg.ack.button") {
				t.Errorf("button: got %q, want %q", b.Text.Text, f.tr("keymsg.ack.button"))
			}
			// In a channel the thanks is ephemeral and the message stays for the others.
			if r := f.click(0, "U0BEN", post); !strings.Contains(r.Text, f.tr("keymsg.ack.done")) || r.Replace {
				t.Errorf("click: got %q (replace %v), want %q, not replacing", r.Text, r.Replace, f.tr("keymsg.ack.done"))
			}
			f.until(0, "keymsg show 1", f.tr("keymsg.send.manual"), f.tr("keymsg.send.delivered", 2, 2), f.tr("keymsg.send.acked", 1, 2))
			// The admin's App Home says when it goes out next; anna's does not show the admin section.
			if home, want := f.openHome(0, slackAdmin), "*"+f.tr("home.next")+"*\n• "; !strings.Contains(home, want) || !strings.Contains(home, " 09:00 CET · "+f.tr("home.next.keymsg", "K1", "<#C0LEAD>, <@U0ANNA>", f.tr("quote", "Town hall on Friday: bring your questions &amp; ideas"))) {
				t.Errorf("admin's home: got\n%s\nwant %q and key message 1 at 09:00 CET", home, want)
			}
			if home := f.openHome(0, "U0ANNA"); strings.Contains(home, f.tr("home.next")) {
				t.Errorf("anna's home: got\n%s\nwant no admin section", home)
			}
		})
	}
}
