package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	slackbot "github.com/herald-chat/herald/bot/slack"
	"github.com/herald-chat/herald/bot/slack/fakeslack"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

// edgeWait bounds every wait of these tests, only so that a failure can't
// hang them; what they prove never depends on it.
const edgeWait = 30 * time.Second

// edgeServer runs herald with Slack over HTTP and Teams on, with the
// header and read timeouts given and the settings in more, and returns its
// base URL and address.
func edgeServer(t *testing.T, headerTimeout, readTimeout string, more map[string]string) (base, addr string, fake *fakeslack.Server, bf *fakebf.Server) {
	t.Helper()
	fake, bf = fakeslack.New(t), fakebf.New(t)
	vars := map[string]string{
		"SLACK_BOT_TOKEN":            "xoxb-edge",
		"SLACK_SIGNING_SECRET":       edgeSecret,
		"SLACK_API_URL":              fake.GetAPIURL(),
		"TEAMS_APP_ID":               teamsApp,
		"TEAMS_APP_PASSWORD":         "edge-password",
		"TEAMS_OPENID_METADATA_URL":  bf.MetadataURL(),
		"TEAMS_TOKEN_URL":            bf.TokenURL(),
		"HERALD_HTTP_HEADER_TIMEOUT": headerTimeout,
		"HERALD_HTTP_READ_TIMEOUT":   readTimeout,
	}
	maps.Copy(vars, more)
	base = MustServe(t, vars)
	return base, strings.TrimPrefix(base, "http://"), fake, bf
}

const edgeSecret = "edge-signing-secret"

// postHead is the head of a POST to path announcing a 1 MiB body (the most
// herald reads), with the extra header lines given.
func postHead(path string, headers ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: herald\r\nContent-Length: %d\r\n", path, 1<<20)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// stalled is a connection that sent part of a request and then nothing.
type stalled struct {
	kind string
	conn net.Conn
	got  []byte // what herald sent before the connection ended
	err  error  // how reading ended: io.EOF when herald closed it
}

// openStalled connects to addr and sends sent, then reads, in a goroutine of
// wg, until the connection ends; ended counts the ended ones.
func openStalled(t *testing.T, addr, kind, sent string, wg *sync.WaitGroup, ended *atomic.Int32) *stalled {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, edgeWait)
	if err != nil {
		t.Fatalf("%s: connect: %v", kind, err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, sent); err != nil {
		t.Fatalf("%s: send: %v", kind, err)
	}
	s := &stalled{kind: kind, conn: conn}
	wg.Go(func() {
		defer ended.Add(1)
		_ = conn.SetReadDeadline(time.Now().Add(2 * edgeWait))
		s.got, s.err = io.ReadAll(conn)
		if s.err == nil {
			s.err = io.EOF // ReadAll hides the EOF that ended it
		}
	})
	return s
}

// signedCommand sends a signed /herald text and returns the status and the
// acknowledgement.
func signedCommand(t *testing.T, base, text string, fake *fakeslack.Server) (int, string) {
	t.Helper()
	raw, err := os.ReadFile("../../bot/slack/testdata/fixtures/slash-command.form")
	if err != nil {
		t.Fatal(err)
	}
	form, err := url.ParseQuery(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	form.Set("text", text)
	form.Set("response_url", fake.ResponseURL("edge"))
	body := form.Encode()
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ts, sig := slackbot.Sign(edgeSecret, time.Now(), []byte(body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := (&http.Client{Timeout: edgeWait}).Do(req)
	if err != nil {
		t.Fatalf("signed command: %v", err)
	}
	defer resp.Body.Close()
	ack, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(ack)
}

// TestStalledConnectionsDoNotStopHerald is the issue "400 stalled
// connections stop /healthz": 400 connections stall at each step of a
// request; meanwhile /healthz and a signed Slack command are answered, and
// herald closes each stalled connection once its timeout has passed.
func TestStalledConnectionsDoNotStopHerald(t *testing.T) {
	// The production defaults are 5s and 15s; the test keeps them short to
	// finish soon, and long enough for the checks made while all are open.
	base, addr, fake, bf := edgeServer(t, "3s", "4s", nil)
	slackTS, slackSig := slackbot.Sign("a-guessed-secret", time.Now(), nil)
	teamsAuth := "Authorization: Bearer " + fakebf.Sign(t, bf.Key, fakebf.KeyID, bf.Claims(teamsApp))
	partBody := strings.Repeat("x", 64<<10)
	// Each kind of stall, and what herald answers before it closes the
	// connection.
	const refused = "HTTP/1.1 400 Bad Request"
	kinds := []struct{ kind, sent, want string }{
		// Headers that pass every check made before the body, then part of
		// the body: herald reads it and waits for the rest.
		{"slack body", postHead("/slack/commands", "Content-Type: application/x-www-form-urlencoded",
			"X-Slack-Request-Timestamp: "+slackTS, "X-Slack-Signature: "+slackSig) + partBody, refused},
		{"teams body", postHead("/api/messages", "Content-Type: application/json", teamsAuth) + partBody, refused},
		{"part of the headers", "POST /slack/commands HTTP/1.1\r\nHost: herald\r\nX-Slack-Sig", refused},
		{"nothing", "", ""}, // no request: closed without a word
	}
	var readers sync.WaitGroup
	var ended atomic.Int32
	var conns []*stalled
	want := map[string]string{}
	for i := range 400 {
		k := kinds[i%len(kinds)]
		want[k.kind] = k.want
		conns = append(conns, openStalled(t, addr, k.kind, k.sent, &readers, &ended))
	}

	resp, err := (&http.Client{Timeout: edgeWait}).Get(base + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz with 400 stalled connections: %v", err)
	}
	health, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(health)) != "ok" {
		t.Errorf("GET /healthz with 400 stalled connections: got %d %q, want 200 ok", resp.StatusCode, health)
	}
	if code, ack := signedCommand(t, base, "help", fake); code != http.StatusOK || !strings.Contains(ack, "herald helps your organisation") {
		t.Errorf("signed command with 400 stalled connections: got %d %.200q, want 200 with the help inline", code, ack)
	}
	if n := ended.Load(); n != 0 {
		t.Fatalf("%d stalled connections ended before the checks were done: the test's timeouts are too short for this machine", n)
	}

	readers.Wait()
	byKind := map[string]int{}
	for _, c := range conns {
		byKind[c.kind]++
		// herald closed it: the read ended in EOF (or a reset), not in this
		// test's own deadline.
		var ne net.Error
		if errors.As(c.err, &ne) && ne.Timeout() {
			t.Fatalf("%s: still open after %v, want it closed by herald", c.kind, 2*edgeWait)
		}
		status := ""
		if len(c.got) > 0 {
			line, _ := bufio.NewReader(strings.NewReader(string(c.got))).ReadString('\n')
			status = strings.TrimSpace(line)
		}
		if status != want[c.kind] {
			t.Fatalf("%s: got %q before the close, want %q", c.kind, status, want[c.kind])
		}
	}
	if len(byKind) != 4 || byKind["nothing"] != 100 {
		t.Errorf("connections by kind: got %v, want 100 of each of 4", byKind)
	}
	if calls := fake.Calls("response_url"); len(calls) != 0 {
		t.Errorf("got %d response_url calls, want none: no stalled request reached the core", len(calls))
	}
}

// TestUnsignedBodyRefusedUnread: a request that announces 1 MiB without a
// valid signature or token is answered 401 from its headers alone, though
// herald would wait ten minutes for the body, and its connection is closed
// rather than read.
func TestUnsignedBodyRefusedUnread(t *testing.T) {
	_, addr, _, bf := edgeServer(t, "10m", "10m", nil)
	stale, staleSig := slackbot.Sign(edgeSecret, time.Now().Add(-10*time.Minute), nil)
	forged := "Authorization: Bearer " + fakebf.Sign(t, fakebf.New(t).Key, fakebf.KeyID, bf.Claims(teamsApp))
	tests := []struct {
		name string
		head string
	}{
		{"slack commands unsigned", postHead("/slack/commands")},
		{"slack commands stale", postHead("/slack/commands", "X-Slack-Request-Timestamp: "+stale, "X-Slack-Signature: "+staleSig)},
		{"slack interactions unsigned", postHead("/slack/interactions")},
		{"slack events unsigned", postHead("/slack/events")},
		{"teams without a token", postHead("/api/messages")},
		{"teams forged token", postHead("/api/messages", forged)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.DialTimeout("tcp", addr, edgeWait)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(edgeWait))
			if _, err := io.WriteString(conn, tt.head); err != nil {
				t.Fatal(err)
			}
			// Not a byte of the body is sent.
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("got %v, want a 401 before any of the body", err)
			}
			rest, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || err != nil {
				t.Fatalf("got %d %q (%v), want 401", resp.StatusCode, rest, err)
			}
			if !resp.Close {
				t.Errorf("got a connection kept open, want it closed: the unread body must not be taken for the next request")
			}
		})
	}
}
