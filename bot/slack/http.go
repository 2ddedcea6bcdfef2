package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/herald-chat/herald/bot/internal/inbound"
)

// Commands handles POST /slack/commands: slash commands.
func (a *Adapter) Commands() http.Handler {
	return a.verified(func(w http.ResponseWriter, body []byte) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		writeAck(w, a.command(slack.SlashCommand{
			TeamID:      form.Get("team_id"),
			ChannelID:   form.Get("channel_id"),
			ChannelName: form.Get("channel_name"),
			UserID:      form.Get("user_id"),
			UserName:    form.Get("user_name"),
			Command:     form.Get("command"),
			Text:        form.Get("text"),
			ResponseURL: form.Get("response_url"),
			TriggerID:   form.Get("trigger_id"),
		}))
	})
}

// Interactions handles POST /slack/interactions: buttons and modals.
func (a *Adapter) Interactions() http.Handler {
	return a.verified(func(w http.ResponseWriter, body []byte) {
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

// Events handles POST /slack/events: the Events API, url_verification included.
func (a *Adapter) Events() http.Handler {
	return a.verified(func(w http.ResponseWriter, body []byte) {
		var probe struct {
			Type      string `json:"type"`
			Challenge string `json:"challenge"`
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

// verified reads the body (413 beyond inbound.MaxBody), checks Slack's signature (401
// when it is missing, wrong or stale) and only then calls next.
func (a *Adapter) verified(next func(w http.ResponseWriter, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := inbound.ReadBody(w, r)
		if !ok {
			return
		}
		if err := a.verify.Verify(r.Header, body); err != nil {
			a.log.Warn("slack: request refused", "path", r.URL.Path, "err", err, "remote", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		next(w, body)
	})
}

// writeAck answers 200 with ack as JSON, or an empty body for nil.
func writeAck(w http.ResponseWriter, ack any) {
	if ack == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ack)
}
