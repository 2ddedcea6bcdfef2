package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

// trickler is a connection that sends part of the body it announced and
// then nothing; status is the status line herald answered before it
// closed the connection, and resp the whole answer.
type trickler struct {
	kind   string
	conn   net.Conn
	status string
	resp   string
}

// slackBusy is the start of the busy acknowledgement of a Slack slash
// command, in English.
const slackBusy = `{"response_type":"ephemeral","text":"herald is busy right now`

// refused reports whether c was refused for the memory of bodies being
// read: a Slack slash command gets the busy acknowledgement (Slack does not
// send it again), a Teams activity 503.
func (c *trickler) refused() bool {
	if c.kind == "slack" {
		return c.status == "HTTP/1.1 200 OK" && strings.Contains(c.resp, slackBusy)
	}
	return c.status == "HTTP/1.1 503 Service Unavailable"
}

// TestBodyBudgetBoundsTricklingBodies: 24 connections to Slack and 24 to
// Teams pass every check made before the body, announce 1 MiB and send
// 256 KiB of it (6 MiB for each adapter) against a budget of 2 MiB for
// each. The bytes the bodies hold never pass 2 MiB; the connections that
// don't fit are refused (Slack: the busy acknowledgement; Teams: 503);
// meanwhile /healthz answers and a signed command gets its answer or the
// busy acknowledgement, never a hang. Once the trickling
// connections go, the budget is back and the command is answered.
func TestBodyBudgetBoundsTricklingBodies(t *testing.T) {
	const budget, part = 2 << 20, 256 << 10
	// Long timeouts: the test ends the connections itself.
	base, addr, fake, bf := edgeServer(t, "1m", "1m", map[string]string{"HERALD_HTTP_BODY_BUDGET_MIB": "2"})
	slackTS, slackSig := slackbot.Sign("a-guessed-secret", time.Now(), nil)
	heads := map[string]string{
		"slack": postHead("/slack/commands", "Content-Type: application/x-www-form-urlencoded",
			"X-Slack-Request-Timestamp: "+slackTS, "X-Slack-Signature: "+slackSig),
		"teams": postHead("/api/messages", "Content-Type: application/json",
			"Authorization: Bearer "+fakebf.Sign(t, bf.Key, fakebf.KeyID, bf.Claims(teamsApp))),
	}
	body := strings.Repeat("x", part)
	ended := make(chan *trickler, 48)
	var writers sync.WaitGroup
	var all []*trickler
	for i := range 48 {
		c := &trickler{kind: []string{"slack", "teams"}[i%2]}
		conn, err := net.DialTimeout("tcp", addr, edgeWait)
		if err != nil {
			t.Fatalf("%s: connect: %v", c.kind, err)
		}
		t.Cleanup(func() { conn.Close() })
		c.conn = conn
		all = append(all, c)
		// herald closes a refused connection before it took all this.
		writers.Go(func() { _, _ = io.WriteString(conn, heads[c.kind]+body) })
		go func() {
			_ = conn.SetReadDeadline(time.Now().Add(2 * edgeWait))
			got, _ := io.ReadAll(conn)
			line, _ := bufio.NewReader(strings.NewReader(string(got))).ReadString('\n')
			c.status = strings.TrimSpace(line)
			c.resp = string(got)
			ended <- c
		}()
	}

	// At most 8 bodies of 256 KiB fit in 2 MiB: at least 16 of each kind
	// are refused, after a second's wait for budget.
	early := map[string]int{}
	for early["slack"] < 16 || early["teams"] < 16 {
		select {
		case c := <-ended:
			if !c.refused() {
				t.Fatalf("%s: got %.300q while the others trickle, want it refused (Slack: 200 with the busy acknowledgement; Teams: 503)", c.kind, c.resp)
			}
			early[c.kind]++
		case <-time.After(edgeWait):
			t.Fatalf("got %v connections refused, want at least 16 of each", early)
		}
	}
	for _, kind := range []string{"slack", "teams"} {
		now, peak, busy := metricValue(t, base, "herald_"+kind+"_body_bytes"), metricValue(t, base, "herald_"+kind+"_body_bytes_peak"), metricValue(t, base, "herald_"+kind+"_body_busy_total")
		if now > budget || peak > budget || peak < part || busy < 16 {
			t.Errorf("%s, 6 MiB trickling: got %v bytes held, %v at most and %v refused; want at most %d held, at least %d at most, at least 16 refused", kind, now, peak, busy, budget, part)
		}
	}
	// A text of its own: the same signed request twice is carried out once.
	if code, ack := signedCommand(t, base, "help ", fake); !(code == http.StatusOK && strings.Contains(ack, "herald helps your organisation")) && !(code == http.StatusOK && strings.HasPrefix(ack, slackBusy)) {
		t.Errorf("signed command beside the trickling bodies: got %d %.200q, want 200 with the help inline or the busy acknowledgement", code, ack)
	}
	if resp, err := (&http.Client{Timeout: edgeWait}).Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz beside the trickling bodies: got %v, %v; want 200", resp, err)
	} else {
		resp.Body.Close()
	}

	// The trickling clients end their side: herald answers the bodies it
	// held 400 (cut short), and gives their budget back.
	writers.Wait()
	for _, c := range all {
		_ = c.conn.(*net.TCPConn).CloseWrite()
	}
	for range 48 - early["slack"] - early["teams"] {
		select {
		case c := <-ended:
			if c.status != "HTTP/1.1 400 Bad Request" && !c.refused() {
				t.Errorf("%s: got %.300q, want 400 or refused", c.kind, c.resp)
			}
		case <-time.After(edgeWait):
			t.Fatal("a trickling connection is still open after its client ended its side")
		}
	}
	for _, kind := range []string{"slack", "teams"} {
		if now, peak := metricValue(t, base, "herald_"+kind+"_body_bytes"), metricValue(t, base, "herald_"+kind+"_body_bytes_peak"); now != 0 || peak > budget {
			t.Errorf("%s, all ended: got %v bytes held and %v at most, want 0 and at most %d", kind, now, peak, budget)
		}
	}
	if code, ack := signedCommand(t, base, "help", fake); code != http.StatusOK || !strings.Contains(ack, "herald helps your organisation") {
		t.Errorf("signed command after the trickling bodies: got %d %.200q, want 200 with the help inline", code, ack)
	}
}

// metricValue returns the value of the metric called name, without labels,
// on herald's /metrics.
func metricValue(t *testing.T, base, name string) float64 {
	t.Helper()
	resp, err := (&http.Client{Timeout: edgeWait}).Get(base + "/metrics")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("metrics: %q: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("metrics: no %s", name)
	return 0
}
