package slack

import (
	"bytes"
	"cmp"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/herald-chat/herald/bot"
)

// ManifestOptions configure the app manifest.
type ManifestOptions struct {
	// BaseURL is herald's public address; the request URLs are under it.
	// Socket Mode needs none.
	BaseURL    string
	SocketMode bool
	// Name is the app's name and the bot's display name ("herald"); Slack
	// takes 35 characters of the one and 80 of the other, and the rest is cut.
	Name string
	// Lang is the language of the usage hint (English when empty).
	Lang string
}

// manifest is Slack's app manifest schema, the parts herald uses, in the
// order Slack shows them.
type manifest struct {
	Metadata struct {
		Major int `yaml:"major_version"`
		Minor int `yaml:"minor_version"`
	} `yaml:"_metadata"`
	Display struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		LongDescription string `yaml:"long_description"`
		BackgroundColor string `yaml:"background_color"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTab          bool `yaml:"home_tab_enabled"`
			MessagesTab      bool `yaml:"messages_tab_enabled"`
			MessagesReadOnly bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []slashCommand `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Events struct {
			RequestURL string   `yaml:"request_url,omitempty"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			Enabled    bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url,omitempty"`
		} `yaml:"interactivity"`
		OrgDeploy     bool `yaml:"org_deploy_enabled"`
		SocketMode    bool `yaml:"socket_mode_enabled"`
		TokenRotation bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

type slashCommand struct {
	Command      string `yaml:"command"`
	URL          string `yaml:"url,omitempty"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint"`
	ShouldEscape bool   `yaml:"should_escape"`
}

// BotScopes are exactly the bot token scopes herald uses, with the calls or
// events that need them.
var BotScopes = []string{
	"commands",          // /herald
	"chat:write",        // chat.postMessage, chat.postEphemeral
	"chat:write.public", // post in the wins channel without being invited
	"im:write",          // conversations.open, for the files of a reply to its requester
	"im:history",        // message.im: commands written in herald's Messages tab
	"app_mentions:read", // app_mention: "@herald help" in a channel
	"channels:read",     // conversations.members of public channels
	"groups:read",       // conversations.members of private channels herald is in
	"usergroups:read",   // usergroups.users.list
	"files:write",       // charts and CSV exports (files upload v2)
}

// BotEvents are the events herald subscribes to; tokens_revoked and
// app_uninstalled need no scope.
var BotEvents = []string{"app_home_opened", "message.im", "app_mention", "tokens_revoked", "app_uninstalled"}

// The longest texts Slack's manifest schema takes: the usage_hint, the
// app's name and the bot user's display name.
const (
	maxUsageHint   = 1000
	maxAppName     = 35
	maxDisplayName = 80
)

// usageHint lists the commands the registry answers, in help's order:
// "help | shoutout | keymsg | …".
func usageHint(lang string) (string, error) {
	menu, err := bot.Menu(lang)
	if err != nil {
		return "", err
	}
	names := make([]string, len(menu))
	for i, c := range menu {
		names[i] = c.Name
	}
	return cut(strings.Join(names, " | "), maxUsageHint), nil
}

// Manifest returns the app manifest (YAML) for "Create an app → From a manifest".
func Manifest(o ManifestOptions) ([]byte, error) {
	if o.Name == "" {
		o.Name = "herald"
	}
	base := strings.TrimRight(o.BaseURL, "/")
	if !o.SocketMode && base == "" {
		return nil, fmt.Errorf("slack manifest: a base URL is needed for HTTP mode")
	}
	url := func(path string) string {
		if o.SocketMode {
			return ""
		}
		return base + path
	}
	hint, err := usageHint(cmp.Or(o.Lang, "en"))
	if err != nil {
		return nil, fmt.Errorf("slack manifest: %w", err)
	}
	var m manifest
	m.Metadata.Major, m.Metadata.Minor = 1, 1
	m.Display.Name = cut(o.Name, maxAppName)
	m.Display.Description = "Key messages, shout-outs and pulse surveys that carry a change through."
	m.Display.LongDescription = "herald helps your organisation carry a change through, right in Slack: recurring key messages that reach everyone, shout-outs that make wins visible, and short anonymous pulse surveys with results people can trust. Type /herald help to start."
	m.Display.BackgroundColor = "#1d3557"
	m.Features.AppHome.HomeTab = true
	m.Features.AppHome.MessagesTab = true
	m.Features.BotUser.DisplayName = cut(o.Name, maxDisplayName)
	m.Features.BotUser.AlwaysOnline = true
	m.Features.SlashCommands = []slashCommand{{
		Command:      "/herald",
		URL:          url("/slack/commands"),
		Description:  "Shout-outs, key messages and pulse surveys",
		UsageHint:    hint,
		ShouldEscape: true,
	}}
	m.OAuth.Scopes.Bot = BotScopes
	m.Settings.Events.RequestURL = url("/slack/events")
	m.Settings.Events.BotEvents = BotEvents
	m.Settings.Interactivity.Enabled = true
	m.Settings.Interactivity.RequestURL = url("/slack/interactions")
	m.Settings.SocketMode = o.SocketMode
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("slack manifest: %w", err)
	}
	return buf.Bytes(), nil
}
