package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot/slack/fakeslack"
)

func TestPrivacyAndTermsPages(t *testing.T) {
	fake := fakeslack.New(t)
	base := MustServe(t, map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-pages", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": fake.GetAPIURL(),
		"HERALD_LANG":       "de",
		"HERALD_TERMS_TEXT": `Nur für Beschäftigte der Beispiel <GmbH>.\n\nFragen an it@example.org.`,
	})
	tests := []struct {
		path  string
		wants []string
	}{
		{"/privacy", []string{`<html lang="de">`, "<h1>herald: Datenschutz</h1>", "<p>herald wird von deiner Organisation"}},
		{"/terms", []string{"<p>Nur für Beschäftigte der Beispiel &lt;GmbH&gt;.</p>", "<p>Fragen an it@example.org.</p>"}},
	}
	for _, tt := range tests {
		resp, err := http.Get(base + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: got %d %s, want 200 text/html", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range tt.wants {
			if !strings.Contains(string(body), want) {
				t.Errorf("%s: want %q in\n%s", tt.path, want, body)
			}
		}
	}
}
