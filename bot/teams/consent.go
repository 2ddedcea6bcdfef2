package teams

// File consent: how herald hands someone a file in Teams without a public
// address. A bot may send files only in a personal (1:1) chat, and only with
// the person's consent:
//
//  1. herald keeps the file in the store (Files) for ConsentTTL, under a key
//     bound to the tenant, the person and their 1:1 chat, and posts a file
//     consent card there whose accept and decline contexts hold a random id,
//     never the content;
//  2. the person chooses Allow or Decline, and Teams sends the invoke
//     fileConsent/invoke, with an upload URL in their OneDrive on Allow;
//  3. herald finds the file by that id and by the invoke's own tenant,
//     person and chat (an invoke from anyone or anywhere else finds
//     nothing), PUTs it to the upload URL, posts a file info card and
//     removes the consent card.
//
// Once answered, the stored file keeps only its name and the answer, never
// its content: a later click on the same card (from another device, or
// before the card is gone) is told what happened, and nothing is sent
// twice. A failed upload keeps the file, so Allow can be chosen again.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/herald-chat/herald/bot"
)

const (
	consentType  = "application/vnd.microsoft.teams.card.file.consent"
	fileInfoType = "application/vnd.microsoft.teams.card.file.info"
	// ConsentTTL is how long a file offered by consent card waits for its answer.
	ConsentTTL = 24 * time.Hour
	// The Type a stored file gets once answered; its content is dropped.
	answeredSent     = "herald/sent"
	answeredDeclined = "herald/declined"
	// maxDescription is the longest consent card description herald sends.
	maxDescription = 500
	// claimTTL bounds how long one answer to a consent card holds the file:
	// longer than an upload and its file card take, short enough that a
	// replica killed in between holds up another Allow only briefly.
	claimTTL = 2 * time.Minute
)

// consentCard is the content of a file consent card.
type consentCard struct {
	Description    string         `json:"description"`
	SizeInBytes    int            `json:"sizeInBytes"`
	AcceptContext  consentContext `json:"acceptContext"`
	DeclineContext consentContext `json:"declineContext"`
}

// consentContext is what an answer to a consent card brings back: the id of
// the offered file.
type consentContext struct {
	File string `json:"file"`
}

// consentAnswer is the value of a fileConsent/invoke activity.
type consentAnswer struct {
	Type       string         `json:"type"`   // fileUpload
	Action     string         `json:"action"` // accept or decline
	Context    consentContext `json:"context"`
	UploadInfo uploadInfo     `json:"uploadInfo"`
}

// uploadInfo is where, in the person's OneDrive, an accepted file goes.
type uploadInfo struct {
	Name       string `json:"name"`
	UploadURL  string `json:"uploadUrl"`
	ContentURL string `json:"contentUrl"`
	UniqueID   string `json:"uniqueId"`
	FileType   string `json:"fileType"`
}

// fileInfo is the content of a file info card.
type fileInfo struct {
	UniqueID string `json:"uniqueId"`
	FileType string `json:"fileType"`
}

// consentKey is the store id of a file offered under id to user of tenant in
// their 1:1 chat conv: a hash of all four, so that only that person's answer
// in that chat finds the file.
func consentKey(tenant, user, conv, id string) string {
	h := sha256.Sum256([]byte(strings.Join([]string{"consent", tenant, user, conv, id}, "\x00")))
	return "consent-" + hex.EncodeToString(h[:])
}

// postPersonal posts m in user's 1:1 chat conv, as a reply to replyTo when
// set. A file in m goes by consent card when herald keeps files (Files) and
// has no download links (Links work everywhere, so they win).
func (c *Client) postPersonal(ctx context.Context, svc, conv, replyTo string, user bot.Ref, m bot.Message) error {
	if c.files == nil || c.links != nil || m.File == nil || len(m.File.Content) == 0 {
		_, err := c.post(ctx, svc, conv, replyTo, m)
		return err
	}
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("file consent: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(raw)
	f := *m.File
	if err := c.files.SaveFile(ctx, consentKey(user.Workspace, user.ID, conv, id), f, ConsentTTL); err != nil {
		c.log.Warn("teams: file not kept for a consent card; it goes in the card", "file", f.Name, "err", err)
		_, err := c.post(ctx, svc, conv, replyTo, m)
		return err
	}
	m.File = nil
	desc := m.Text.String()
	if !textOnly(m) {
		// The rest of m goes first, as a card; the consent card follows.
		if _, err := c.post(ctx, svc, conv, replyTo, m); err != nil {
			return err
		}
		desc = Summary(m)
	}
	card := consentCard{
		Description:    cut(desc, maxDescription),
		SizeInBytes:    len(f.Content),
		AcceptContext:  consentContext{File: id},
		DeclineContext: consentContext{File: id},
	}
	_, err := c.postActivity(ctx, svc, conv, replyTo, &activityOut{
		Type:        "message",
		Summary:     Summary(m),
		Attachments: []attachment{{ContentType: consentType, Name: f.Name, Content: card}},
	})
	return err
}

// textOnly reports whether m says nothing but its Text.
func textOnly(m bot.Message) bool {
	return m.Header == "" && len(m.Fields) == 0 && m.Context == "" && len(m.Buttons) == 0 &&
		m.Rating == nil && m.Image == nil && m.File == nil && m.Form == nil
}

// fileConsent carries out a person's answer to a file consent card (the
// invoke fileConsent/invoke) and tells them, in their chat, what happened.
func (a *Adapter) fileConsent(ctx context.Context, act *Activity) {
	var v consentAnswer
	if err := json.Unmarshal(act.Value, &v); err != nil || v.Context.File == "" {
		a.edge.Log.Info("teams: a file consent answer herald can't read", "user", act.From.ID, "err", err)
		return
	}
	a.remember(ctx, act)
	b := act.base()
	req := bot.Request{User: b.Same(bot.UserRef, act.From.ID, act.From.Name), Channel: b.Same(bot.ChannelRef, act.ConversationID(), "")}
	if lang, ok := bot.ParseLang(act.Locale); ok {
		req.Lang = lang
	}
	lang := a.h.Lang(ctx, req)
	say := func(key string, args ...any) {
		m := bot.Message{Text: bot.Plain(a.h.Catalog().T(lang, key, args...))}
		_ = a.client.Reply(ctx, act.ServiceURL, act.Conversation.ID, "", m) // logged by the client
	}
	conv := act.ConversationID()
	key := consentKey(act.Tenant(), act.From.ID, conv, v.Context.File)
	f, err := a.client.files.LoadFile(ctx, key)
	switch {
	case bot.ErrorCode(err) == bot.ENOTFOUND:
		say("teams.file.gone")
		return
	case err != nil:
		a.edge.Log.Warn("teams: offered file not loaded", "user", act.From.ID, "err", err)
		say("err.unavailable")
		return
	case f.Type == answeredSent:
		say("teams.file.already", f.Name)
		return
	case f.Type == answeredDeclined:
		say("teams.file.declined", f.Name)
		return
	}
	if v.Action != "accept" && v.Action != "decline" {
		a.edge.Log.Info("teams: a file consent answer herald can't read", "user", act.From.ID, "action", v.Action)
		return
	}
	// Two answers at once (Allow on two devices, or Allow and Decline)
	// must not both act: the first to claim the file does.
	switch claimed, err := a.client.files.ClaimFile(ctx, key, claimTTL); {
	case err != nil:
		a.edge.Log.Warn("teams: offered file not claimed", "user", act.From.ID, "err", err)
		say("err.unavailable")
		return
	case !claimed:
		say("teams.file.busy", f.Name)
		return
	}
	if v.Action == "decline" {
		if err := a.client.files.SaveFile(ctx, key, bot.File{Name: f.Name, Type: answeredDeclined}, ConsentTTL); err != nil {
			a.edge.Log.Warn("teams: declined file not dropped; it expires on its own", "file", f.Name, "err", err)
		}
		say("teams.file.declined", f.Name)
		return
	}
	if !a.sendFile(ctx, act, key, f, v.UploadInfo, say) {
		// Not sent: the file stays, free for another Allow.
		if err := a.client.files.ReleaseFile(ctx, key); err != nil {
			a.edge.Log.Warn("teams: claim on an unsent file not released; Allow works again once it expires", "file", f.Name, "in", claimTTL, "err", err)
		}
	}
}

// sendFile uploads f, stored under key, to where up says, posts its file
// info card and removes the consent card the person answered. It reports
// whether the file reached the chat; when not, it has told the person.
func (a *Adapter) sendFile(ctx context.Context, act *Activity, key string, f bot.File, up uploadInfo, say func(string, ...any)) bool {
	if err := a.client.upload(ctx, up.UploadURL, f.Content); err != nil {
		a.edge.Log.Warn("teams: file upload failed; the file is kept for another try", "file", f.Name, "bytes", len(f.Content), "user", act.From.ID, "err", err)
		say("teams.file.failed", f.Name)
		return false
	}
	info := &activityOut{Type: "message", Attachments: []attachment{{
		ContentType: fileInfoType, ContentURL: up.ContentURL, Name: up.Name,
		Content: fileInfo{UniqueID: up.UniqueID, FileType: up.FileType},
	}}}
	if _, err := a.client.postActivity(ctx, act.ServiceURL, act.Conversation.ID, "", info); err != nil {
		// Logged by the client. The file is in OneDrive but not shown
		// here; it stays kept, so Allow again shows it.
		say("teams.file.failed", f.Name)
		return false
	}
	if err := a.client.files.SaveFile(ctx, key, bot.File{Name: up.Name, Type: answeredSent}, ConsentTTL); err != nil {
		a.edge.Log.Warn("teams: sent file not marked sent; another Allow would send it again", "file", f.Name, "err", err)
	}
	if act.ReplyToID != "" {
		// The answered card goes, so that it can't be answered again;
		// logged by the client when Teams refuses.
		_ = a.client.call(ctx, http.MethodDelete, endpoint(act.ServiceURL, "v3/conversations", act.Conversation.ID, "activities", act.ReplyToID), nil, nil)
	}
	return true
}

// upload PUTs content, in one piece, to a OneDrive upload session at u.
// No token goes with it: the URL itself grants the upload.
func (c *Client) upload(ctx context.Context, u string, content []byte) error {
	n := len(content)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(content))
	if err != nil {
		return fmt.Errorf("upload to %s: the upload URL is not valid", redactQuery(u)) // err holds the URL, and its query grants the upload
	}
	req.Header.Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", n-1, n))
	resp, err := c.httpc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = redactQuery(ue.URL) // the query grants the upload: keep it out of logs
		}
		return fmt.Errorf("upload: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode/100 != 2 {
		return &httpError{op: "PUT " + redactQuery(u), status: resp.StatusCode, body: snippet(body)}
	}
	return nil
}
