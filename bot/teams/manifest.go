package teams

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// ManifestVersion is the Teams app manifest schema herald writes.
const ManifestVersion = "1.16"

// Command is one entry of the bot's command menu in Teams.
type Command struct {
	Title       string `json:"title"`       // at most 32 characters
	Description string `json:"description"` // at most 128 characters
}

// ManifestOptions configure the app package.
type ManifestOptions struct {
	// AppID is the bot's Microsoft app id (TEAMS_APP_ID); it is also the
	// app's id.
	AppID string
	// Version is the app's version, x.y.z.
	Version string
	// BaseURL is herald's public address, for the developer links.
	BaseURL string
	// Name is the app's and the bot's name ("herald"), and the developer's;
	// each is cut to Teams' limit (30 characters short, 100 full, 32 the
	// developer's).
	Name string
	// Description is the short description (80 characters at most); Long the full.
	Description, Long string
	Commands          []Command
	// Modified is the time the package's files carry (now when zero).
	Modified time.Time
}

// guid matches a Microsoft app id: 8-4-4-4-12 hexadecimal digits.
var guid = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// check returns why Teams would refuse a package made with o, or nil.
func (o ManifestOptions) check() (host string, err error) {
	if !guid.MatchString(o.AppID) {
		return "", fmt.Errorf("teams manifest: app id %q is not a GUID such as 00000000-1111-2222-3333-444444444444 (TEAMS_APP_ID: the bot's Microsoft app id)", o.AppID)
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("teams manifest: %q is not an https:// address such as https://herald.example.com (Teams links its privacy and terms pages under it)", o.BaseURL)
	}
	return u.Hostname(), nil
}

// manifest is the part of the Teams app manifest herald fills in.
type manifest struct {
	Schema          string   `json:"$schema"`
	ManifestVersion string   `json:"manifestVersion"`
	Version         string   `json:"version"`
	ID              string   `json:"id"`
	Developer       devInfo  `json:"developer"`
	Name            nameInfo `json:"name"`
	Description     descInfo `json:"description"`
	Icons           icons    `json:"icons"`
	AccentColor     string   `json:"accentColor"`
	Bots            []botDef `json:"bots"`
	Permissions     []string `json:"permissions"`
	ValidDomains    []string `json:"validDomains"`
}

type devInfo struct {
	Name          string `json:"name"`
	WebsiteURL    string `json:"websiteUrl"`
	PrivacyURL    string `json:"privacyUrl"`
	TermsOfUseURL string `json:"termsOfUseUrl"`
}

type nameInfo struct {
	Short string `json:"short"`
	Full  string `json:"full"`
}

type descInfo struct {
	Short string `json:"short"`
	Full  string `json:"full"`
}

type icons struct {
	Color   string `json:"color"`
	Outline string `json:"outline"`
}

type botDef struct {
	BotID              string        `json:"botId"`
	Scopes             []string      `json:"scopes"`
	SupportsFiles      bool          `json:"supportsFiles"`
	IsNotificationOnly bool          `json:"isNotificationOnly"`
	CommandLists       []commandList `json:"commandLists"`
}

type commandList struct {
	Scopes   []string  `json:"scopes"`
	Commands []Command `json:"commands"`
}

// accent is herald's colour: the colour icon's background and the accent.
var accent = color.NRGBA{R: 0x4F, G: 0x46, B: 0xE5, A: 0xFF}

// maxCommands is how many commands Teams takes in one command list.
const maxCommands = 10

// Package returns the Teams app package: a zip of manifest.json, color.png
// (192×192) and outline.png (32×32, white on transparent).
func Package(o ManifestOptions) ([]byte, error) {
	host, err := o.check()
	if err != nil {
		return nil, err
	}
	if o.Modified.IsZero() {
		o.Modified = time.Now()
	}
	if o.Name == "" {
		o.Name = "herald"
	}
	if o.Version == "" {
		o.Version = "1.0.0"
	}
	base := strings.TrimRight(o.BaseURL, "/")
	scopes := []string{"personal", "team", "groupChat"}
	cmds := make([]Command, 0, min(len(o.Commands), maxCommands))
	for _, c := range o.Commands[:min(len(o.Commands), maxCommands)] {
		cmds = append(cmds, Command{Title: cut(c.Title, 32), Description: cut(c.Description, 128)})
	}
	m := manifest{
		Schema:          "https://developer.microsoft.com/en-us/json-schemas/teams/v" + ManifestVersion + "/MicrosoftTeams.schema.json",
		ManifestVersion: ManifestVersion,
		Version:         o.Version,
		ID:              o.AppID,
		Developer:       devInfo{Name: cut(o.Name, 32), WebsiteURL: base, PrivacyURL: base + "/privacy", TermsOfUseURL: base + "/terms"},
		Name:            nameInfo{Short: cut(o.Name, 30), Full: cut(o.Name, 100)},
		Description:     descInfo{Short: cut(o.Description, 80), Full: cut(o.Long, 4000)},
		Icons:           icons{Color: "color.png", Outline: "outline.png"},
		AccentColor:     fmt.Sprintf("#%02X%02X%02X", accent.R, accent.G, accent.B),
		Bots: []botDef{{
			BotID: o.AppID, Scopes: scopes,
			// Exports reach a 1:1 chat as files, by file consent card.
			SupportsFiles: true,
			CommandLists:  []commandList{{Scopes: scopes, Commands: cmds}},
		}},
		Permissions:  []string{"identity", "messageTeamMembers"},
		ValidDomains: []string{host},
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []struct {
		name string
		data func() ([]byte, error)
	}{
		{"manifest.json", func() ([]byte, error) { return js, nil }},
		{"color.png", func() ([]byte, error) { return icon(192, accent, color.White) }},
		{"outline.png", func() ([]byte, error) { return icon(32, color.Transparent, color.White) }},
	}
	for _, f := range files {
		data, err := f.data()
		if err != nil {
			return nil, fmt.Errorf("teams manifest %s: %w", f.name, err)
		}
		// Create would write the zero DOS date (month 0), which Teams' upload refuses.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: o.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// icon draws herald's mark, a speech bubble with a bold "h", size×size in fg
// on bg, as PNG.
func icon(size int, bg, fg color.Color) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	u := float64(size) / 32 // the mark is drawn on a 32-unit grid
	in := func(x, y int) bool {
		gx, gy := (float64(x)+0.5)/u, (float64(y)+0.5)/u
		bubble := gx >= 4 && gx < 28 && gy >= 4 && gy < 22 || // body
			gy >= 22 && gy < 27 && gx >= 8 && gx < 8+(27-gy) // tail
		if !bubble {
			return false
		}
		// The "h" is cut out of the bubble.
		stem := gx >= 10 && gx < 13 && gy >= 7 && gy < 19
		arch := gx >= 13 && gx < 19 && gy >= 11 && gy < 14
		leg := gx >= 19 && gx < 22 && gy >= 11 && gy < 19
		return !(stem || arch || leg)
	}
	for y := range size {
		for x := range size {
			c := bg
			if in(x, y) {
				c = fg
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
