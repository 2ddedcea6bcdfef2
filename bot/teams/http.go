package teams

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/internal/inbound"
)

// Messages handles POST /api/messages. It checks the bearer token before
// reading the activity (401; 503 while the keys can't be read), reads it
// (413 beyond inbound.MaxBody; 503 while the memory for activities being
// read is taken), checks that it comes from Teams through a
// key endorsed for Teams and for the token's service URL (403), queues the
// work and answers 200 at once; nothing is processed before all of that.
func (a *Adapter) Messages() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := a.verify.Token(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		body, ok := a.edge.ReadBody(w, r)
		if !ok {
			return
		}
		var act Activity
		if err := json.Unmarshal(body, &act); err != nil {
			http.Error(w, "bad activity", http.StatusBadRequest)
			return
		}
		if err := a.verify.Check(tok, act.ServiceURL, act.ChannelID); err != nil {
			a.refuse(w, r, err)
			return
		}
		if act.ServiceURL == "" || act.Conversation.ID == "" {
			http.Error(w, "bad activity", http.StatusBadRequest)
			return
		}
		a.client.Learn(act.ChannelNames())
		if j := a.work(&act); j != nil && !a.edge.Pool.Submit(a.once(&act, j)) {
			a.edge.Refusal("teams: busy, activity refused", "type", act.Type, "user", act.From.ID)
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// refuse answers a request whose token or channel failed: 403, 503 while
// the keys can't be read, else 401.
func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request, err error) {
	a.edge.Refusal("teams: activity refused", "err", err, "remote", r.RemoteAddr)
	switch {
	case errors.Is(err, ErrForbidden):
		http.Error(w, "forbidden", http.StatusForbidden)
	case errors.Is(err, ErrKeys):
		w.Header().Set("Retry-After", "5")
		http.Error(w, "token keys unavailable", http.StatusServiceUnavailable)
	default:
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}
}

// once runs j unless the activity was already taken: a replayed activity
// (same conversation and id) runs once.
func (a *Adapter) once(act *Activity, j inbound.Job) inbound.Job {
	if act.ID == "" {
		return j
	}
	key := act.Conversation.ID + "|" + act.ID
	return func(ctx context.Context) {
		if a.edge.FirstSeen(ctx, key, replayTTL) {
			j(ctx)
		}
	}
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
	case "invoke":
		// Teams takes the 200 Messages answers as the invoke's response
		// ({status: 200}, no body); the work follows in the background.
		if act.Name != "fileConsent/invoke" || a.client.files == nil {
			return nil
		}
		return func(ctx context.Context) { a.fileConsent(ctx, act) }
	case "conversationUpdate":
		if !act.BotAdded() {
			return nil
		}
		return func(ctx context.Context) {
			if a.remember(ctx, act) {
				a.edge.Log.Info("teams: added to a conversation", "tenant", act.Tenant(), "conversation", act.ConversationID(), "type", act.Conversation.ConversationType)
			}
		}
	}
	return nil
}

// remember stores the activity's conversation reference, for proactive sends.
func (a *Adapter) remember(ctx context.Context, act *Activity) bool {
	if err := a.client.convs.SaveConversation(ctx, act.base().Space(), act.ConversationID(), act.ServiceURL); err != nil {
		a.edge.Log.Warn("teams: conversation reference not stored", "conversation", act.ConversationID(), "err", err)
		return false
	}
	return true
}

// answer runs req through the core and replies. In a 1:1 chat the reply
// goes to the chat (a file in it by consent card), and a reply with Replace
// updates the card whose button was pressed. Teams can't show a message to
// one person in a channel or group chat, so there a reply meant for the
// requester alone (Ephemeral, or replacing a shared card) goes to their 1:1
// chat with herald; others go to the thread. A file sent to that chat is
// announced in the thread, and so is a failure to reach it: a file meant
// for one person never goes to the thread instead.
func (a *Adapter) answer(ctx context.Context, act *Activity, req bot.Request) {
	a.remember(ctx, act)
	// Ids only, never the text: an admin finds their user id here (debug).
	a.edge.Log.Debug("teams: request", "tenant", act.Tenant(), "user", act.From.ID, "aad_object", act.From.AADObjectID, "conversation", act.ConversationID())
	m := a.h.Handle(ctx, req)
	if m == nil {
		return
	}
	conv := act.Conversation.ID // with ;messageid=…, so a channel reply stays in its thread
	personal := act.Conversation.ConversationType == "personal"
	var err error
	switch {
	case !personal && (m.Ephemeral || m.Replace):
		msg := *m
		msg.To, msg.Replace = req.User, false
		err = a.client.Send(ctx, msg)
		if m.File != nil {
			a.announceFile(ctx, act, req, m.File.Name, err)
			return
		}
	case m.Replace && act.ReplyToID != "":
		err = a.client.Update(ctx, act.ServiceURL, conv, act.ReplyToID, *m)
	case personal:
		err = a.client.ReplyPersonal(ctx, act.ServiceURL, act.ConversationID(), act.ID, req.User, *m)
	default:
		err = a.client.Reply(ctx, act.ServiceURL, conv, act.ID, *m)
	}
	if err != nil {
		// Logged by the client; the requester learns it in a few words
		// that Teams surely takes, where they asked.
		note := bot.Message{Text: bot.Plain(a.client.t("teams.err.refused", bot.ErrorCode(err)))}
		_ = a.client.Reply(ctx, act.ServiceURL, conv, act.ID, note)
	}
}

// announceFile tells the thread of act, in the requester's language, that
// the answer with the file called name went to their 1:1 chat with herald
// (as a file, or as text or a note when herald could not keep the file), or,
// when sending it there failed (sendErr, logged by the client), that it did
// not.
func (a *Adapter) announceFile(ctx context.Context, act *Activity, req bot.Request, name string, sendErr error) {
	key := "teams.file.inchat"
	if sendErr != nil {
		key = "teams.file.nochat"
	}
	text := a.h.Catalog().T(a.h.Lang(ctx, req), key, name)
	_ = a.client.Reply(ctx, act.ServiceURL, act.Conversation.ID, act.ID, bot.Message{Text: bot.Plain(text)})
}
