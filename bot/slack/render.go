package slack

import (
	"cmp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
)

// Slack's Block Kit limits.
const (
	maxMessageBlocks = 50
	maxHomeBlocks    = 100
	maxSectionText   = 3000
	maxFieldText     = 2000
	maxFields        = 10
	maxHeaderText    = 150
	maxButtonText    = 75
	maxButtonValue   = 2000
	maxActionID      = 255
	maxElements      = 25
	maxFallbackText  = 3000
	// ratingRow is how many rating buttons go in one row before a second row starts.
	ratingRow = 6
)

// actionSep separates a button's Action from its index in action_id, which
// must be unique within a block: "keymsg.ack#0".
const actionSep = "#"

// Blocks renders m as Block Kit within Slack's limits: at most maxBlocks
// blocks, long text split over several sections, and what does not fit cut
// with a visible "…". Images and files are not blocks; Client uploads them.
func Blocks(m bot.Message, maxBlocks int) []slack.Block {
	var blocks []slack.Block
	if m.Header != "" {
		blocks = append(blocks, slack.NewHeaderBlock(plain(cut(m.Header, maxHeaderText))))
	}
	if len(m.Text) > 0 {
		for _, part := range split(mrkdwn(m.Text), maxSectionText) {
			if strings.TrimSpace(part) != "" {
				blocks = append(blocks, slack.NewSectionBlock(md(part), nil, nil))
			}
		}
	}
	// A long field (the answers of a free-text question) becomes several
	// fields, so that no answer hides behind a cut.
	var fields []*slack.TextBlockObject
	for _, f := range m.Fields {
		for _, part := range split("*"+escape(f.Label)+"*\n"+mrkdwn(f.Value), maxFieldText) {
			fields = append(fields, md(part))
		}
	}
	for i := 0; i < len(fields); i += maxFields {
		blocks = append(blocks, slack.NewSectionBlock(nil, fields[i:min(i+maxFields, len(fields))], nil))
	}
	blocks = append(blocks, buttonBlocks(m.Buttons)...)
	if m.Rating != nil {
		blocks = append(blocks, ratingBlocks(*m.Rating)...)
	}
	if m.Context != "" {
		blocks = append(blocks, slack.NewContextBlock("", md(cutMrkdwn(escape(m.Context), maxSectionText))))
	}
	if len(blocks) > maxBlocks {
		blocks = append(blocks[:maxBlocks-1], slack.NewContextBlock("", md(ellipsis)))
	}
	return blocks
}

// Fallback is the plain notification text of m, escaped, for the message's
// top-level "text".
func Fallback(m bot.Message) string {
	text := cmp.Or(m.Fallback, m.Header)
	if text == "" {
		text = m.Text.String()
	}
	return cutMrkdwn(escape(text), maxFallbackText)
}

// cutMrkdwn cuts rendered mrkdwn to at most max characters without
// breaking a mention or an entity.
func cutMrkdwn(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return s[:safeCut(s, max-1)] + ellipsis
}

func buttonBlocks(buttons []bot.Button) []slack.Block {
	var blocks []slack.Block
	for i := 0; i < len(buttons); i += maxElements {
		var els []slack.BlockElement
		for j, b := range buttons[i:min(i+maxElements, len(buttons))] {
			el := slack.NewButtonBlockElement(actionID(b.Action, i+j), cut(b.Value, maxButtonValue), plain(cut(b.Label, maxButtonText)))
			switch b.Style {
			case "primary":
				el = el.WithStyle(slack.StylePrimary)
			case "danger":
				el = el.WithStyle(slack.StyleDanger)
			}
			els = append(els, el)
		}
		blocks = append(blocks, slack.NewActionBlock("", els...))
	}
	return blocks
}

// ratingBlocks renders a scale as rows of numbered buttons (0–10 as 0–5 and
// 6–10) and the meaning of its ends as small print.
func ratingBlocks(r bot.Rating) []slack.Block {
	var blocks []slack.Block
	n := r.Max - r.Min + 1
	if n <= 0 {
		return nil
	}
	rows := (n + ratingRow - 1) / ratingRow
	per := (n + rows - 1) / rows
	for start := r.Min; start <= r.Max; start += per {
		var els []slack.BlockElement
		for v := start; v <= min(start+per-1, r.Max); v++ {
			num := strconv.Itoa(v)
			els = append(els, slack.NewButtonBlockElement(actionID(r.Action, v-r.Min), cut(r.Value+"|"+num, maxButtonValue), plain(num)))
		}
		blocks = append(blocks, slack.NewActionBlock("", els...))
	}
	if r.MinLabel != "" || r.MaxLabel != "" {
		legend := strconv.Itoa(r.Min) + " = " + r.MinLabel + "  ·  " + strconv.Itoa(r.Max) + " = " + r.MaxLabel
		blocks = append(blocks, slack.NewContextBlock("", md(escape(legend))))
	}
	return blocks
}

// actionID is the action_id of the i-th button of an action: "keymsg.ack#0".
func actionID(action string, i int) string {
	suffix := actionSep + strconv.Itoa(i)
	return cut(action, maxActionID-len(suffix)) + suffix
}

// actionName reads the Button.Action back from an action_id.
func actionName(id string) string {
	if i := strings.LastIndex(id, actionSep); i >= 0 {
		return id[:i]
	}
	return id
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

func md(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
