package slack_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/herald-chat/herald/bot/internal/schematest"
	slackbot "github.com/herald-chat/herald/bot/slack"
)

// manifestSchemaID is the $id of the entry point of Slack's manifest schema
// (testdata/schema/README.md says where the files come from).
const manifestSchemaID = "https://github.com/slackapi/manifest-schema/blob/main/manifest.schema.json"

// mustManifestSchema compiles Slack's app manifest schema from testdata,
// offline: the entry point refers to the versioned schemas by URL, and
// those URLs are served from the copies beside it.
func mustManifestSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	dir := filepath.Join("testdata", "schema")
	// The entry point is draft-07; the versioned files name their draft only at their end.
	return schematest.MustCompile(tb, jsonschema.Draft7, manifestSchemaID, map[string]string{
		manifestSchemaID: filepath.Join(dir, "manifest.schema.json"),
		"https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.1.0.0.json": filepath.Join(dir, "manifest.schema.1.0.0.json"),
		"https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.2.0.0.json": filepath.Join(dir, "manifest.schema.2.0.0.json"),
	})
}

// manifestDoc turns a YAML manifest into the JSON value the schema checks,
// as Slack reads a YAML manifest as the same document in JSON.
func manifestDoc(tb testing.TB, manifest []byte) any {
	tb.Helper()
	var v any
	if err := yaml.Unmarshal(manifest, &v); err != nil {
		tb.Fatalf("manifest is not YAML: %v\n%s", err, manifest)
	}
	js, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("manifest as JSON: %v", err)
	}
	return schematest.MustDecode(tb, js)
}

// TestManifestMatchesSlackSchema checks every variant of the manifest
// against Slack's own schema.
func TestManifestMatchesSlackSchema(t *testing.T) {
	sch := mustManifestSchema(t)
	tests := []struct {
		name string
		give slackbot.ManifestOptions
	}{
		{"http", slackbot.ManifestOptions{BaseURL: "https://herald.example.org/"}},
		{"http-de", slackbot.ManifestOptions{BaseURL: "https://herald.example.org", Lang: "de"}},
		{"socket-mode", slackbot.ManifestOptions{SocketMode: true}},
		{"socket-mode-de", slackbot.ManifestOptions{SocketMode: true, Lang: "de"}},
		{"named", slackbot.ManifestOptions{BaseURL: "https://herald.example.org", Name: "Change Office"}},
		{"long-name", slackbot.ManifestOptions{BaseURL: "https://herald.example.org", Name: strings.Repeat("Transformation ", 6)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := slackbot.Manifest(tt.give)
			if err != nil {
				t.Fatalf("Manifest(%+v): %v", tt.give, err)
			}
			if err := sch.Validate(manifestDoc(t, out)); err != nil {
				t.Errorf("manifest does not match Slack's schema: %v\n%s", err, out)
			}
		})
	}
}

// TestSlackSchemaRefusesBrokenManifests shows the check catches what Slack
// would refuse, each broken in one place from herald's own manifest.
func TestSlackSchemaRefusesBrokenManifests(t *testing.T) {
	sch := mustManifestSchema(t)
	out, err := slackbot.Manifest(slackbot.ManifestOptions{BaseURL: "https://herald.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		give    func(m map[string]any)
		wantErr bool
	}{
		{"as generated", func(map[string]any) {}, false},
		{"no display name", func(m map[string]any) { delete(obj(m, "display_information"), "name") }, true},
		{"unknown setting", func(m map[string]any) { obj(m, "settings")["socket_mode"] = true }, true},
		{"command without slash", func(m map[string]any) {
			obj(m, "features")["slash_commands"].([]any)[0].(map[string]any)["command"] = "herald"
		}, true},
		{"request URL not http", func(m map[string]any) {
			obj(obj(m, "settings"), "interactivity")["request_url"] = "herald.example.org/slack"
		}, true},
		{"unknown major version", func(m map[string]any) { obj(m, "_metadata")["major_version"] = 3 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := manifestDoc(t, out).(map[string]any)
			tt.give(doc)
			err := sch.Validate(doc)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("got error %v, want an error: %v", err, tt.wantErr)
			}
		})
	}
}

// obj is m[key] as a JSON object.
func obj(m map[string]any, key string) map[string]any {
	return m[key].(map[string]any)
}
