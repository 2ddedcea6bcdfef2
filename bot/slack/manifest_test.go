package slack_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	slackbot "github.com/herald-chat/herald/bot/slack"
)

// schema is the part of Slack's app manifest schema herald must fill in.
type schema struct {
	Display struct {
		Name string `yaml:"name"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTab *bool `yaml:"home_tab_enabled"`
		} `yaml:"app_home"`
		BotUser *struct {
			DisplayName string `yaml:"display_name"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			Description  string `yaml:"description"`
			UsageHint    string `yaml:"usage_hint"`
			ShouldEscape *bool  `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Interactivity *struct {
			Enabled    bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		Events *struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		SocketMode *bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

func TestManifest(t *testing.T) {
	tests := []struct {
		give                          slackbot.ManifestOptions
		wantCmd, wantInteract, wantEv string
	}{
		{slackbot.ManifestOptions{BaseURL: "https://herald.example.org/"}, "https://herald.example.org/slack/commands", "https://herald.example.org/slack/interactions", "https://herald.example.org/slack/events"},
		{slackbot.ManifestOptions{SocketMode: true}, "", "", ""},
	}
	for _, tt := range tests {
		out, err := slackbot.Manifest(tt.give)
		if err != nil {
			t.Fatalf("Manifest(%+v): %v", tt.give, err)
		}
		var m schema
		if err := yaml.Unmarshal(out, &m); err != nil {
			t.Fatalf("Manifest(%+v) is not YAML: %v\n%s", tt.give, err, out)
		}
		if m.Display.Name != "herald" || m.Features.BotUser == nil || m.Features.BotUser.DisplayName != "herald" {
			t.Errorf("names: got %q and %v, want herald", m.Display.Name, m.Features.BotUser)
		}
		if m.Features.AppHome.HomeTab == nil || !*m.Features.AppHome.HomeTab {
			t.Errorf("app home: got %v, want the home tab on", m.Features.AppHome.HomeTab)
		}
		if len(m.Features.SlashCommands) != 1 {
			t.Fatalf("slash commands: got %d, want 1", len(m.Features.SlashCommands))
		}
		c := m.Features.SlashCommands[0]
		if c.Command != "/herald" || c.URL != tt.wantCmd || c.UsageHint == "" || c.Description == "" || c.ShouldEscape == nil || !*c.ShouldEscape {
			t.Errorf("slash command: got %+v, want /herald at %q with a usage hint, escaping mentions", c, tt.wantCmd)
		}
		wantScopes := []string{"app_mentions:read", "channels:read", "chat:write", "chat:write.public", "commands", "files:write", "groups:read", "im:history", "im:write", "usergroups:read"}
		if got := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot)); !slices.Equal(got, wantScopes) {
			t.Errorf("bot scopes: got %v, want exactly %v", got, wantScopes)
		}
		if !strings.HasPrefix(c.UsageHint, "help | shoutout") || utf8.RuneCountInString(c.UsageHint) > 1000 {
			t.Errorf("usage hint: got %q, want the registry's commands, help first, within 1,000 characters", c.UsageHint)
		}
		if i := m.Settings.Interactivity; i == nil || !i.Enabled || i.RequestURL != tt.wantInteract {
			t.Errorf("interactivity: got %+v, want on at %q", i, tt.wantInteract)
		}
		wantEvents := []string{"app_home_opened", "app_mention", "app_uninstalled", "message.im", "tokens_revoked"}
		if ev := m.Settings.Events; ev == nil || ev.RequestURL != tt.wantEv || !slices.Equal(slices.Sorted(slices.Values(ev.BotEvents)), wantEvents) {
			t.Errorf("events: got %+v, want %v at %q", ev, wantEvents, tt.wantEv)
		}
		if sm := m.Settings.SocketMode; sm == nil || *sm != tt.give.SocketMode {
			t.Errorf("socket_mode_enabled: got %v, want %v", sm, tt.give.SocketMode)
		}
	}
	if _, err := slackbot.Manifest(slackbot.ManifestOptions{}); err == nil {
		t.Errorf("HTTP mode without a URL: got no error, want one")
	}
}
