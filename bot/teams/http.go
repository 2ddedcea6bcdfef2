package teams

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/internal/inbound"
)

// Messages handles POST /api/messages. It reads the activity (413 beyond
// inbound.MaxBody), validates its bearer token (401, or 403 for a token of
// another service URL; 503 while the keys can't be read), queues the work
// and answers 200 at once; nothing is processed before the token is valid.
func (a *Adapter) Messages() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := inbound.ReadBody(w, r)
		if !ok {
			return
		}
		// The token is checked before the activity is trusted; the
		// service URL is read only to compare it with the token's.
		var probe struct {
			ServiceURL string `json:"serviceUrl"`
		}
		_ = json.Unmarshal(body, &probe)
		if err := a.verify.Verify(r.Context(), r.Header.Get("Authorization"), probe.ServiceURL); err != nil {
			a.log.Warn("teams: activity refused", "err", err, "remote", r.RemoteAddr)
			switch {
			case errors.Is(err, ErrForbidden):
				http.Error(w, "forbidden", http.StatusForbidden)
			case errors.Is(err, ErrKeys):
				w.Header().Set("Retry-After", "5")
				http.Error(w, "token keys unavailable", http.StatusServiceUnavailable)
			default:
				http.Error(w, "unauthorized", http.StatusUnauthorized)
			}
			return
		}
		var act Activity
		if err := json.Unmarshal(body, &act); err != nil || act.ServiceURL == "" || act.Conversation.ID == "" {
			http.Error(w, "bad activity", http.StatusBadRequest)
			return
		}
		if j := a.work(&act); j != nil && !a.pool.Submit(j) {
			a.log.Warn("teams: busy, activity refused", "type", act.Type, "user", act.From.ID)
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// work returns the background work of an activity, or nil when there is none.
func (a *Adapter) work(act *Activity) inbound.Job {
	switch act.Type {
	case "message":
		req, ok := act.Request()
		if !ok {
			return nil
		}
		return func(ctx context.Context) { a.answer(ctx, act, req) }
	case "conversationUpdate":
		if !act.BotAdded() {
			return nil
		}
		return func(ctx context.Context) {
			if a.remember(ctx, act) {
				a.log.Info("teams: added to a conversation", "tenant", act.Tenant(), "conversation", act.ConversationID(), "type", act.Conversation.ConversationType)
			}
		}
	}
	return nil
}

// remember stores the activity's conversation reference, for proactive sends.
func (a *Adapter) remember(ctx context.Context, act *Activity) bool {
	if err := a.client.convs.SaveConversation(ctx, act.base().Space(), act.ConversationID(), act.ServiceURL); err != nil {
		a.log.Warn("teams: conversation reference not stored", "conversation", act.ConversationID(), "err", err)
		return false
	}
	return true
}

// answer runs req through the core and replies. In a 1:1 chat the reply
// goes to the chat, and a reply with Replace updates the card whose button
// was pressed. Teams can't show a message to one person in a channel or
// group chat, so there a reply meant for the requester alone (Ephemeral, or
// replacing a shared card) goes to their 1:1 chat with herald; others go to
// the thread.
func (a *Adapter) answer(ctx context.Context, act *Activity, req bot.Request) {
	a.remember(ctx, act)
	// Ids only, never the text: an admin finds their user id here (debug).
	a.log.Debug("teams: request", "tenant", act.Tenant(), "user", act.From.ID, "aad_object", act.From.AADObjectID, "conversation", act.ConversationID())
	m := a.h.Handle(ctx, req)
	if m == nil {
		return
	}
	conv := act.Conversation.ID // with ;messageid=…, so a channel reply stays in its thread
	switch {
	case act.Conversation.ConversationType != "personal" && (m.Ephemeral || m.Replace):
		m.To, m.Replace = req.User, false
		_ = a.client.Send(ctx, *m) // a failure is logged by the client
	case m.Replace && act.ReplyToID != "":
		_ = a.client.Update(ctx, act.ServiceURL, conv, act.ReplyToID, *m)
	default:
		_ = a.client.Reply(ctx, act.ServiceURL, conv, act.ID, *m)
	}
}
