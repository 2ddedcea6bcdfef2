package slack

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
)

// pulseCallback is the callback_id of the "pulse new" modal.
const pulseCallback = "herald.pulse"

// Block ids (and action ids) of the "pulse new" modal. Those that are a
// setting of the typed command carry its name, so that the core's
// bot.Error.Field finds its block.
const (
	pulseQuestion  = "question"
	pulseType      = "type"
	pulseOptions   = "options"
	pulseChannels  = "channels" // with pulsePeople: to=
	pulsePeople    = "people"
	pulseEvery     = "every"
	pulseCloses    = "closes"
	pulseAnonymous = "anonymous"
)

// pulseTypes are the question types the modal offers, as the command spells them.
var pulseTypes = []string{"nps", "scale5", "yesno", "choice", "text"}

// Slack's limits of a modal's inputs.
const (
	maxQuestionInput = 300
	maxOptionsInput  = 1000
	maxShortInput    = 100
)

// pulseHints are the blocks with small print under them (catalog key
// "slack.pulse.<id>.hint").
var pulseHints = map[string]bool{pulseOptions: true, pulseChannels: true, pulseEvery: true, pulseCloses: true}

// fieldBlocks maps a bot.Error.Field to the block the error is shown at.
var fieldBlocks = map[string]string{
	"question": pulseQuestion, "type": pulseType, "options": pulseOptions, "to": pulseChannels,
	"every": pulseEvery, "closes": pulseCloses, "anonymous": pulseAnonymous,
}

// pulseModal is the form "/herald pulse new" opens.
func (a *Adapter) pulseModal(req bot.Request) slack.ModalViewRequest {
	t := func(key string) string { return a.t(req.Lang, key) }
	meta, _ := json.Marshal(modalMeta{Channel: req.Channel.ID, Lang: req.Lang})
	input := func(id string, max int, multiline bool) *slack.PlainTextInputBlockElement {
		el := slack.NewPlainTextInputBlockElement(nil, id)
		el.MaxLength, el.Multiline = max, multiline
		return el
	}
	block := func(id string, el slack.BlockElement, optional bool) *slack.InputBlock {
		var hint *slack.TextBlockObject
		if pulseHints[id] {
			hint = plain(t("slack.pulse." + id + ".hint"))
		}
		b := slack.NewInputBlock(id, plain(t("slack.pulse."+id)), hint, el)
		b.Optional = optional
		return b
	}
	var types []*slack.OptionBlockObject
	for _, typ := range pulseTypes {
		types = append(types, slack.NewOptionBlockObject(typ, plain(t("slack.pulse.type."+typ)), nil))
	}
	channels := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeConversations, nil, pulseChannels)
	channels.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true}
	yes := slack.NewOptionBlockObject("yes", plain(t("slack.pulse.anonymous.yes")), nil)
	no := slack.NewOptionBlockObject("no", plain(t("slack.pulse.anonymous.no")), nil)
	anonymous := slack.NewRadioButtonsBlockElement(pulseAnonymous, yes, no)
	anonymous.InitialOption = yes
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      pulseCallback,
		Title:           plain(cut(t("slack.pulse.title"), maxModalTitle)),
		Submit:          plain(cut(t("slack.pulse.submit"), maxModalButton)),
		Close:           plain(cut(t("slack.modal.cancel"), maxModalButton)),
		PrivateMetadata: string(meta),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			block(pulseQuestion, input(pulseQuestion, maxQuestionInput, false), false),
			block(pulseType, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, pulseType, types...), false),
			block(pulseOptions, input(pulseOptions, maxOptionsInput, true), true),
			block(pulseChannels, channels, true),
			block(pulsePeople, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, pulsePeople), true),
			block(pulseEvery, input(pulseEvery, maxShortInput, false), true),
			block(pulseCloses, input(pulseCloses, maxShortInput, false), true),
			block(pulseAnonymous, anonymous, false),
		}},
	}
}

// openPulseModal opens the "pulse new" form. Someone who may not run pulses,
// or a form Slack refuses, gets the core's answer to the typed words instead.
func (a *Adapter) openPulseModal(ctx context.Context, triggerID string, req bot.Request, responseURL string) {
	if err := a.h.Check(req); err != nil && err.Code == bot.EFORBIDDEN {
		a.answer(ctx, req, responseURL)
		return
	}
	if a.client.OpenModal(ctx, triggerID, a.pulseModal(req)) != nil {
		a.answer(ctx, req, responseURL)
	}
}

// pulseForm is what was filled in the "pulse new" modal.
type pulseForm struct {
	question, typ, every, closes string
	options                      []string
	channels, people             []string
	anonymous                    bool
}

func readPulseForm(v slack.View) pulseForm {
	f := pulseForm{anonymous: true}
	if v.State == nil {
		return f
	}
	val := func(id string) slack.BlockAction { return v.State.Values[id][id] }
	f.question = strings.TrimSpace(val(pulseQuestion).Value)
	f.typ = val(pulseType).SelectedOption.Value
	for line := range strings.SplitSeq(val(pulseOptions).Value, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			f.options = append(f.options, line)
		}
	}
	f.channels = val(pulseChannels).SelectedConversations
	f.people = val(pulsePeople).SelectedUsers
	f.every = strings.TrimSpace(val(pulseEvery).Value)
	f.closes = strings.TrimSpace(val(pulseCloses).Value)
	f.anonymous = val(pulseAnonymous).SelectedOption.Value != "no"
	return f
}

// submitPulse checks a submitted "pulse new" form. What the core finds wrong
// with the definition is shown in the form, next to the field at fault; a
// good one closes the form and runs in the background as the typed command
// would, the reply coming as an ephemeral message.
func (a *Adapter) submitPulse(cb slack.InteractionCallback, user bot.Ref, lang string) any {
	var meta modalMeta
	_ = json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta)
	if lang == "" {
		lang = meta.Lang
	}
	f := readPulseForm(cb.View)
	errs := map[string]string{}
	for id, s := range map[string]string{pulseQuestion: f.question, pulseOptions: strings.Join(f.options, " "), pulseEvery: f.every, pulseCloses: f.closes} {
		if strings.ContainsAny(s, "\"“”„") {
			errs[id] = a.t(lang, "slack.pulse.err.quote")
		}
	}
	if len(f.channels) == 0 && len(f.people) == 0 {
		errs[pulseChannels] = a.t(lang, "slack.pulse.err.to")
	}
	if f.typ == "choice" && len(f.options) == 0 {
		errs[pulseOptions] = a.t(lang, "slack.pulse.err.options")
	}
	if len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs)
	}
	req := pulseRequest(user, meta.Channel, f)
	req.Lang = lang
	if err := a.h.Check(req); err != nil {
		block, ok := fieldBlocks[err.Field]
		if !ok {
			block = pulseQuestion
		}
		return slack.NewErrorsViewSubmissionResponse(map[string]string{block: a.t(lang, err.Key, err.Args...)})
	}
	if !a.edge.Pool.Submit(func(ctx context.Context) { a.answer(ctx, req, "") }) {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{pulseQuestion: a.t(lang, "slack.busy")})
	}
	return nil
}

// pulseRequest builds the request the typed command would make:
// pulse new "<question>" type=<type>[:A|B] to=<#C…> <@U…> [every="…"] [closes=…] [anonymous=no]
func pulseRequest(user bot.Ref, channel string, f pulseForm) bot.Request {
	req := bot.Request{User: user, Channel: user.Same(bot.ChannelRef, channel, ""), Refs: map[string]bot.Ref{}}
	typ := f.typ
	if len(f.options) > 0 {
		typ += ":" + strings.Join(f.options, "|")
	}
	words := []string{"pulse", "new", quote(f.question), "type=" + quote(typ)}
	var targets []string
	for _, id := range f.channels {
		w := "<#" + id + ">"
		req.Refs[w] = user.Same(bot.ChannelRef, id, "")
		targets = append(targets, w)
	}
	for _, id := range f.people {
		w := "<@" + id + ">"
		req.Refs[w] = user.Same(bot.UserRef, id, "")
		targets = append(targets, w)
	}
	if len(targets) > 0 {
		words = append(words, "to="+strings.Join(targets, " "))
	}
	if f.every != "" {
		words = append(words, "every="+quote(f.every))
	}
	if f.closes != "" {
		words = append(words, "closes="+quote(f.closes))
	}
	if !f.anonymous {
		words = append(words, "anonymous=no")
	}
	req.Text = strings.Join(words, " ")
	return req
}

// quote puts s in double quotes, so that the command words keep it whole.
func quote(s string) string { return `"` + s + `"` }
