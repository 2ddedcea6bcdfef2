// Command peerbench helps measure herald beside Slack's Bolt and the Bot
// Framework SDK (scripts/bench-peers.sh and scripts/bench-slack.sh run it):
//
//	peerbench sink ADDR KEYFILE
//	    a local Slack Web API, response_url, Bot Framework connector, token
//	    endpoint and OpenID metadata whose keys (RSA, endorsed for msteams)
//	    it writes to KEYFILE; it counts the calls it got
//	peerbench slack-commands SECRET RESPONSE_URL N FILE
//	peerbench slack-clicks SECRET RESPONSE_URL N FILE
//	    N distinct signed "/herald help" commands or button clicks
//	peerbench teams KEYFILE APP_ID SERVICE_URL N FILE
//	    N distinct "help" message activities with a signed bearer token
//	peerbench once FILE URL
//	    sends the first request of FILE to URL and prints the answer
//
// A request FILE has one request a line: "Header: value" fields and the
// body, separated by tabs; scripts/bench.lua sends them with wrk. herald
// runs a replayed signed request once, so every request differs.
package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/golang-jwt/jwt/v5"

	slackbot "github.com/herald-chat/herald/bot/slack"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		os.Exit(1)
	}
}

const usage = "usage: peerbench sink ADDR KEYFILE | slack-commands|slack-clicks SECRET RESPONSE_URL N FILE | teams KEYFILE APP_ID SERVICE_URL N FILE | once FILE URL"

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf(usage)
	}
	switch {
	case args[0] == "sink" && len(args) == 3:
		return sink(args[1], args[2])
	case (args[0] == "slack-commands" || args[0] == "slack-clicks") && len(args) == 5:
		n, err := strconv.Atoi(args[3])
		if err != nil {
			return err
		}
		return slackRequests(args[0] == "slack-clicks", args[1], args[2], n, args[4])
	case args[0] == "teams" && len(args) == 6:
		n, err := strconv.Atoi(args[4])
		if err != nil {
			return err
		}
		return teamsRequests(args[1], args[2], args[3], n, args[5])
	case args[0] == "once" && len(args) == 3:
		return once(args[1], args[2])
	}
	return fmt.Errorf(usage)
}

// sink serves every platform endpoint herald, Bolt and botbuilder call.
func sink(addr, keyFile string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	der := x509.MarshalPKCS1PrivateKey(key)
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	var slack, respond, connector atomic.Int64
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		fmt.Fprintf(os.Stderr, "sink: %d Slack Web API calls, %d response_url calls, %d Bot Framework connector calls\n", slack.Load(), respond.Load(), connector.Load())
		os.Exit(0)
	}()
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	jwks, _ := json.Marshal(map[string]any{"keys": []any{map[string]any{
		"kty": "RSA", "use": "sig", "kid": "bench", "alg": "RS256",
		"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes()), "endorsements": []string{"msteams"},
	}}})
	mux := http.NewServeMux()
	answer := func(w http.ResponseWriter, r *http.Request, body string) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		slack.Add(1)
		answer(w, r, `{"ok":true,"channel":"C1","ts":"1.1","team_id":"T0001","user_id":"UHERALD"}`)
	})
	mux.HandleFunc("/respond", func(w http.ResponseWriter, r *http.Request) {
		respond.Add(1)
		answer(w, r, `{"ok":true}`)
	})
	mux.HandleFunc("/openid", func(w http.ResponseWriter, r *http.Request) {
		answer(w, r, `{"issuer":"https://api.botframework.com","jwks_uri":"http://`+r.Host+`/keys","id_token_signing_alg_values_supported":["RS256"]}`)
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) { answer(w, r, string(jwks)) })
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		answer(w, r, `{"token_type":"Bearer","expires_in":3600,"access_token":"bench-connector-token"}`)
	})
	mux.HandleFunc("/v3/", func(w http.ResponseWriter, r *http.Request) {
		connector.Add(1)
		answer(w, r, `{"id":"1"}`)
	})
	return http.ListenAndServe(addr, mux)
}

// slackRequests writes n distinct signed slash commands or clicks.
func slackRequests(clicks bool, secret, responseURL string, n int, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	now := time.Now()
	for i := range n {
		var body string
		if clicks {
			// A click on a button the core no longer knows: it answers
			// through response_url, as for any click.
			payload, _ := json.Marshal(map[string]any{
				"type": "block_actions", "team": map[string]any{"id": "T0001"}, "trigger_id": fmt.Sprintf("%d.1.x", i),
				"user":         map[string]any{"id": "U0001", "username": "bench", "team_id": "T0001"},
				"channel":      map[string]any{"id": "D0001"},
				"container":    map[string]any{"type": "message", "channel_id": "D0001", "message_ts": "1700000000.000100"},
				"response_url": responseURL,
				"actions":      []any{map[string]any{"type": "button", "block_id": "b", "action_id": "bench.gone#0", "value": "x", "action_ts": fmt.Sprintf("%d.%06d", now.Unix(), i)}},
			})
			body = url.Values{"payload": {string(payload)}}.Encode()
		} else {
			body = url.Values{
				"token": {"x"}, "team_id": {"T0001"}, "team_domain": {"bench"}, "channel_id": {"C0001"},
				"channel_name": {"bench"}, "user_id": {"U0001"}, "user_name": {"bench"}, "command": {"/herald"},
				"text": {"help"}, "response_url": {responseURL}, "trigger_id": {fmt.Sprintf("%d.1.x", i)},
			}.Encode()
		}
		ts, sig := slackbot.Sign(secret, now, []byte(body))
		ct := "application/x-www-form-urlencoded"
		fmt.Fprintf(f, "Content-Type: %s\tX-Slack-Request-Timestamp: %s\tX-Slack-Signature: %s\t%s\n", ct, ts, sig, body)
	}
	return f.Close()
}

// teamsRequests writes n distinct "help" messages in a 1:1 chat, with a
// token signed by the sink's key.
func teamsRequests(keyFile, appID, serviceURL string, n int, file string) error {
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return fmt.Errorf("%s: no PEM key", keyFile)
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return err
	}
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": "https://api.botframework.com", "aud": appID, "serviceurl": serviceURL,
		"nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(),
	})
	tok.Header["kid"] = "bench"
	signed, err := tok.SignedString(key)
	if err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	for i := range n {
		act, _ := json.Marshal(map[string]any{
			"type": "message", "id": fmt.Sprintf("bench-%d-%d", now.UnixNano(), i), "timestamp": now.UTC().Format(time.RFC3339),
			"serviceUrl": serviceURL, "channelId": "msteams", "text": "help", "locale": "en-US",
			"from":         map[string]any{"id": "29:bench-user", "name": "Bench User", "aadObjectId": "00000000-0000-0000-0000-0000000000aa"},
			"recipient":    map[string]any{"id": "28:" + appID, "name": "herald"},
			"conversation": map[string]any{"id": "a:bench-chat", "conversationType": "personal", "tenantId": "11111111-2222-3333-4444-555555555555"},
			"channelData":  map[string]any{"tenant": map[string]any{"id": "11111111-2222-3333-4444-555555555555"}},
		})
		fmt.Fprintf(f, "Content-Type: application/json\tAuthorization: Bearer %s\t%s\n", signed, act)
	}
	return f.Close()
}

// once sends the first request of file to u and prints the answer.
func once(file, u string) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	fields := strings.Split(line, "\t")
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(fields[len(fields)-1]))
	if err != nil {
		return err
	}
	for _, h := range fields[:len(fields)-1] {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", u, resp.Status)
	}
	_, err = io.Copy(os.Stdout, resp.Body)
	return err
}
