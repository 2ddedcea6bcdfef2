package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/herald-chat/herald/bot"
	slackbot "github.com/herald-chat/herald/bot/slack"
)

// newSlackClient returns the Slack Web API client of cfg, pointed at
// SLACK_API_URL and carrying the app-level token for Socket Mode.
func newSlackClient(cfg config, log *slog.Logger) *slackbot.Client {
	apiURL := cfg.SlackAPIURL
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	// Slack is one host: keep enough idle connections for every worker, rather
	// than net/http's default of two, so busy workers don't reconnect per call.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	httpc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	opts := []slack.Option{slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(httpc)}
	if cfg.SlackAppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.SlackAppToken))
	}
	return slackbot.NewClient(slack.New(cfg.SlackBotToken, opts...), log)
}

// checkSlackToken calls auth.test: a token Slack refuses stops herald with
// one clear line; Slack being unreachable is only logged. It returns
// herald's own Slack user id.
func checkSlackToken(ctx context.Context, c *slackbot.Client, log *slog.Logger) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	team, user, err := c.AuthTest(ctx)
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se):
		return "", fmt.Errorf("SLACK_BOT_TOKEN: Slack refused it (%s); copy the Bot User OAuth Token (xoxb-…) of the installed app", se.Err)
	case err != nil:
		log.Warn("slack: auth.test failed; going on, Slack may be unreachable", "err", err)
		return "", nil
	}
	log.Info("slack: token ok", "team", team, "bot_user", user)
	return user, nil
}

// mountSlack serves Slack's HTTP routes on mux (HTTP mode: a signing secret is set).
func mountSlack(mux *http.ServeMux, a *slackbot.Adapter) {
	mux.Handle("POST /slack/commands", a.Commands())
	mux.Handle("POST /slack/interactions", a.Interactions())
	mux.Handle("POST /slack/events", a.Events())
}

// runSlack runs the adapter's workers until ctx ends and, with an app-level
// token, Socket Mode until sctx ends.
func runSlack(ctx, sctx context.Context, cfg config, a *slackbot.Adapter) func() error {
	return func() error {
		done := make(chan error, 1)
		if cfg.SlackAppToken != "" {
			go func() { done <- a.RunSocketMode(sctx) }()
		} else {
			done <- nil
		}
		err := a.Run(ctx)
		if serr := <-done; err == nil {
			err = serr
		}
		return err
	}
}

// slackManifest prints the Slack app manifest: "herald slack-manifest [--url BASE]".
func slackManifest(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("slack-manifest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "herald's public base URL, e.g. https://herald.example.com (HTTP mode)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("slack-manifest: %w", err)
	}
	socket := strings.TrimSpace(getenv("SLACK_APP_TOKEN")) != ""
	placeholder := *base == "" && !socket
	if placeholder {
		*base = "https://herald.example.com"
	}
	lang, ok := bot.ParseLang(getenv("HERALD_LANG"))
	if !ok {
		lang = "en"
	}
	out, err := slackbot.Manifest(slackbot.ManifestOptions{BaseURL: *base, SocketMode: socket, Lang: lang})
	if err != nil {
		return err
	}
	if placeholder {
		fmt.Fprintln(stdout, "# Replace https://herald.example.com with herald's public address, or run: herald slack-manifest --url https://your.host")
	}
	_, err = stdout.Write(out)
	return err
}
