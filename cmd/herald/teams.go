package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/herald-chat/herald/bot"
	teamsbot "github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/store"
)

// The store keeps Teams' conversation references (it can't import the
// adapter, so the check lives here).
var _ teamsbot.Conversations = (*store.Store)(nil)

// newTeamsClient returns the Bot Framework connector client of cfg; it finds
// conversations through the store, and keeps there the files it offers by
// file consent card when there are no download links.
func newTeamsClient(cfg config, log *slog.Logger, st *store.Store, links *teamsbot.Links) (*teamsbot.Client, error) {
	cat, err := bot.NewCatalog(cfg.Lang)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return teamsbot.NewClient(teamsbot.ClientConfig{
		AppID: cfg.TeamsAppID, Password: cfg.TeamsPassword, TokenURL: cfg.TeamsTokenURL,
		Conversations: st, Catalog: cat, Logger: log, Links: links, Files: st,
		HTTPClient: &http.Client{Transport: tr, Timeout: 30 * time.Second},
	}), nil
}

// teamsLinks returns the download links of files too large for a Teams card
// when HERALD_PUBLIC_URL is set, else nil. They are signed with a key derived
// from the app password, which every replica shares.
func teamsLinks(cfg config, st *store.Store) *teamsbot.Links {
	if cfg.PublicURL == "" {
		return nil
	}
	mac := hmac.New(sha256.New, []byte(cfg.TeamsPassword))
	mac.Write([]byte("herald download links"))
	return teamsbot.NewLinks(st, cfg.PublicURL, mac.Sum(nil), nil)
}

// runTeams serves POST /api/messages on mux and returns the adapter's work:
// its workers until workCtx ends, the token keys until ctx ends.
func runTeams(ctx, workCtx context.Context, cfg config, log *slog.Logger, mux *http.ServeMux, h teamsbot.Handler, c *teamsbot.Client, seen *store.Store) (*teamsbot.Adapter, func() error) {
	v := teamsbot.NewVerifier(cfg.TeamsAppID, cfg.TeamsMetadataURL, nil, log, nil)
	a := teamsbot.New(teamsbot.Config{Handler: h, Client: c, Verifier: v, Seen: seen, Logger: log, Workers: cfg.TeamsWorkers, Queue: cfg.TeamsQueue, BodyBudget: cfg.BodyBudget})
	mux.Handle("POST /api/messages", a.Messages())
	return a, func() error {
		done := make(chan error, 1)
		go func() { done <- v.Run(ctx) }()
		err := a.Run(workCtx)
		if verr := <-done; err == nil {
			err = verr
		}
		return err
	}
}

// teamsManifest writes the Teams app package: "herald teams-manifest --out FILE.zip [--url BASE]".
func teamsManifest(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("teams-manifest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "the app package to write, e.g. herald-teams.zip")
	base := fs.String("url", "", "herald's public https:// address: the developer, privacy and terms links point there (required)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("teams-manifest: %w", err)
	}
	if *out == "" {
		return fmt.Errorf("teams-manifest: --out FILE.zip is required")
	}
	appID := strings.TrimSpace(getenv("TEAMS_APP_ID"))
	if appID == "" {
		return fmt.Errorf("teams-manifest: TEAMS_APP_ID is not set: the package names the bot by its Microsoft app id")
	}
	if *base == "" {
		*base = strings.TrimSpace(getenv("HERALD_PUBLIC_URL"))
	}
	if *base == "" {
		return fmt.Errorf("teams-manifest: --url https://your.host (or HERALD_PUBLIC_URL) is required: the package links herald's /privacy and /terms pages there")
	}
	lang, ok := bot.ParseLang(getenv("HERALD_LANG"))
	if !ok {
		lang = "en"
	}
	cat, err := bot.NewCatalog(lang)
	if err != nil {
		return err
	}
	menu, err := bot.Menu(lang)
	if err != nil {
		return err
	}
	// The command menu lists what the registry answers, in help's order.
	cmds := make([]teamsbot.Command, 0, len(menu))
	for _, c := range menu {
		cmds = append(cmds, teamsbot.Command{Title: c.Name, Description: c.Summary})
	}
	zip, err := teamsbot.Package(teamsbot.ManifestOptions{
		AppID: appID, Version: manifestVersion(currentBuild().Version), BaseURL: *base, Name: "herald",
		Description: cat.T("", "teams.app.short"), Long: cat.T("", "teams.app.full"), Commands: cmds, Modified: time.Now(),
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, zip, 0o644); err != nil {
		return fmt.Errorf("teams-manifest: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s: upload it in Teams (Apps → Manage your apps → Upload an app)\n", *out)
	return nil
}

// manifestVersion is herald's version as x.y.z, which Teams requires.
func manifestVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) != 3 {
		return "1.0.0"
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return "1.0.0"
		}
	}
	return v
}
