package teams_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/bot/teams"
	"github.com/herald-chat/herald/bot/teams/fakebf"
)

const (
	consentType  = "application/vnd.microsoft.teams.card.file.consent"
	fileInfoType = "application/vnd.microsoft.teams.card.file.info"
	exportText   = "4 answer rows of round P1.1, without names."
	annaChat     = "a:1xYz" // the fixture's 1:1 chat
	annaDM       = "a:dm-29:1aBcD"
	channelConv  = "19:abc@thread.tacv2;messageid=1700000000000"
)

var anna = fakebf.Member{ID: "29:1aBcD", Name: "Anna Example"}

// csvExport is a pulse export as the core makes it.
func csvExport() *bot.File {
	return &bot.File{Name: "pulse-p1-round-1.csv", Type: "text/csv",
		Content: []byte("round,\"1. I can work the new way\"\n1,4\n1,2\n1,5\n1,1\n")}
}

// exportHarness runs an adapter whose core answers every request with an
// export, as pulse export does (Ephemeral), and keeps files in memory.
func exportHarness(t *testing.T, configure ...func(*teams.Config)) (*harness, *memFiles) {
	t.Helper()
	files := &memFiles{}
	hs := mustAdapterWith(t, func(bot.Request) *bot.Message {
		return &bot.Message{Ephemeral: true, Text: bot.Plain(exportText), File: csvExport()}
	}, func(c *teams.ClientConfig) { c.Files = files }, configure...)
	return hs, files
}

// sent is an activity herald sent, decoded.
type sent struct {
	fakebf.Call
	ReplyToID   string `json:"replyToId"`
	Attachments []struct {
		ContentType string          `json:"contentType"`
		ContentURL  string          `json:"contentUrl"`
		Name        string          `json:"name"`
		Content     json.RawMessage `json:"content"`
	} `json:"attachments"`
}

// sentTo returns the activities herald posted (new or replies) in
// conversation (a thread of it too) whose first attachment is of kind.
func sentTo(t *testing.T, fake *fakebf.Server, conversation, kind string) []sent {
	t.Helper()
	var out []sent
	for _, c := range fake.Calls("/activities") {
		if c.Method != http.MethodPost || c.Conversation != conversation && !strings.HasPrefix(c.Conversation, conversation+";") {
			continue
		}
		s := sent{Call: c}
		if err := json.Unmarshal(c.Body, &s); err != nil {
			t.Fatal(err)
		}
		if len(s.Attachments) > 0 && s.Attachments[0].ContentType == kind {
			out = append(out, s)
		}
	}
	return out
}

// waitSent waits until n activities of kind were posted in conversation and
// returns them.
func waitSent(t *testing.T, fake *fakebf.Server, conversation, kind string, n int) []sent {
	t.Helper()
	var got []sent
	if !bottest.Eventually(t, 5*time.Second, func() bool {
		got = sentTo(t, fake, conversation, kind)
		return len(got) >= n
	}) {
		t.Fatalf("got %d %s activities in %s, want %d; calls: %+v", len(got), kind, conversation, n, fake.Calls(""))
	}
	return got
}

// texts returns the texts of an Adaptive Card activity, without Teams'
// markdown escapes.
func texts(t *testing.T, s sent) string {
	t.Helper()
	var out []string
	for _, a := range s.Attachments {
		var card struct {
			Body []struct {
				Text string `json:"text"`
			} `json:"body"`
		}
		if err := json.Unmarshal(a.Content, &card); err != nil {
			t.Fatal(err)
		}
		for _, b := range card.Body {
			out = append(out, strings.ReplaceAll(b.Text, `\`, ""))
		}
	}
	return strings.Join(out, "\n")
}

// waitNote waits until herald said want in conversation (n times in all)
// and returns the last card that says it.
func waitNote(t *testing.T, fake *fakebf.Server, conversation, want string, n int) sent {
	t.Helper()
	var found []sent
	if !bottest.Eventually(t, 5*time.Second, func() bool {
		found = slices.DeleteFunc(sentTo(t, fake, conversation, "application/vnd.microsoft.card.adaptive"),
			func(s sent) bool { return !strings.Contains(texts(t, s), want) })
		return len(found) >= n
	}) {
		var seen []string
		for _, s := range sentTo(t, fake, conversation, "application/vnd.microsoft.card.adaptive") {
			seen = append(seen, texts(t, s))
		}
		t.Fatalf("herald said %q %d times in %s, want %d; it said:\n%s", want, len(found), conversation, n, strings.Join(seen, "\n"))
	}
	return found[len(found)-1]
}

// askExport has Anna ask for an export in conversation (her 1:1 chat when
// nil) with her Teams in locale.
func askExport(t *testing.T, hs *harness, locale string, conversation map[string]any) {
	t.Helper()
	edits := map[string]any{"text": "pulse export P1", "locale": locale}
	if conversation != nil {
		edits["conversation"] = conversation
	}
	if got := hs.fake.Post(t, hs.url, appID, fixture(t, "message-activity.json", hs.fake.ServiceURL(), edits)); got != http.StatusOK {
		t.Fatalf("export: got %d, want 200", got)
	}
}

// consentCard is the content of a file consent card.
type consentCard struct {
	Description    string          `json:"description"`
	SizeInBytes    int             `json:"sizeInBytes"`
	AcceptContext  json.RawMessage `json:"acceptContext"`
	DeclineContext json.RawMessage `json:"declineContext"`
}

func (s sent) consent(t *testing.T) consentCard {
	t.Helper()
	var c consentCard
	if err := json.Unmarshal(s.Attachments[0].Content, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// answer sends Anna's (or c.From's) answer to the consent card card and
// checks that it is taken with 200.
func answer(t *testing.T, hs *harness, card sent, c fakebf.Consent) {
	t.Helper()
	c.ReplyToID = card.Created
	c.Name = card.Attachments[0].Name
	if c.From.ID == "" {
		c.From = anna
	}
	if c.Conversation == "" {
		c.Conversation = card.Conversation
	}
	if c.Tenant == "" {
		c.Tenant = tenant
	}
	cc := card.consent(t)
	c.Context = cc.AcceptContext
	if c.Action == "decline" {
		c.Context = cc.DeclineContext
	}
	if got := hs.fake.Post(t, hs.url, appID, hs.fake.FileConsent(c)); got != http.StatusOK {
		t.Fatalf("%s answer: got %d, want 200", c.Action, got)
	}
}

func TestExportInA1to1ChatArrivesAsAFile(t *testing.T) {
	hs, files := exportHarness(t)
	de := func(key string, args ...any) string { return hs.h.cat.T("de", key, args...) }
	csv := csvExport()
	askExport(t, hs, "de-DE", nil)

	card := waitSent(t, hs.fake, annaChat, consentType, 1)[0]
	if card.Path != "/v3/conversations/"+annaChat+"/activities/1700000000000" || card.ReplyToID != "1700000000000" {
		t.Errorf("consent card: got %s %s replying to %q, want a reply to Anna's message", card.Method, card.Path, card.ReplyToID)
	}
	if len(card.Attachments) != 1 || card.Attachments[0].Name != csv.Name {
		t.Fatalf("consent card: got %s, want one attachment named %s", card.Body, csv.Name)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(card.Attachments[0].Content, &keys); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(func(yield func(string) bool) {
		for k := range keys {
			if !yield(k) {
				return
			}
		}
	})
	if want := []string{"acceptContext", "declineContext", "description", "sizeInBytes"}; !slices.Equal(got, want) {
		t.Errorf("consent card content: got keys %v, want %v", got, want)
	}
	cc := card.consent(t)
	var accept struct{ File string }
	if err := json.Unmarshal(cc.AcceptContext, &accept); err != nil || accept.File == "" || !bytes.Equal(cc.AcceptContext, cc.DeclineContext) {
		t.Errorf("contexts: got accept %s, decline %s; want the same file id in both", cc.AcceptContext, cc.DeclineContext)
	}
	if cc.Description != exportText || cc.SizeInBytes != len(csv.Content) {
		t.Errorf("consent card: got %q, %d bytes; want %q, %d bytes", cc.Description, cc.SizeInBytes, exportText, len(csv.Content))
	}
	if bytes.Contains(card.Body, []byte("I can work")) {
		t.Errorf("the consent card holds the file's content: %s", card.Body)
	}
	stored, ttls := files.stored()
	if len(stored) != 1 {
		t.Fatalf("stored files: got %d, want 1", len(stored))
	}
	for id, f := range stored {
		if id == accept.File || !bytes.Equal(f.Content, csv.Content) || ttls[id] != teams.ConsentTTL {
			t.Errorf("stored: got %q (%d bytes, TTL %v) for card id %q; want the CSV for %v under a key bound to Anna and her chat", id, len(f.Content), ttls[id], accept.File, teams.ConsentTTL)
		}
	}

	answer(t, hs, card, fakebf.Consent{ID: "invoke-1", Action: "accept", Locale: "de-DE", UploadID: "upload-1"})
	up := hs.fake.WaitForUploads(t, 1, 5*time.Second)[0]
	n := len(csv.Content)
	if !bytes.Equal(up.Body, csv.Content) || up.ContentRange != fmt.Sprintf("bytes 0-%d/%d", n-1, n) || up.ContentLength != strconv.Itoa(n) || up.Auth != "" {
		t.Errorf("upload: got %d bytes, Content-Range %q, Content-Length %q, Authorization %q; want the %d CSV bytes, bytes 0-%d/%d, %d, none",
			len(up.Body), up.ContentRange, up.ContentLength, up.Auth, n, n-1, n, n)
	}
	info := waitSent(t, hs.fake, annaChat, fileInfoType, 1)[0]
	a := info.Attachments[0]
	var content struct{ UniqueID, FileType string }
	if err := json.Unmarshal(a.Content, &content); err != nil {
		t.Fatal(err)
	}
	if a.Name != csv.Name || a.ContentURL != "https://contoso.sharepoint.com/personal/files/"+csv.Name || content.UniqueID != "unique-upload-1" || content.FileType != "csv" {
		t.Errorf("file info card: got %s, want the uploaded file's name, contentUrl, uniqueId and fileType", info.Body)
	}
	if !bottest.Eventually(t, 5*time.Second, func() bool {
		return slices.ContainsFunc(hs.fake.Calls(""), func(c fakebf.Call) bool {
			return c.Method == http.MethodDelete && c.Path == "/v3/conversations/"+annaChat+"/activities/"+card.Created
		})
	}) {
		t.Errorf("the answered consent card %s was not removed; calls: %+v", card.Created, hs.fake.Calls(""))
	}

	// The same card answered again (another device, or before it was
	// removed): herald says so, and nothing is sent twice.
	answer(t, hs, card, fakebf.Consent{ID: "invoke-2", Action: "accept", Locale: "de-DE", UploadID: "upload-2"})
	waitNote(t, hs.fake, annaChat, de("teams.file.already", csv.Name), 1)
	if n, m := len(hs.fake.Uploads()), len(sentTo(t, hs.fake, annaChat, fileInfoType)); n != 1 || m != 1 {
		t.Errorf("after a second accept: got %d uploads and %d file cards, want 1 and 1", n, m)
	}
	stored, _ = files.stored()
	for _, f := range stored {
		if len(f.Content) != 0 {
			t.Errorf("after the upload the store still holds %d bytes of the export, want none", len(f.Content))
		}
	}
}

func TestDeclinedExportIsNotSent(t *testing.T) {
	hs, files := exportHarness(t)
	en := func(key string, args ...any) string { return hs.h.cat.T("en", key, args...) }
	askExport(t, hs, "en-US", nil)
	card := waitSent(t, hs.fake, annaChat, consentType, 1)[0]
	answer(t, hs, card, fakebf.Consent{ID: "invoke-1", Action: "decline", Locale: "en-US"})
	waitNote(t, hs.fake, annaChat, en("teams.file.declined", "pulse-p1-round-1.csv"), 1)
	stored, _ := files.stored()
	for _, f := range stored {
		if len(f.Content) != 0 {
			t.Errorf("after a decline the store holds %d bytes of the export, want none", len(f.Content))
		}
	}
	// Allow on the declined card sends nothing either.
	answer(t, hs, card, fakebf.Consent{ID: "invoke-2", Action: "accept", Locale: "en-US", UploadID: "upload-1"})
	waitNote(t, hs.fake, annaChat, en("teams.file.declined", "pulse-p1-round-1.csv"), 2)
	if n := len(hs.fake.Uploads()); n != 0 {
		t.Errorf("uploads: got %d, want 0", n)
	}
}

func TestExpiredExportSaysRunItAgain(t *testing.T) {
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			hs, files := exportHarness(t)
			askExport(t, hs, lang, nil)
			card := waitSent(t, hs.fake, annaChat, consentType, 1)[0]
			files.expire()
			answer(t, hs, card, fakebf.Consent{ID: "invoke-1", Action: "accept", Locale: lang, UploadID: "upload-1"})
			waitNote(t, hs.fake, annaChat, hs.h.cat.T(lang, "teams.file.gone"), 1)
			if n := len(hs.fake.Uploads()); n != 0 {
				t.Errorf("uploads: got %d, want 0", n)
			}
		})
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestFailedUploadKeepsTheFileForAnotherTry(t *testing.T) {
	logs := &syncBuffer{}
	hs, files := exportHarness(t, func(c *teams.Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	en := func(key string, args ...any) string { return hs.h.cat.T("en", key, args...) }
	csv := csvExport()
	askExport(t, hs, "en-US", nil)
	card := waitSent(t, hs.fake, annaChat, consentType, 1)[0]

	hs.fake.FailNextUpload(http.StatusServiceUnavailable)
	hs.fake.FailNextUpload(0) // the connection drops
	for i, up := range []string{"upload-1", "upload-2"} {
		answer(t, hs, card, fakebf.Consent{ID: fmt.Sprint("invoke-", i), Action: "accept", Locale: "en-US", UploadID: up})
		waitNote(t, hs.fake, annaChat, en("teams.file.failed", csv.Name), i+1)
	}
	if n := len(sentTo(t, hs.fake, annaChat, fileInfoType)); n != 0 {
		t.Errorf("file cards after failed uploads: got %d, want 0", n)
	}
	log := logs.String()
	if strings.Count(log, "file upload failed") != 2 || !strings.Contains(log, "HTTP 503") || !strings.Contains(log, "/upload/upload-1") {
		t.Errorf("log: got\n%s\nwant both failures, with the status and the upload URL", log)
	}
	if strings.Contains(log, "tempauth") || strings.Contains(log, "I can work") {
		t.Errorf("log: got\n%s\nwant neither the upload URL's credential nor the file's content", log)
	}

	answer(t, hs, card, fakebf.Consent{ID: "invoke-3", Action: "accept", Locale: "en-US", UploadID: "upload-3"})
	waitSent(t, hs.fake, annaChat, fileInfoType, 1)
	ups := hs.fake.Uploads()
	if len(ups) != 3 || ups[2].ID != "upload-3" || !bytes.Equal(ups[2].Body, csv.Content) {
		t.Errorf("uploads: got %d, want 3, the last one the whole CSV", len(ups))
	}
	stored, _ := files.stored()
	for _, f := range stored {
		if len(f.Content) != 0 {
			t.Errorf("after the upload the store still holds %d bytes, want none", len(f.Content))
		}
	}
}

func TestConsentAnswersReachOnlyTheRequestersFile(t *testing.T) {
	hs, _ := exportHarness(t)
	en := func(key string, args ...any) string { return hs.h.cat.T("en", key, args...) }
	askExport(t, hs, "en-US", nil)
	card := waitSent(t, hs.fake, annaChat, consentType, 1)[0]
	ben := fakebf.Member{ID: "29:2eFgH", Name: "Ben"}
	tests := []struct {
		name string
		give fakebf.Consent
	}{
		{"Ben, in his own chat", fakebf.Consent{From: ben, Conversation: "a:dm-29:2eFgH"}},
		{"Ben, in Anna's chat", fakebf.Consent{From: ben, Conversation: annaChat}},
		{"Anna, in a channel", fakebf.Consent{Conversation: "19:abc@thread.tacv2", ConversationType: "channel"}},
		{"Anna, in another tenant", fakebf.Consent{Tenant: "99999999-2222-3333-4444-555555555555"}},
	}
	notes := map[string]int{}
	for i, tt := range tests {
		c := tt.give
		c.ID, c.Action, c.Locale, c.UploadID = fmt.Sprint("invoke-", i), "accept", "en-US", fmt.Sprint("upload-", i)
		answer(t, hs, card, c)
		conv := cmp.Or(c.Conversation, annaChat)
		notes[conv]++
		waitNote(t, hs.fake, conv, en("teams.file.gone"), notes[conv])
	}
	// An answer from outside Teams is refused before anything happens.
	c := fakebf.Consent{ID: "invoke-webchat", Action: "accept", ChannelID: "webchat", UploadID: "upload-webchat", From: anna, Conversation: annaChat,
		Tenant: tenant, Name: card.Attachments[0].Name, ReplyToID: card.Created, Context: card.consent(t).AcceptContext}
	if got := hs.fake.Post(t, hs.url, appID, hs.fake.FileConsent(c)); got != http.StatusForbidden {
		t.Errorf("an answer from webchat: got %d, want 403", got)
	}
	if n := len(hs.fake.Uploads()); n != 0 {
		t.Fatalf("uploads after foreign answers: got %d, want 0", n)
	}
	// Anna's own answer still finds her file.
	answer(t, hs, card, fakebf.Consent{ID: "invoke-anna", Action: "accept", Locale: "en-US", UploadID: "upload-anna"})
	if up := hs.fake.WaitForUploads(t, 1, 5*time.Second); up[0].ID != "upload-anna" {
		t.Errorf("upload: got %s, want Anna's", up[0].ID)
	}
}

func TestExportAskedInAChannelGoesToTheRequestersChat(t *testing.T) {
	channel := map[string]any{"id": channelConv, "conversationType": "channel", "tenantId": tenant}
	hs, _ := exportHarness(t)
	de := func(key string, args ...any) string { return hs.h.cat.T("de", key, args...) }
	csv := csvExport()
	askExport(t, hs, "de-DE", channel)
	card := waitSent(t, hs.fake, annaDM, consentType, 1)[0]
	note := waitNote(t, hs.fake, channelConv, de("teams.file.inchat", csv.Name), 1)
	if note.Path != "/v3/conversations/"+channelConv+"/activities/1700000000000" {
		t.Errorf("note: got %s, want a reply in the thread", note.Path)
	}
	for _, c := range hs.fake.Calls("") {
		if strings.HasPrefix(c.Conversation, "19:abc") && (bytes.Contains(c.Body, []byte("I can work")) || bytes.Contains(c.Body, []byte(consentType))) {
			t.Errorf("the channel got the export or its consent card: %s", c.Body)
		}
	}
	answer(t, hs, card, fakebf.Consent{ID: "invoke-1", Action: "accept", Locale: "de-DE", UploadID: "upload-1"})
	if up := hs.fake.WaitForUploads(t, 1, 5*time.Second)[0]; !bytes.Equal(up.Body, csv.Content) {
		t.Errorf("upload: got %q, want the CSV", up.Body)
	}
	waitSent(t, hs.fake, annaDM, fileInfoType, 1)
}

func TestExportInAChannelWhenHeraldCantReachTheChat(t *testing.T) {
	channel := map[string]any{"id": channelConv, "conversationType": "channel", "tenantId": tenant}
	hs, files := exportHarness(t)
	hs.fake.FailFor(anna.ID, http.StatusForbidden) // Anna blocked herald: no 1:1 chat
	askExport(t, hs, "en-US", channel)
	waitNote(t, hs.fake, channelConv, hs.h.cat.T("en", "teams.file.nochat", "pulse-p1-round-1.csv"), 1)
	for _, c := range hs.fake.Calls("") {
		if bytes.Contains(c.Body, []byte("I can work")) || bytes.Contains(c.Body, []byte(consentType)) {
			t.Errorf("%s %s: got the export or a consent card, want neither anywhere: %s", c.Method, c.Path, c.Body)
		}
	}
	if stored, _ := files.stored(); len(stored) != 0 {
		t.Errorf("stored files: got %d, want none", len(stored))
	}
}

func TestExportWithDownloadLinksKeepsTheLink(t *testing.T) {
	files := &memFiles{}
	links := teams.NewLinks(files, "https://herald.example.org", []byte("k"), nil)
	hs := mustAdapterWith(t, func(bot.Request) *bot.Message {
		return &bot.Message{Ephemeral: true, Text: bot.Plain(exportText), File: csvExport()}
	}, func(c *teams.ClientConfig) { c.Files, c.Links = files, links })
	askExport(t, hs, "en-US", nil)
	card := waitSent(t, hs.fake, annaChat, "application/vnd.microsoft.card.adaptive", 1)[0]
	if !bytes.Contains(card.Body, []byte(`"Action.OpenUrl"`)) || !bytes.Contains(card.Body, []byte("https://herald.example.org/files/")) {
		t.Errorf("got %s, want a download link", card.Body)
	}
	if n := len(sentTo(t, hs.fake, annaChat, consentType)); n != 0 {
		t.Errorf("consent cards: got %d, want none while links work", n)
	}
}

func TestExportWhileTheStoreIsDown(t *testing.T) {
	hs, files := exportHarness(t)
	en := func(key string, args ...any) string { return hs.h.cat.T("en", key, args...) }
	// Offered while the store is down: the file is shown as text, as
	// without consent cards.
	files.setDown(true)
	askExport(t, hs, "en-US", nil)
	waitNote(t, hs.fake, annaChat, en("teams.file.inline", "pulse-p1-round-1.csv"), 1)
	files.setDown(false)
	// Answered while the store is down: nothing is sent, and Anna is told;
	// her file is still there for the next Allow.
	askExport(t, hs, "en-US", nil)
	card := waitSent(t, hs.fake, annaChat, consentType, 1)[0]
	files.setDown(true)
	answer(t, hs, card, fakebf.Consent{ID: "invoke-1", Action: "accept", Locale: "en-US", UploadID: "upload-1"})
	waitNote(t, hs.fake, annaChat, en("err.unavailable"), 1)
	files.setDown(false)
	answer(t, hs, card, fakebf.Consent{ID: "invoke-2", Action: "accept", Locale: "en-US", UploadID: "upload-2"})
	if up := hs.fake.WaitForUploads(t, 1, 5*time.Second); len(up) != 1 || up[0].ID != "upload-2" {
		t.Errorf("uploads: got %+v, want only the one after the store came back", up)
	}
}

func TestFileWithACardGoesAfterTheCard(t *testing.T) {
	files := &memFiles{}
	hs := mustAdapterWith(t, func(bot.Request) *bot.Message {
		return &bot.Message{Header: "Export", Text: bot.Plain(exportText), Buttons: []bot.Button{{Label: "OK", Action: "a"}}, File: csvExport()}
	}, func(c *teams.ClientConfig) { c.Files = files })
	askExport(t, hs, "en-US", nil)
	consent := waitSent(t, hs.fake, annaChat, consentType, 1)[0]
	card := waitNote(t, hs.fake, annaChat, exportText, 1)
	if !bytes.Contains(card.Body, []byte(`"Action.Submit"`)) || bytes.Contains(card.Body, []byte("I can work")) {
		t.Errorf("card: got %s, want the header, text and button without the file", card.Body)
	}
	// The fake numbers activities in the order they come.
	first, err1 := strconv.Atoi(card.Created)
	second, err2 := strconv.Atoi(consent.Created)
	if err1 != nil || err2 != nil || first >= second {
		t.Errorf("got the card as activity %q and the consent card as %q, want the card first", card.Created, consent.Created)
	}
	if got := consent.consent(t).Description; got != "Export" {
		t.Errorf("consent card description: got %q, want the message's summary %q", got, "Export")
	}
}

// Two answers to one card at the same moment (Allow on two devices, or
// Allow and Decline): the first acts, the others are told the file is on
// its way, and the file is uploaded and shown once.
func TestAnswersAtOnceSendTheFileOnce(t *testing.T) {
	hs, files := exportHarness(t)
	en := func(key string, args ...any) string { return hs.h.cat.T("en", key, args...) }
	askExport(t, hs, "en-US", nil)
	card := waitSent(t, hs.fake, annaChat, consentType, 1)[0]
	name := card.Attachments[0].Name

	release := hs.fake.HoldUploads()
	defer release()
	answer(t, hs, card, fakebf.Consent{ID: "invoke-1", Action: "accept", Locale: "en-US", UploadID: "upload-1"})
	if !bottest.Eventually(t, 5*time.Second, func() bool { return files.claimed() == 1 }) {
		t.Fatal("the first Allow did not claim the file")
	}
	answer(t, hs, card, fakebf.Consent{ID: "invoke-2", Action: "accept", Locale: "en-US", UploadID: "upload-2"})
	answer(t, hs, card, fakebf.Consent{ID: "invoke-3", Action: "decline", Locale: "en-US"})
	waitNote(t, hs.fake, annaChat, en("teams.file.busy", name), 2)
	release()

	waitSent(t, hs.fake, annaChat, fileInfoType, 1)
	answer(t, hs, card, fakebf.Consent{ID: "invoke-4", Action: "accept", Locale: "en-US", UploadID: "upload-4"})
	waitNote(t, hs.fake, annaChat, en("teams.file.already", name), 1)
	if n, m := len(hs.fake.Uploads()), len(sentTo(t, hs.fake, annaChat, fileInfoType)); n != 1 || m != 1 {
		t.Errorf("got %d uploads and %d file cards, want 1 and 1", n, m)
	}
}
