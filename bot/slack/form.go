package slack

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
)

// formCallback is the callback_id of the modal that shows a core's bot.Form.
const formCallback = "herald.form"

// formInput is the block and action id of a form modal's one input.
const formInput = "input"

// Slack's limits of a modal.
const (
	maxModalTitle  = 24
	maxModalButton = 24
	maxInputLabel  = 2000
	maxInputLength = 3000
)

// formMeta is what a form modal carries from the click to its submission:
// the form's action, and where the clicked message is, so that the core's
// reply can replace it.
type formMeta struct {
	Action      string `json:"a"`
	Value       string `json:"v"`
	ResponseURL string `json:"r,omitempty"`
	Channel     string `json:"c,omitempty"`
	Lang        string `json:"l,omitempty"`
}

// click runs a button press through the core. A reply that asks for text (a
// bot.Form) opens a modal with the click's trigger_id; any other reply goes
// back through response_url.
func (a *Adapter) click(ctx context.Context, req bot.Request, responseURL, triggerID string) {
	m := a.h.Handle(ctx, req)
	if m != nil && m.Form != nil && triggerID != "" {
		meta := formMeta{Action: m.Form.Action, Value: m.Form.Value, ResponseURL: responseURL, Channel: req.Channel.ID, Lang: req.Lang}
		if a.client.OpenModal(ctx, triggerID, a.formModal(*m.Form, meta)) == nil {
			return
		}
		// The trigger expired or Slack refused: the reply's text says how to
		// answer by command instead.
	}
	if m == nil {
		return
	}
	a.reply(ctx, req, responseURL, *m)
}

// formModal renders f as a modal with one text input.
func (a *Adapter) formModal(f bot.Form, meta formMeta) slack.ModalViewRequest {
	data, _ := json.Marshal(meta)
	in := slack.NewPlainTextInputBlockElement(nil, formInput)
	in.Multiline = f.Multiline
	in.MaxLength = maxInputLength
	if f.MaxLength > 0 {
		in.MaxLength = min(f.MaxLength, maxInputLength)
	}
	var hint *slack.TextBlockObject
	if f.Hint != "" {
		hint = plain(cut(f.Hint, maxInputLabel))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      formCallback,
		Title:           plain(cut(f.Title, maxModalTitle)),
		Submit:          plain(cut(f.Submit, maxModalButton)),
		Close:           plain(cut(a.t(meta.Lang, "slack.modal.cancel"), maxModalButton)),
		PrivateMetadata: string(data),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(formInput, plain(cut(f.Label, maxInputLabel)), hint, in),
		}},
	}
}

// submitForm takes a submitted form modal: the modal closes at once, and the
// text goes to the core as the form's action in the background; the core's
// reply replaces the message whose button opened the form.
func (a *Adapter) submitForm(cb slack.InteractionCallback, user bot.Ref, lang string) any {
	var meta formMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || meta.Action == "" {
		a.edge.Log.Warn("slack: form without its metadata", "user", user.Key(), "err", err)
		return nil
	}
	if lang == "" {
		lang = meta.Lang
	}
	var text string
	if cb.View.State != nil {
		text = cb.View.State.Values[formInput][formInput].Value
	}
	if strings.TrimSpace(text) == "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{formInput: a.t(lang, "answer.err.value.text")})
	}
	req := bot.Request{
		User:    user,
		Channel: user.Same(bot.ChannelRef, meta.Channel, ""),
		Action:  &bot.Action{Name: meta.Action, Value: meta.Value, Input: text},
		Lang:    lang,
	}
	if !a.edge.Pool.Submit(func(ctx context.Context) {
		if m := a.h.Handle(ctx, req); m != nil {
			a.reply(ctx, req, meta.ResponseURL, *m)
		}
	}) {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{formInput: a.t(lang, "slack.busy")})
	}
	return nil
}
