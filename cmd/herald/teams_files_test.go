package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

// teamsAttachment is an attachment of an activity herald sent.
type teamsAttachment struct {
	ContentType string          `json:"contentType"`
	ContentURL  string          `json:"contentUrl"`
	Name        string          `json:"name"`
	Content     json.RawMessage `json:"content"`
}

// attachmentsTo returns the attachments of kind herald posted in conversation,
// with the call that posted each.
func attachmentsTo(t *testing.T, fake *fakebf.Server, conversation, kind string) ([]teamsAttachment, []fakebf.Call) {
	t.Helper()
	var out []teamsAttachment
	var calls []fakebf.Call
	for _, c := range fake.Calls("/activities") {
		if c.Method != http.MethodPost || c.Conversation != conversation {
			continue
		}
		var act struct{ Attachments []teamsAttachment }
		if err := json.Unmarshal(c.Body, &act); err != nil {
			t.Fatal(err)
		}
		for _, a := range act.Attachments {
			if a.ContentType == kind {
				out, calls = append(out, a), append(calls, c)
			}
		}
	}
	return out, calls
}

// TestTeamsExportArrivesAsAFile drives herald as an admin would without
// HERALD_PUBLIC_URL: a pulse is answered and closed, Anna (German Teams)
// exports it in her chat with herald, allows the file, and gets it in her
// OneDrive with a file card; the core, the store (Redis when REDIS_URL is
// set) and the adapter are the real ones.
func TestTeamsExportArrivesAsAFile(t *testing.T) {
	fake, _, post := serveTeams(t, map[string]string{
		"HERALD_ADMINS":        "29:1aBcD",
		"HERALD_ANONYMITY_MIN": "3",
	})
	cat, err := bot.NewCatalog("en")
	if err != nil {
		t.Fatal(err)
	}
	de := func(key string, args ...any) string { return cat.T("de", key, args...) }
	say := func(id, text string) {
		post(teamsActivity(t, "message-activity.json", fake, map[string]any{"id": id, "text": "<at>herald</at> " + text}))
	}

	// Anna asks Ben, who answers 4; she closes the round.
	say("1700000000001", `pulse new &quot;Is the rollout going well?&quot; type=scale5 to=<at>Ben</at> anonymous=no`)
	dm := "a:dm-29:2eFgH"
	_, buttons := cardTexts(t, lastTo(t, fake, dm, "Is the rollout going well?").Body)
	var four map[string]any
	if err := json.Unmarshal(buttons["4"], &four); err != nil {
		t.Fatalf("button 4: %v", err)
	}
	post(teamsActivity(t, "card-submit-activity.json", fake, map[string]any{
		"id": "1700000000002", "replyToId": "card-1", "from": map[string]any{"id": "29:2eFgH", "name": "Ben"},
		"conversation": map[string]any{"id": dm, "conversationType": "personal", "tenantId": teamsTenant},
		"value":        four, "locale": "en-US",
	}))
	lastTo(t, fake, dm, "Thanks")
	say("1700000000003", "pulse close P1")
	lastTo(t, fake, "a:1xYz", de("pulse.res.rate", 1, 1, 100))

	// The export: a consent card in Anna's chat, with the export's words
	// and no content.
	say("1700000000004", "pulse export P1")
	var cards []teamsAttachment
	var calls []fakebf.Call
	if !bottest.Eventually(t, 10*time.Second, func() bool {
		cards, calls = attachmentsTo(t, fake, "a:1xYz", "application/vnd.microsoft.teams.card.file.consent")
		return len(cards) == 1
	}) {
		t.Fatalf("no file consent card in Anna's chat; calls: %+v", fake.Calls(""))
	}
	var consent struct {
		Description   string          `json:"description"`
		SizeInBytes   int             `json:"sizeInBytes"`
		AcceptContext json.RawMessage `json:"acceptContext"`
	}
	if err := json.Unmarshal(cards[0].Content, &consent); err != nil {
		t.Fatal(err)
	}
	if cards[0].Name != "pulse-p1-round-1.csv" || !strings.HasPrefix(consent.Description, strings.SplitN(de("pulse.export.done.named", 1, "P1.1"), "\n", 2)[0]) || consent.SizeInBytes == 0 {
		t.Fatalf("consent card: got %s, want pulse-p1-round-1.csv described in German", calls[0].Body)
	}

	// Anna allows it: the file goes to her OneDrive, whole.
	allow := func(id, upload string) {
		post(fake.FileConsent(fakebf.Consent{
			ID: id, ReplyToID: calls[0].Created, From: fakebf.Member{ID: "29:1aBcD", Name: "Anna Example"},
			Conversation: "a:1xYz", Tenant: teamsTenant, Locale: "de-DE",
			Action: "accept", Context: consent.AcceptContext, Name: cards[0].Name, UploadID: upload,
		}))
	}
	allow("invoke-1", "upload-1")
	up := fake.WaitForUploads(t, 1, 10*time.Second)[0]
	n := len(up.Body)
	if n != consent.SizeInBytes || up.ContentRange != fmt.Sprintf("bytes 0-%d/%d", n-1, n) || up.ContentLength != strconv.Itoa(n) {
		t.Errorf("upload: got %d bytes, Content-Range %q, Content-Length %q; want the %d bytes the card announced, in one range", n, up.ContentRange, up.ContentLength, consent.SizeInBytes)
	}
	if !bytes.HasPrefix(up.Body, []byte(de("pulse.csv.round")+",")) || !bytes.Contains(up.Body, []byte("Ben")) || !bytes.Contains(up.Body, []byte(",4")) {
		t.Errorf("uploaded CSV: got %q, want the German export with Ben's 4", up.Body)
	}
	if !bottest.Eventually(t, 10*time.Second, func() bool {
		infos, _ := attachmentsTo(t, fake, "a:1xYz", "application/vnd.microsoft.teams.card.file.info")
		return len(infos) == 1 && infos[0].Name == "pulse-p1-round-1.csv"
	}) {
		t.Fatalf("no file info card in Anna's chat; calls: %+v", fake.Calls(""))
	}

	// Allowing the same card again sends nothing twice.
	allow("invoke-2", "upload-2")
	lastTo(t, fake, "a:1xYz", de("teams.file.already", "pulse-p1-round-1.csv"))
	if infos, _ := attachmentsTo(t, fake, "a:1xYz", "application/vnd.microsoft.teams.card.file.info"); len(fake.Uploads()) != 1 || len(infos) != 1 {
		t.Errorf("after a second Allow: got %d uploads and %d file cards, want 1 and 1", len(fake.Uploads()), len(infos))
	}
}
