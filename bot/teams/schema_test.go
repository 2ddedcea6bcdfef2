package teams_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/internal/schematest"
	"github.com/herald-chat/herald/bot/teams"
)

// The URLs of the official schemas; testdata/schema/README.md says where
// the copies come from.
const (
	teamsSchemaURL = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.16/MicrosoftTeams.schema.json"
	cardSchemaURL  = "http://adaptivecards.io/schemas/adaptive-card.json"
)

// mustTeamsSchema compiles the Teams app manifest schema of the version
// herald writes.
func mustTeamsSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	if teams.ManifestVersion != "1.16" {
		tb.Fatalf("herald writes manifest version %s; put its schema in testdata/schema", teams.ManifestVersion)
	}
	return schematest.MustCompile(tb, jsonschema.Draft4, teamsSchemaURL, map[string]string{
		teamsSchemaURL: filepath.Join("testdata", "schema", "MicrosoftTeams.schema-1.16.json"),
	})
}

// mustCardSchema compiles the Adaptive Card 1.5 schema.
func mustCardSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	return schematest.MustCompile(tb, jsonschema.Draft6, cardSchemaURL, map[string]string{
		cardSchemaURL: filepath.Join("testdata", "schema", "adaptive-card-1.5.0.json"),
	})
}

// manifestOptions are the options herald teams-manifest passes, in lang.
func manifestOptions(t *testing.T, lang string) teams.ManifestOptions {
	t.Helper()
	cat, err := bot.NewCatalog(lang)
	if err != nil {
		t.Fatal(err)
	}
	menu, err := bot.Menu(lang)
	if err != nil {
		t.Fatal(err)
	}
	var cmds []teams.Command
	for _, c := range menu {
		cmds = append(cmds, teams.Command{Title: c.Name, Description: c.Summary})
	}
	return teams.ManifestOptions{
		AppID: "00000000-1111-2222-3333-444444444444", Version: "1.4.2", BaseURL: "https://herald.example.org", Name: "herald",
		Description: cat.T("", "teams.app.short"), Long: cat.T("", "teams.app.full"), Commands: cmds,
		Modified: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	}
}

// unzip returns the files of a package by name.
func unzip(t *testing.T, pkg []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// TestPackageMatchesTeamsSchema checks the manifest.json of the app package
// against the Teams schema of its manifestVersion, and that the package
// holds the icons it names. (cmd/herald checks the icons' sizes and colours.)
func TestPackageMatchesTeamsSchema(t *testing.T) {
	sch := mustTeamsSchema(t)
	long := manifestOptions(t, "de")
	long.Name = strings.Repeat("Veränderung ", 4)
	long.Description = strings.Repeat("Kernbotschaften, Lob und Umfragen. ", 5)
	long.Long = strings.Repeat("herald hilft, eine Veränderung durchzutragen. ", 100)
	long.BaseURL = "https://herald.example.org/teams/"
	var cmds []teams.Command // more than Teams takes, each too long
	for i := range 12 {
		cmds = append(cmds, teams.Command{Title: strings.Repeat("befehl", 6) + strconv.Itoa(i), Description: strings.Repeat("Beschreibung ", 12)})
	}
	long.Commands = append(cmds, long.Commands...)
	tests := []struct {
		name string
		give teams.ManifestOptions
	}{
		{"required options only", teams.ManifestOptions{AppID: "00000000-1111-2222-3333-444444444444", BaseURL: "https://herald.example.org"}},
		{"as herald teams-manifest writes it", manifestOptions(t, "en")},
		{"in German", manifestOptions(t, "de")},
		{"texts over Teams' limits", long},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg, err := teams.Package(tt.give)
			if err != nil {
				t.Fatalf("Package: %v", err)
			}
			files := unzip(t, pkg)
			raw := files["manifest.json"]
			if err := sch.Validate(schematest.MustDecode(t, raw)); err != nil {
				t.Errorf("manifest.json does not match the Teams %s schema: %v\n%s", teams.ManifestVersion, err, raw)
			}
			var m struct {
				Icons struct{ Color, Outline string }
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(func(yield func(string) bool) {
				for name := range files {
					if !yield(name) {
						return
					}
				}
			})
			want := slices.Sorted(slices.Values([]string{"manifest.json", m.Icons.Color, m.Icons.Outline}))
			if !slices.Equal(got, want) {
				t.Errorf("package files: got %v, want %v (the manifest and the icons it names, at the root)", got, want)
			}
		})
	}
}

// TestTeamsSchemaRefusesBrokenManifests shows the check catches what Teams
// would refuse, each broken in one place from herald's own manifest.
func TestTeamsSchemaRefusesBrokenManifests(t *testing.T) {
	sch := mustTeamsSchema(t)
	pkg, err := teams.Package(manifestOptions(t, "en"))
	if err != nil {
		t.Fatal(err)
	}
	raw := unzip(t, pkg)["manifest.json"]
	tests := []struct {
		name    string
		give    func(m map[string]any)
		wantErr bool
	}{
		{"as generated", func(map[string]any) {}, false},
		{"no icons", func(m map[string]any) { delete(m, "icons") }, true},
		// The schema pins manifestVersion with "const", which its draft-04
		// doesn't have (it came with draft-06), so only its presence is
		// checked here; mustTeamsSchema pins the version herald writes.
		{"no manifest version", func(m map[string]any) { delete(m, "manifestVersion") }, true},
		{"id not a GUID", func(m map[string]any) { m["id"] = "herald-bot" }, true},
		{"unknown property", func(m map[string]any) { m["botName"] = "herald" }, true},
		{"accent colour by name", func(m map[string]any) { m["accentColor"] = "indigo" }, true},
		{"unknown bot scope", func(m map[string]any) { m["bots"].([]any)[0].(map[string]any)["scopes"] = []any{"channel"} }, true},
		{"privacy page over http", func(m map[string]any) { m["developer"].(map[string]any)["privacyUrl"] = "herald.example.org/privacy" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := schematest.MustDecode(t, raw).(map[string]any)
			tt.give(m)
			err := sch.Validate(m)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("got error %v, want an error: %v", err, tt.wantErr)
			}
		})
	}
}

// teamsCardDocs documents the Teams extension of Adaptive Cards herald uses.
const teamsCardDocs = "https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format"

// mentionText is the text of a mention entity, as it appears in the card.
var mentionText = regexp.MustCompile(`^<at>[^<>]+</at>$`)

// checkCard validates an Adaptive Card as herald sends it to Teams against
// the Adaptive Card 1.5 schema. That schema allows no property it doesn't
// define, and it doesn't define "msteams", the card property Teams
// documents for a full-width card and for mentions (teamsCardDocs, "Full
// width Adaptive Card" and "Mention support within Adaptive Cards"). So
// "msteams" is checked here against those docs, and the card without that
// one key against the schema; nothing else is taken out.
func checkCard(tb testing.TB, sch *jsonschema.Schema, raw []byte) error {
	tb.Helper()
	card, ok := schematest.MustDecode(tb, raw).(map[string]any)
	if !ok {
		return errors.New("the card is not a JSON object")
	}
	if ext, ok := card["msteams"]; ok {
		if err := checkTeamsExtension(ext, card["body"]); err != nil {
			return fmt.Errorf("msteams (%s): %w", teamsCardDocs, err)
		}
	}
	rest := make(map[string]any, len(card))
	for k, v := range card {
		if k != "msteams" {
			rest[k] = v
		}
	}
	return sch.Validate(rest)
}

// checkTeamsExtension checks a card's "msteams" against Teams' docs: an
// object of "width", which is "Full", and "entities", each a mention whose
// <at>text</at> appears in the card's body.
func checkTeamsExtension(ext, body any) error {
	m, ok := ext.(map[string]any)
	if !ok {
		return fmt.Errorf("got %T, want an object", ext)
	}
	for k, v := range m {
		switch k {
		case "width":
			if v != "Full" {
				return fmt.Errorf("width: got %v, want Full", v)
			}
		case "entities":
			es, ok := v.([]any)
			if !ok {
				return fmt.Errorf("entities: got %T, want an array", v)
			}
			texts := strings.Join(bodyTexts(body, nil), "\n")
			for i, e := range es {
				if err := checkMention(e, texts); err != nil {
					return fmt.Errorf("entities[%d]: %w", i, err)
				}
			}
		default:
			return fmt.Errorf("%q is not a property Teams documents", k)
		}
	}
	return nil
}

// checkMention checks a mention entity: type "mention", its text as in the
// card, and the person mentioned by id (and name).
func checkMention(e any, texts string) error {
	m, ok := e.(map[string]any)
	if !ok {
		return fmt.Errorf("got %T, want an object", e)
	}
	text, _ := m["text"].(string)
	who, _ := m["mentioned"].(map[string]any)
	id, _ := who["id"].(string)
	_, named := who["name"].(string)
	switch {
	case len(m) != 3 || m["type"] != "mention":
		return fmt.Errorf("got %v, want type, text and mentioned, of type mention", m)
	case !mentionText.MatchString(text) || !strings.Contains(texts, text):
		return fmt.Errorf("text %q is not an <at>…</at> in the card", text)
	case id == "" || len(who) > 2 || len(who) == 2 && !named:
		return fmt.Errorf("mentioned: got %v, want an id and a name", who)
	}
	return nil
}

// bodyTexts collects every text and fact value in a card's body.
func bodyTexts(v any, out []string) []string {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			out = bodyTexts(e, out)
		}
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && (k == "text" || k == "value") {
				out = append(out, s)
			}
			out = bodyTexts(e, out)
		}
	}
	return out
}

// TestCardGoldensMatchAdaptiveCardSchema checks every card golden file.
func TestCardGoldensMatchAdaptiveCardSchema(t *testing.T) {
	sch := mustCardSchema(t)
	paths, err := filepath.Glob(filepath.Join("testdata", "card-*.golden"))
	if err != nil || len(paths) < 9 {
		t.Fatalf("card goldens: got %d (%v), want every card-*.golden of TestCardGolden", len(paths), err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := checkCard(t, sch, raw); err != nil {
				t.Errorf("%s does not match the Adaptive Card 1.5 schema: %v", p, err)
			}
		})
	}
}

// reply is the core's real reply to text from a Teams user who speaks lang.
func reply(t *testing.T, lang, text string) bot.Message {
	t.Helper()
	user := bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: "T", ID: "29:a", Name: "Anna"}
	return bottest.MustReply(t, bot.Request{User: user, Channel: user.Same(bot.ChannelRef, "a:1", ""), Text: text, Lang: lang})
}

// TestCardsMatchAdaptiveCardSchema renders a broad set of messages, the
// core's own replies among them, and checks each card.
func TestCardsMatchAdaptiveCardSchema(t *testing.T) {
	sch := mustCardSchema(t)
	tenant := bot.Ref{Platform: bot.Teams, Workspace: "11111111-2222-3333-4444-555555555555"}
	anna := tenant.Same(bot.UserRef, "29:1aBcD", "Anna Example")
	ben := tenant.Same(bot.UserRef, "29:2eFgH", "")
	wins := tenant.Same(bot.ChannelRef, "19:wins@thread.tacv2", "wins")
	long := strings.Repeat("Eine lange Antwort in eigenen Worten, die niemand kürzen wollte. ", 40)
	var many []bot.Button
	for i := range 13 {
		many = append(many, bot.Button{Label: "Option " + strconv.Itoa(i), Action: "pulse.answer", Value: "P1|1|" + strconv.Itoa(i)})
	}
	tests := []struct {
		name string
		give bot.Message
	}{
		{"help en", reply(t, "en", "help")},
		{"help de", reply(t, "de", "hilfe")},
		{"help shoutout en", reply(t, "en", "help shoutout")},
		{"help feedback de", reply(t, "de", "hilfe feedback")},
		{"privacy en", reply(t, "en", "privacy")},
		{"privacy de", reply(t, "de", "datenschutz")},
		{"unknown command de", reply(t, "de", "umfrage lösch")},
		{"shoutout with mentions", bot.Message{
			To: wins, Header: "🎉 Shout-out",
			Text:   bot.Text{bot.Mention(anna), bot.Str(" praised "), bot.Mention(ben), bot.Str("\nshipped the CRM rollout")},
			Fields: []bot.Field{{Label: "Values", Value: bot.Plain("#customer-first")}, {Label: "Team", Value: bot.Text{bot.Mention(anna)}}},
		}},
		{"key message", bot.Message{
			To: anna, Header: "📣 Kernbotschaft",
			Text:    bot.Text{bot.Bold("Bitte lesen:"), bot.Str(" Die neue Reiserichtlinie gilt ab 1. Dezember.")},
			Buttons: []bot.Button{{Label: "Weitergegeben", Action: "keymsg.ack", Value: "1|100", Style: "primary"}, {Label: "Abbestellen", Action: "keymsg.stop", Value: "1", Style: "danger"}},
			Context: "K1 · jeden Montag um 9:00",
		}},
		{"pulse DM, eNPS", bot.Message{
			To: ben, Header: "📊 Pulse survey",
			Text:    bot.Plain("How likely are you to recommend working here?"),
			Rating:  &bot.Rating{Action: "pulse.answer", Value: "P1|1|0", Min: 0, Max: 10, MinLabel: "Not at all likely", MaxLabel: "Extremely likely"},
			Context: "🔒 Anonymous: your answer is stored without your name.",
		}},
		{"pulse DM, 1 to 5", bot.Message{
			To: ben, Header: "📊 Können/Wollen-Check", Text: bot.Plain("Frage 1 von 2:\nIch kann auf die neue Art arbeiten."),
			Rating: &bot.Rating{Action: "pulse.answer", Value: "P2|1|0", Min: 1, Max: 5, MinLabel: "stimme gar nicht zu", MaxLabel: "stimme voll zu"},
		}},
		{"pulse DM, many choices", bot.Message{To: ben, Header: "📊 Which training?", Buttons: many}},
		{"results with a chart", bot.Message{
			Ephemeral: true, Header: "📊 Results: Can/want check (round P1.1)",
			Text:   bot.Plain("Response rate: 5 of 6 (83%)\n\n1. I can work the new way.\n  Average 3.2 of 5\n   1 ████················ 1"),
			Fields: []bot.Field{{Label: "Able & willing", Value: bot.Plain("2 (40%)")}},
			Image:  &bot.Image{PNG: pngOf(t, 960, 400), Alt: "Chart of the results"},
		}},
		{"results with a chart shrunk to fit", bot.Message{Header: "Results", Image: &bot.Image{PNG: noisyPNG(t, 960, 400), Alt: "chart"}}},
		{"results asked with names", bottest.ResultsAnonymity(anna, ben)},
		{"export shown as text", bot.Message{Ephemeral: true, Text: bot.Plain("5 answer rows of round P1.1, without names."), File: export(5)}},
		{"export too large for a card", bot.Message{Text: bot.Plain("Export"), File: export(5000)}},
		{"long card cut to fit", bot.Message{Header: "Results", Fields: []bot.Field{{Label: "Q", Value: bot.Plain(strings.Repeat(long+"\n", 20))}}, Buttons: []bot.Button{{Label: "OK", Action: "a"}}}},
		{"empty", bot.Message{}},
	}
	tr := catalogT(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := teams.CardJSON(tt.give, tr)
			if err := checkCard(t, sch, raw); err != nil {
				t.Errorf("card does not match the Adaptive Card 1.5 schema: %v\n%.4000s", err, raw)
			}
		})
	}
}

// TestSentCardsMatchAdaptiveCardSchema checks cards as the client posts
// them, download links and the channel names it learnt included.
func TestSentCardsMatchAdaptiveCardSchema(t *testing.T) {
	sch := mustCardSchema(t)
	c, fake := linkClient(t)
	wins := bot.Ref{Kind: bot.ChannelRef, Platform: bot.Teams, Workspace: tenant, ID: "19:wins@thread.tacv2"}
	c.Learn(map[string]string{"19:ideas@thread.tacv2": "ideas"})
	msgs := []bot.Message{
		{To: wins, Header: "Export", File: export(5000), Image: &bot.Image{PNG: append(pngOf(t, 1200, 900), make([]byte, 40<<10)...), Alt: "chart"}},
		{To: wins, Text: bot.Text{bot.Str("Ideas go to "), bot.Mention(wins.Same(bot.ChannelRef, "19:ideas@thread.tacv2", ""))}},
	}
	for _, m := range msgs {
		if err := c.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	calls := fake.Calls("/activities")
	if len(calls) != len(msgs) {
		t.Fatalf("posted: got %d activities, want %d", len(calls), len(msgs))
	}
	for _, call := range calls {
		var act struct {
			Attachments []struct {
				ContentType string          `json:"contentType"`
				Content     json.RawMessage `json:"content"`
			} `json:"attachments"`
		}
		if err := json.Unmarshal(call.Body, &act); err != nil {
			t.Fatal(err)
		}
		if len(act.Attachments) != 1 || act.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" {
			t.Fatalf("posted %s, want one Adaptive Card", call.Body)
		}
		if err := checkCard(t, sch, act.Attachments[0].Content); err != nil {
			t.Errorf("posted card does not match the Adaptive Card 1.5 schema: %v\n%.4000s", err, call.Body)
		}
	}
}

// TestCardSchemaRefusesBrokenCards shows the check catches broken cards,
// each broken in one place from a card herald renders, Teams extension
// included.
func TestCardSchemaRefusesBrokenCards(t *testing.T) {
	sch := mustCardSchema(t)
	anna := bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: "T", ID: "29:1aBcD", Name: "Anna"}
	raw := teams.CardJSON(bot.Message{
		Header: "📣 Key message", Text: bot.Text{bot.Mention(anna), bot.Str(", please read")},
		Buttons: []bot.Button{{Label: "Got it", Action: "keymsg.ack", Value: "1|100"}},
	}, catalogT(t))
	body := func(c map[string]any, i int) map[string]any { return c["body"].([]any)[i].(map[string]any) }
	ext := func(c map[string]any) map[string]any { return c["msteams"].(map[string]any) }
	mention := func(c map[string]any) map[string]any { return ext(c)["entities"].([]any)[0].(map[string]any) }
	tests := []struct {
		name    string
		give    func(c map[string]any)
		wantErr bool
	}{
		{"as rendered", func(map[string]any) {}, false},
		{"unknown element type", func(c map[string]any) { body(c, 0)["type"] = "Heading" }, true},
		{"text block without text", func(c map[string]any) { delete(body(c, 0), "text") }, true},
		{"unknown property", func(c map[string]any) { body(c, 0)["colour"] = "accent" }, true},
		{"unknown size", func(c map[string]any) { body(c, 0)["size"] = "Huge" }, true},
		{"unknown action", func(c map[string]any) { body(c, 2)["actions"].([]any)[0].(map[string]any)["type"] = "Action.Click" }, true},
		{"not a card", func(c map[string]any) { c["type"] = "HeroCard" }, true},
		{"Teams: unknown width", func(c map[string]any) { ext(c)["width"] = "Wide" }, true},
		{"Teams: undocumented property", func(c map[string]any) { ext(c)["height"] = "Full" }, true},
		{"Teams: mention not in the card", func(c map[string]any) { mention(c)["text"] = "<at>Ben</at>" }, true},
		{"Teams: mention without id", func(c map[string]any) { delete(mention(c)["mentioned"].(map[string]any), "id") }, true},
		{"Teams: not a mention", func(c map[string]any) { mention(c)["type"] = "clientInfo" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := schematest.MustDecode(t, raw).(map[string]any)
			tt.give(c)
			broken, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			err = checkCard(t, sch, broken)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("got error %v, want an error: %v\n%s", err, tt.wantErr, broken)
			}
		})
	}
}
