package teams

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"

	"github.com/herald-chat/herald/bot"
)

// Activity is the part of a Bot Framework activity herald reads.
type Activity struct {
	Type         string          `json:"type"`
	Name         string          `json:"name"` // of an invoke, such as fileConsent/invoke
	ID           string          `json:"id"`
	ServiceURL   string          `json:"serviceUrl"`
	ChannelID    string          `json:"channelId"`
	From         Account         `json:"from"`
	Recipient    Account         `json:"recipient"`
	Conversation Conversation    `json:"conversation"`
	Text         string          `json:"text"`
	Locale       string          `json:"locale"`
	ReplyToID    string          `json:"replyToId"`
	Entities     []Entity        `json:"entities"`
	MembersAdded []Account       `json:"membersAdded"`
	ChannelData  ChannelData     `json:"channelData"`
	Value        json.RawMessage `json:"value"`
}

// Account is a user or bot in an activity.
type Account struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AADObjectID string `json:"aadObjectId,omitempty"`
}

// Conversation is where an activity happened.
type Conversation struct {
	ID               string `json:"id"`
	ConversationType string `json:"conversationType"` // personal, groupChat, channel
	TenantID         string `json:"tenantId"`
}

// Entity is an entity of an activity; herald reads mentions.
type Entity struct {
	Type      string  `json:"type"`
	Text      string  `json:"text"`
	Mentioned Account `json:"mentioned"`
}

// ChannelData is Teams' part of an activity.
type ChannelData struct {
	Tenant struct {
		ID string `json:"id"`
	} `json:"tenant"`
	Team struct {
		ID string `json:"id"`
	} `json:"team"`
	// Channel is the channel of an activity in a team; Teams leaves out
	// the name of the General channel.
	Channel struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"channel"`
}

// ChannelNames returns the display names of the channels the activity
// names: its own channel and the channels mentioned in it (id → name).
func (a *Activity) ChannelNames() map[string]string {
	names := map[string]string{}
	if c := a.ChannelData.Channel; c.ID != "" && c.Name != "" {
		names[c.ID] = c.Name
	}
	for _, e := range a.Entities {
		if e.Type == "mention" && isConversation(e.Mentioned.ID) && e.Mentioned.Name != "" {
			names[e.Mentioned.ID] = e.Mentioned.Name
		}
	}
	return names
}

// Tenant is the activity's tenant id, herald's workspace.
func (a *Activity) Tenant() string {
	if a.ChannelData.Tenant.ID != "" {
		return a.ChannelData.Tenant.ID
	}
	return a.Conversation.TenantID
}

// ConversationID is the conversation without the ";messageid=…" Teams adds
// for a thread in a channel: the channel itself.
func (a *Activity) ConversationID() string {
	id, _, _ := strings.Cut(a.Conversation.ID, ";")
	return id
}

// base is the Ref every ref of the activity starts from.
func (a *Activity) base() bot.Ref {
	return bot.Ref{Platform: bot.Teams, Workspace: a.Tenant()}
}

// BotAdded reports whether a conversationUpdate adds herald to a conversation.
func (a *Activity) BotAdded() bool {
	for _, m := range a.MembersAdded {
		if m.ID == a.Recipient.ID {
			return true
		}
	}
	return false
}

// Request translates a message activity (typed words or an Adaptive Card
// submit) into a bot.Request. ok is false for a message herald can't read
// (a submit of a card that is not herald's).
func (a *Activity) Request() (req bot.Request, ok bool) {
	b := a.base()
	req = bot.Request{
		User:    b.Same(bot.UserRef, a.From.ID, a.From.Name),
		Channel: b.Same(bot.ChannelRef, a.ConversationID(), ""),
	}
	if lang, ok := bot.ParseLang(a.Locale); ok {
		req.Lang = lang
	}
	if strings.TrimSpace(a.Text) == "" && len(a.Value) > 0 {
		var d SubmitData
		if err := json.Unmarshal(a.Value, &d); err != nil || d.Action == "" {
			return req, false
		}
		req.Action = &bot.Action{Name: d.Action, Value: d.Value}
		return req, true
	}
	req.Text, req.Refs = a.words(b)
	return req, true
}

// words reads the text of a message: herald's own mention goes, every other
// mention becomes one word named in refs, "<@29:…>" for a person and
// "<#19:…>" for a channel or team (whose ids are conversation ids, 19:…),
// Teams' HTML entities are decoded and its leftover tags dropped.
func (a *Activity) words(b bot.Ref) (string, map[string]bot.Ref) {
	text := a.Text
	var refs map[string]bot.Ref
	for _, e := range a.Entities {
		if e.Type != "mention" || e.Text == "" || !strings.Contains(text, e.Text) {
			continue
		}
		if e.Mentioned.ID == a.Recipient.ID {
			text = strings.Replace(text, e.Text, " ", 1)
			continue
		}
		word, ref := "<@"+e.Mentioned.ID+">", b.Same(bot.UserRef, e.Mentioned.ID, e.Mentioned.Name)
		if isConversation(e.Mentioned.ID) {
			word, ref = "<#"+e.Mentioned.ID+">", b.Same(bot.ChannelRef, e.Mentioned.ID, e.Mentioned.Name)
		}
		if refs == nil {
			refs = map[string]bot.Ref{}
		}
		refs[word] = ref
		text = strings.Replace(text, e.Text, " "+word+" ", 1)
	}
	text = html.UnescapeString(stripTags(text))
	return strings.Join(strings.Fields(text), " "), refs
}

// isConversation reports whether a mentioned id is a channel or team (a
// conversation id, "19:…@thread.tacv2") rather than a person ("29:…").
func isConversation(id string) bool {
	return strings.HasPrefix(id, "19:") && strings.Contains(id, "@thread")
}

// htmlTag matches an HTML tag, or a mention word ("<@…>", "<#…>").
var htmlTag = regexp.MustCompile(`<[^>]*>`)

// stripTags drops HTML tags (<p>, <br>, a stray <at>) Teams may send; the
// mention words ("<@…>", "<#…>") are kept.
func stripTags(s string) string {
	return htmlTag.ReplaceAllStringFunc(s, func(t string) string {
		if strings.HasPrefix(t, "<@") || strings.HasPrefix(t, "<#") {
			return t
		}
		return " "
	})
}
