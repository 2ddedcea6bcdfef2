package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot/bottest"
	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
	"github.com/herald-chat/herald/store"
)

// benchClients is how many clicks are in flight at once, as from many people
// answering at the same moment.
const benchClients = 64

// BenchmarkSlackAnswers measures pulse answers recorded end to end: b.N
// people each click a rating button once, sent as signed block_actions over
// HTTP to a herald started by run() on REDIS_URL, against a fake Slack that
// takes the replies. The clock runs from the first click until Redis counts
// b.N respondents; a click answered "busy" is not recorded, so it would show
// as a shortfall and fail the benchmark. Run it with a fixed count:
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go test ./cmd/herald -run '^$' -bench SlackAnswers -benchtime 20000x
func BenchmarkSlackAnswers(b *testing.B) {
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		b.Skip("REDIS_URL not set: the figure is for Redis")
	}
	fake := fakeslack.New(b)
	fake.PageSize = 1000
	members := make([]string, b.N)
	for i := range members {
		members[i] = fmt.Sprintf("U%07d", i)
	}
	fake.SetMembers("C0TEAM", members...)
	vars := map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": e2eSecret, "SLACK_API_URL": fake.GetAPIURL(),
		"HERALD_ADMINS": e2eAdmin, "REDIS_URL": redisURL,
		"HERALD_REDIS_PREFIX": fmt.Sprintf("heraldbench:%d:", time.Now().UnixNano()),
	}
	base := MustServe(b, vars)
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		b.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	st := store.New(rdb, vars["HERALD_REDIS_PREFIX"])
	defer cleanRedis(b, rdb, vars["HERALD_REDIS_PREFIX"])

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchClients}, Timeout: 3 * time.Second}
	post := func(path, body string) error {
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		ts, sig := slackbot.Sign(e2eSecret, time.Now(), []byte(body))
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		ack, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || len(ack) != 0 {
			return fmt.Errorf("got %d %q, want 200 and an empty acknowledgement", resp.StatusCode, ack)
		}
		return nil
	}
	cmd := url.Values{
		"team_id": {e2eTeam}, "channel_id": {"C0GENERAL"}, "user_id": {e2eAdmin}, "user_name": {"admin"},
		"command": {"/herald"}, "text": {`pulse new "How likely are you to recommend working here?" type=nps to=<#C0TEAM|team>`},
		"response_url": {fake.ResponseURL("cmd")},
	}
	if err := post("/slack/commands", cmd.Encode()); err != nil {
		b.Fatal(err)
	}
	started := fake.WaitFor(b, "response_url", 1, 2*time.Minute)[0]
	if !strings.Contains(string(started.JSON), "P1") {
		b.Fatalf("pulse not started: %s", started.JSON)
	}
	// Replies to the clicks go to a sink that counts them, as Slack's
	// response_url would take them; the fake's recording is not measured.
	var replies atomic.Int64
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		replies.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer sink.Close()
	bodies := make([]string, b.N)
	for i, u := range members {
		bodies[i] = clickBody(b, u, "pulse.answer#"+strconv.Itoa(i%11), "P1.1|1|"+strconv.Itoa(i%11), sink.URL+"/respond/"+u)
	}

	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, benchClients)
	for range benchClients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(bodies); i = int(next.Add(1) - 1) {
				if err := post("/slack/interactions", bodies[i]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("click: %v", err)
	}
	got := waitRespondents(b, st, b.N)
	b.StopTimer()
	b.ReportMetric(float64(got)/b.Elapsed().Seconds(), "answers/s")
	if got != b.N {
		b.Fatalf("got %d respondents after %d clicks, want %d (busy refusals: %s, replies: %d)",
			got, b.N, b.N, busyTotal(b, base), replies.Load())
	}
	// Every click was thanked through its response_url, once.
	bottest.Eventually(b, 10*time.Second, func() bool { return replies.Load() >= int64(b.N) })
	if n := replies.Load(); n != int64(b.N) {
		b.Fatalf("got %d replies, want %d", n, b.N)
	}
}

// clickBody is a signed-ready block_actions form of user's click.
func clickBody(tb testing.TB, user, actionID, value, responseURL string) string {
	cb := map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": e2eTeam},
		"user":         map[string]any{"id": user, "username": strings.ToLower(user), "team_id": e2eTeam},
		"channel":      map[string]any{"id": "D" + user},
		"container":    map[string]any{"type": "message", "channel_id": "D" + user, "message_ts": "1700000000.000100"},
		"response_url": responseURL,
		"actions":      []any{map[string]any{"type": "button", "block_id": "r1", "action_id": actionID, "value": value}},
	}
	data, err := json.Marshal(cb)
	if err != nil {
		tb.Fatal(err)
	}
	return "payload=" + url.QueryEscape(string(data))
}

// waitRespondents waits until round P1.1 counts want respondents, or until the
// count stops moving for five seconds, and returns the count.
func waitRespondents(tb testing.TB, st *store.Store, want int) int {
	tb.Helper()
	last, since := -1, time.Now()
	for {
		t, err := st.Tally(context.Background(), "slack:"+e2eTeam, "P1", 1)
		if err != nil {
			tb.Fatal(err)
		}
		if t.Respondents >= want {
			return t.Respondents
		}
		if t.Respondents != last {
			last, since = t.Respondents, time.Now()
		}
		if time.Since(since) > 5*time.Second {
			return t.Respondents
		}
		time.Sleep(2 * time.Millisecond)
	}
}

var busyLine = regexp.MustCompile(`(?m)^herald_slack_busy_total (\S+)`)

// busyTotal reads herald_slack_busy_total from /metrics.
func busyTotal(tb testing.TB, base string) string {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if m := busyLine.FindSubmatch(data); m != nil {
		return string(m[1])
	}
	return "?"
}

// cleanRedis deletes the keys under prefix.
func cleanRedis(tb testing.TB, rdb *redis.Client, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		rdb.Del(ctx, keys...)
	}
}
