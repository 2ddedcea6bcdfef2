package slack

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
)

// shoutoutCallback is the callback_id of the shout-out modal.
const shoutoutCallback = "herald.shoutout"

// Block and action ids of the shout-out modal's inputs.
const (
	modalPeople = "people"
	modalText   = "text"
	modalValues = "values"
	// maxModalText matches the core's limit of a shout-out's text.
	maxModalText = 3000
)

// modalMeta is what the modal carries from the command to its submission.
type modalMeta struct {
	Channel string `json:"c"`
	Lang    string `json:"l,omitempty"`
}

// shoutoutModal is the form "/herald shoutout" opens: people, text, values.
func (a *Adapter) shoutoutModal(req bot.Request) slack.ModalViewRequest {
	t := func(key string) string { return a.t(req.Lang, key) }
	meta, _ := json.Marshal(modalMeta{Channel: req.Channel.ID, Lang: req.Lang})
	people := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, modalPeople)
	text := slack.NewPlainTextInputBlockElement(nil, modalText)
	text.Multiline = true
	text.MaxLength = maxModalText
	values := slack.NewPlainTextInputBlockElement(nil, modalValues)
	valuesBlock := slack.NewInputBlock(modalValues, plain(t("slack.modal.values")), plain(t("slack.modal.values.hint")), values)
	valuesBlock.Optional = true
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      shoutoutCallback,
		Title:           plain(t("slack.modal.title")),
		Submit:          plain(t("slack.modal.submit")),
		Close:           plain(t("slack.modal.cancel")),
		PrivateMetadata: string(meta),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(modalPeople, plain(t("slack.modal.people")), nil, people),
			slack.NewInputBlock(modalText, plain(t("slack.modal.text")), plain(t("slack.modal.text.hint")), text),
			valuesBlock,
		}},
	}
}

// openShoutoutModal opens the shout-out form; when Slack refuses, the user is
// told through the command's reply instead.
func (a *Adapter) openShoutoutModal(ctx context.Context, triggerID string, req bot.Request) {
	if err := a.client.OpenModal(ctx, triggerID, a.shoutoutModal(req)); err != nil {
		a.tell(ctx, req, bot.Message{Text: bot.Plain(a.t(req.Lang, "err.platform"))})
	}
}

// submitShoutout checks a submitted shout-out form. Missing fields are shown
// in the form (response_action errors); a complete form closes at once and
// runs in the background as the typed command would.
func (a *Adapter) submitShoutout(cb slack.InteractionCallback, user bot.Ref, lang string) any {
	var meta modalMeta
	_ = json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta)
	if lang == "" {
		lang = meta.Lang
	}
	var people []string
	var text, values string
	if cb.View.State != nil {
		people = cb.View.State.Values[modalPeople][modalPeople].SelectedUsers
		text = strings.TrimSpace(cb.View.State.Values[modalText][modalText].Value)
		values = cb.View.State.Values[modalValues][modalValues].Value
	}
	errs := map[string]string{}
	switch {
	case len(people) == 0:
		errs[modalPeople] = a.t(lang, "shoutout.err.norecipient")
	case !slices.ContainsFunc(people, func(id string) bool { return id != user.ID }):
		errs[modalPeople] = a.t(lang, "shoutout.err.self")
	}
	switch {
	case text == "":
		errs[modalText] = a.t(lang, "shoutout.err.notext")
	case openQuote(text):
		// The text becomes command words, where quotes group words; an open
		// one would fail after the form closed, so say it here.
		errs[modalText] = a.t(lang, "err.quote")
	}
	if len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs)
	}
	req := shoutoutRequest(user, meta.Channel, people, text, values)
	req.Lang = lang
	if !a.edge.Pool.Submit(func(ctx context.Context) { a.answer(ctx, req, "") }) {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{modalText: a.t(lang, "slack.busy")})
	}
	return nil
}

// shoutoutRequest builds the request a typed "shoutout <@U…> text #value" makes.
func shoutoutRequest(user bot.Ref, channel string, people []string, text, values string) bot.Request {
	req := bot.Request{User: user, Channel: user.Same(bot.ChannelRef, channel, ""), Refs: map[string]bot.Ref{}}
	words := []string{"shoutout"}
	for _, id := range people {
		w := "<@" + id + ">"
		req.Refs[w] = user.Same(bot.UserRef, id, "")
		words = append(words, w)
	}
	// The text is one quoted-free run of words; quotes in it are kept as typed.
	words = append(words, strings.Join(strings.Fields(text), " "))
	for _, v := range strings.Fields(values) {
		if v = strings.TrimLeft(v, "#"); v != "" {
			words = append(words, "#"+v)
		}
	}
	req.Text = strings.Join(words, " ")
	return req
}

// openQuote reports whether text leaves a quote open, counting the quotes the
// command words group by (", “, ” and „).
func openQuote(text string) bool {
	n := 0
	for _, r := range text {
		switch r {
		case '"', '“', '”', '„':
			n++
		}
	}
	return n%2 == 1
}
