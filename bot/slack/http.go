package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Commands handles POST /slack/commands: slash commands. Slack's
// certificate check (ssl_check=1, signed or not) is answered 200 and runs
// nothing. Slack does not send a slash command again, so one refused for
// the memory of bodies being read gets the busy acknowledgement, as when
// the queue is full, not Slack's dispatch_failed.
func (a *Adapter) Commands() http.Handler {
	busy := func(w http.ResponseWriter) { writeAck(w, a.busy("")) } // a command has no locale
	return a.verified(true, busy, func(w http.ResponseWriter, r *http.Request, body []byte) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		if form.Get("ssl_check") == "1" {
			w.WriteHeader(http.StatusOK)
			return
		}
		ack, inline := a.command(slack.SlashCommand{
			TeamID:      form.Get("team_id"),
			ChannelID:   form.Get("channel_id"),
			ChannelName: form.Get("channel_name"),
			UserID:      form.Get("user_id"),
			UserName:    form.Get("user_name"),
			Command:     form.Get("command"),
			Text:        form.Get("text"),
			ResponseURL: form.Get("response_url"),
			TriggerID:   form.Get("trigger_id"),
		})
		writeAck(w, ackWithin(r.Context(), ack, inline, a.inlineWait))
	})
}

// Interactions handles POST /slack/interactions: buttons and modals. One
// refused for the memory of bodies being read gets 503, which Slack shows
// the user as an error without sending it again: with the body unread there
// is no response_url to say "busy" through, and a 200 would pass the
// refusal off as done (a submitted modal would close with its input lost).
func (a *Adapter) Interactions() http.Handler {
	return a.verified(false, nil, func(w http.ResponseWriter, _ *http.Request, body []byte) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		writeAck(w, a.interaction(cb))
	})
}

// Events handles POST /slack/events: the Events API, url_verification
// included. A 503 (busy) makes Slack send the event again.
func (a *Adapter) Events() http.Handler {
	return a.verified(false, nil, func(w http.ResponseWriter, _ *http.Request, body []byte) {
		var probe struct {
			Type      string `json:"type"`
			Challenge string `json:"challenge"`
			TeamID    string `json:"team_id"`
			Minute    int64  `json:"minute_rate_limited"`
		}
		if err := json.Unmarshal(body, &probe); err != nil {
			http.Error(w, "bad event", http.StatusBadRequest)
			return
		}
		if probe.Type == slackevents.URLVerification {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, probe.Challenge)
			return
		}
		if probe.Type == string(slackevents.AppRateLimited) {
			// Slack dropped events for a minute: more than 30,000 in an hour.
			a.edge.Log.Warn("slack: events rate limited; Slack dropped events for a minute", "team", probe.TeamID, "minute", probe.Minute)
			w.WriteHeader(http.StatusOK)
			return
		}
		switch err := a.event(body); {
		case errors.Is(err, errBusy):
			http.Error(w, "busy", http.StatusServiceUnavailable) // Slack retries it
		case err != nil:
			http.Error(w, "bad event", http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusOK)
		}
	})
}

// verified refuses a request whose signature headers are missing or stale
// (401) before reading its body, reads the body (413 beyond
// inbound.MaxBody; while the memory for bodies being read is taken, busy,
// or 503 when busy is nil), checks the signature (401) and calls next once
// per signature: a replayed request is answered 200 and runs nothing. On
// the commands route (sslCheck) an unsigned ssl_check is answered 200.
func (a *Adapter) verified(sslCheck bool, busy func(http.ResponseWriter), next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := a.verify.Headers(r.Header)
		if err != nil && sslCheck && errors.Is(err, ErrNoSignature) && isSSLCheck(r) {
			w.WriteHeader(http.StatusOK)
			return
		}
		if err != nil {
			a.edge.Refusal("slack: request refused", "path", r.URL.Path, "err", err, "remote", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		body, ok := a.edge.ReadBodyBusy(w, r, busy)
		if !ok {
			return
		}
		if err := a.verify.Verify(r.Header, body); err != nil {
			a.edge.Refusal("slack: request refused", "path", r.URL.Path, "err", err, "remote", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		if !a.edge.FirstSeen(r.Context(), "sig:"+r.Header.Get("X-Slack-Signature"), replayTTL) {
			w.WriteHeader(http.StatusOK) // a replay: done the first time
			return
		}
		next(w, r, body)
	})
}

// maxSSLCheck is the largest unsigned body read to find Slack's ssl_check.
const maxSSLCheck = 512

// isSSLCheck reports whether an unsigned request is Slack's certificate
// check: a small form with ssl_check=1. A larger body is not read.
func isSSLCheck(r *http.Request) bool {
	if r.ContentLength <= 0 || r.ContentLength > maxSSLCheck {
		return false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSSLCheck))
	if err != nil {
		return false
	}
	form, err := url.ParseQuery(string(body))
	return err == nil && form.Get("ssl_check") == "1"
}

// writeAck answers 200 with ack as JSON, or an empty body for nil.
func writeAck(w http.ResponseWriter, ack any) {
	if ack == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if raw, ok := ack.(json.RawMessage); ok {
		_, _ = w.Write(raw) // a reply, encoded by its job
		return
	}
	_ = json.NewEncoder(w).Encode(ack)
}
