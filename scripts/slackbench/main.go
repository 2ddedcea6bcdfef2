// Command slackbench helps measure how fast herald acknowledges signed Slack
// slash commands (scripts/bench-slack.sh runs it):
//
//	slackbench sink ADDR                  a fake Slack Web API and response_url that answer ok
//	slackbench lua SECRET RESPONSE_URL    a wrk script sending one signed /herald help
//
// A signature's timestamp stays valid for five minutes, so one run signs once.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	slackbot "github.com/herald-chat/herald/bot/slack"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "slackbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "sink":
		var calls atomic.Int64
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-stop
			fmt.Fprintf(os.Stderr, "sink: %d Slack calls (replies of requests herald took)\n", calls.Load())
			os.Exit(0)
		}()
		return http.ListenAndServe(args[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1.1"}`)
		}))
	case len(args) == 3 && args[0] == "lua":
		body := url.Values{
			"token": {"x"}, "team_id": {"T0001"}, "team_domain": {"bench"}, "channel_id": {"C0001"},
			"channel_name": {"bench"}, "user_id": {"U0001"}, "user_name": {"bench"}, "command": {"/herald"},
			"text": {"help"}, "response_url": {args[2]}, "trigger_id": {"1.2.3"},
		}.Encode()
		ts, sig := slackbot.Sign(args[1], time.Now(), []byte(body))
		fmt.Printf("wrk.method = \"POST\"\nwrk.body = %s\n", strconv.Quote(body))
		fmt.Printf("wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n")
		fmt.Printf("wrk.headers[\"X-Slack-Request-Timestamp\"] = %q\nwrk.headers[\"X-Slack-Signature\"] = %q\n", ts, sig)
		_, _ = io.WriteString(os.Stdout, countBusy)
		return nil
	}
	return fmt.Errorf("usage: slackbench sink ADDR | slackbench lua SECRET RESPONSE_URL")
}

// countBusy counts acknowledgements with a body: herald's "busy, try again"
// when its queue was full (an accepted command is acknowledged with an empty body).
const countBusy = `
threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if status ~= 200 then bad = (bad or 0) + 1 elseif body ~= "" then busy = (busy or 0) + 1 end
end
function done(summary, latency, requests)
  local b, n = 0, 0
  for _, t in ipairs(threads) do b = b + (t:get("busy") or 0); n = n + (t:get("bad") or 0) end
  io.write(string.format("acks: %d, of which busy: %d; non-200: %d\n", summary.requests, b, n))
end
`
