// Package fakebf is a fake Microsoft Bot Framework for tests, on one local
// httptest server: the OpenID metadata and JWKS that name a locally generated
// RSA key (Sign makes the tokens Teams would send), the client-credentials
// token endpoint, the connector REST API herald calls (activities,
// conversations, pagedmembers), recording every call, and the OneDrive upload
// URLs of file consent (PUT /upload/{id}), recording every upload. It can
// answer calls about one conversation with an HTTP status (FailFor), and fail
// uploads (FailNextUpload). FileConsent builds the invoke Teams sends when
// someone answers a file consent card.
package fakebf

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/herald-chat/herald/bot/bottest"
)

// KeyID is the id of the fake's signing key in its JWKS.
const KeyID = "herald-test-key"

// Call is one connector request the fake received.
type Call struct {
	Method string
	// Path is the unescaped path: /v3/conversations/{id}/activities[/{id}].
	Path string
	// Conversation and Activity are the ids in Path.
	Conversation, Activity string
	Auth                   string // the Authorization header
	Body                   json.RawMessage
	// Created is the id the fake gave a new activity or conversation.
	Created string
}

// Server is the fake.
type Server struct {
	*httptest.Server
	// Key signs tokens; its public half is served as the JWKS.
	Key *rsa.PrivateKey

	calls   bottest.Recorder[Call]
	uploads bottest.Recorder[Upload]

	mu       sync.Mutex
	keys     map[string]*rsa.PrivateKey // the JWKS, by key id
	endorse  map[string][]string        // the channels each key is endorsed for
	tokens   int
	revoked  int // tokens up to this number are refused
	failFor  map[string]int
	failOnce map[string]int
	retry    map[string]int
	members  map[string][]Member
	activity int
	// uploadFails are the answers of the next uploads: an HTTP status, or
	// 0 for a dropped connection.
	uploadFails []int
	// hold, when set, keeps every upload waiting until it is closed.
	hold chan struct{}
}

// Member is a member of a conversation.
type Member struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// New starts a fake that stops when tb ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Key: key, keys: map[string]*rsa.PrivateKey{KeyID: key}, endorse: map[string][]string{KeyID: {"msteams"}}, failFor: map[string]int{}, failOnce: map[string]int{}, retry: map[string]int{}, members: map[string][]Member{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openid", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"issuer": "https://api.botframework.com", "jwks_uri": s.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		keys := []map[string]any{}
		for kid, k := range s.keys {
			keys = append(keys, map[string]any{
				"kty": "RSA", "use": "sig", "kid": kid, "alg": "RS256",
				"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
				"endorsements": s.endorse[kid],
			})
		}
		writeJSON(w, map[string]any{"keys": keys})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Form.Get("grant_type") != "client_credentials" || r.Form.Get("client_secret") == "" {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.tokens++
		n := s.tokens
		s.mu.Unlock()
		writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": fmt.Sprintf("connector-token-%d", n)})
	})
	mux.HandleFunc("/v3/", s.connector)
	mux.HandleFunc("PUT /upload/{id}", s.upload)
	s.Server = httptest.NewServer(mux)
	tb.Cleanup(s.Close)
	return s
}

// MetadataURL is the OpenID metadata URL (TEAMS_OPENID_METADATA_URL).
func (s *Server) MetadataURL() string { return s.URL + "/openid" }

// TokenURL is the token endpoint (TEAMS_TOKEN_URL).
func (s *Server) TokenURL() string { return s.URL + "/token" }

// ServiceURL is the connector's base URL, for activities' serviceUrl.
func (s *Server) ServiceURL() string { return s.URL + "/" }

// Tokens returns how many connector tokens were handed out.
func (s *Server) Tokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens
}

// Claims are the claims of a token Teams sends to appID for the fake's
// service URL, valid for an hour from now.
func (s *Server) Claims(appID string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss": "https://api.botframework.com", "aud": appID, "serviceurl": s.ServiceURL(),
		"nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(),
	}
}

// Sign returns claims signed with key under kid, as a compact JWT.
func Sign(tb testing.TB, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	tb.Helper()
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = kid
	s, err := t.SignedString(key)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// Post sends activity (JSON) to url as Teams would, with a token for appID,
// and returns the status code.
func (s *Server) Post(tb testing.TB, url, appID string, activity []byte) int {
	tb.Helper()
	return PostWith(tb, url, "Bearer "+Sign(tb, s.Key, KeyID, s.Claims(appID)), activity)
}

// PostWith sends activity to url with the given Authorization header.
func PostWith(tb testing.TB, url, authorization string, activity []byte) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(activity))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// AddKey generates a new signing key under kid and serves it in the JWKS
// beside the others, as the Bot Framework does when it rotates keys. The key
// is endorsed for the channels named, else for msteams.
func (s *Server) AddKey(tb testing.TB, kid string, endorsements ...string) *rsa.PrivateKey {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[kid] = key
	if len(endorsements) == 0 {
		endorsements = []string{"msteams"}
	}
	s.endorse[kid] = endorsements
	return key
}

// RevokeTokens makes the connector refuse (401) every token handed out so far.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = s.tokens
}

// SetMembers sets the members pagedmembers returns for conversation.
func (s *Server) SetMembers(conversation string, members ...Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[conversation] = members
}

// FailFor answers every call about conversation (or, for a new 1:1 chat,
// about the user id) with status; 429 comes with Retry-After: 2.
func (s *Server) FailFor(id string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failFor[id] = status
}

// FailOnce makes the next call about conversation id answer status.
func (s *Server) FailOnce(id string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failOnce[id] = status
}

// MaxActivity is the largest activity the fake takes, as Teams: larger ones
// get 413.
const MaxActivity = 28 << 10

// Calls returns the connector calls so far whose path ends with suffix
// ("/activities", "/pagedmembers", "" for all).
func (s *Server) Calls(suffix string) []Call {
	return s.calls.Filter(func(c Call) bool { return strings.HasSuffix(trimID(c), suffix) })
}

// trimID is the call's path with a trailing activity id dropped, so that
// "/activities" finds replies too.
func trimID(c Call) string {
	if c.Activity != "" {
		return strings.TrimSuffix(c.Path, "/"+c.Activity)
	}
	return c.Path
}

// WaitFor waits until at least n calls match suffix and returns them.
func (s *Server) WaitFor(tb testing.TB, suffix string, n int, timeout time.Duration) []Call {
	tb.Helper()
	return s.calls.WaitFor(tb, "calls to *"+suffix, func(c Call) bool { return strings.HasSuffix(trimID(c), suffix) }, n, timeout)
}

// connector serves /v3/conversations[/{id}[/activities[/{id}]|/pagedmembers]].
func (s *Server) connector(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	c := Call{Method: r.Method, Path: "/" + strings.Join(parts, "/"), Auth: r.Header.Get("Authorization"), Body: body}
	if len(parts) >= 3 {
		c.Conversation = parts[2]
	}
	if len(parts) >= 5 && parts[3] == "activities" {
		c.Activity = parts[4]
	}
	var n int
	if _, err := fmt.Sscanf(c.Auth, "Bearer connector-token-%d", &n); err != nil {
		http.Error(w, `{"error":{"code":"Unauthorized"}}`, http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	if n <= s.revoked {
		s.mu.Unlock()
		http.Error(w, `{"error":{"code":"Unauthorized"}}`, http.StatusUnauthorized)
		return
	}
	status := s.failFor[c.Conversation]
	if st, ok := s.failOnce[c.Conversation]; ok {
		status = st
		delete(s.failOnce, c.Conversation)
	}
	if len(body) > MaxActivity {
		status = http.StatusRequestEntityTooLarge
	}
	var created string
	if len(parts) == 2 && r.Method == http.MethodPost { // create a conversation
		var in struct {
			Members []Member `json:"members"`
		}
		_ = json.Unmarshal(body, &in)
		if len(in.Members) == 1 {
			status = s.failFor[in.Members[0].ID]
			created = "a:dm-" + in.Members[0].ID
		}
	}
	s.activity++
	id := fmt.Sprint(s.activity)
	if status == 0 && r.Method == http.MethodPost {
		c.Created = cmp.Or(created, id)
	}
	s.calls.Add(c)
	members := s.members[c.Conversation]
	s.mu.Unlock()
	if status != 0 {
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "2")
		}
		http.Error(w, `{"error":{"code":"Failed"}}`, status)
		return
	}
	switch {
	case created != "":
		writeJSON(w, map[string]any{"id": created})
	case strings.HasSuffix(c.Path, "/pagedmembers"):
		writeJSON(w, map[string]any{"members": members})
	default:
		writeJSON(w, map[string]any{"id": id})
	}
}

// Upload is one PUT to an upload URL the fake handed out.
type Upload struct {
	// ID is the upload's id, from the URL.
	ID string
	// ContentRange and ContentLength are the request's headers.
	ContentRange, ContentLength string
	// Auth is the Authorization header; an upload URL needs none.
	Auth string
	Body []byte
	// Status is what the fake answered; 0 for a dropped connection.
	Status int
}

// UploadURL is the upload URL of a file called name, as Teams hands it out
// in a file consent answer; the query stands for the URL's own credential.
func (s *Server) UploadURL(id string) string {
	return s.URL + "/upload/" + url.PathEscape(id) + "?tempauth=secret-" + url.QueryEscape(id)
}

// FailNextUpload makes the next upload answer status, or drop the
// connection when status is 0.
func (s *Server) FailNextUpload(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uploadFails = append(s.uploadFails, status)
}

// Uploads returns the uploads so far.
func (s *Server) Uploads() []Upload {
	return s.uploads.Filter(func(Upload) bool { return true })
}

// WaitForUploads waits until at least n uploads came and returns them.
func (s *Server) WaitForUploads(tb testing.TB, n int, timeout time.Duration) []Upload {
	tb.Helper()
	return s.uploads.WaitFor(tb, "uploads", func(Upload) bool { return true }, n, timeout)
}

// HoldUploads keeps every upload from now on waiting, unanswered, until the
// returned release is called: for answers that must overlap.
func (s *Server) HoldUploads() (release func()) {
	hold := make(chan struct{})
	s.mu.Lock()
	s.hold = hold
	s.mu.Unlock()
	return sync.OnceFunc(func() {
		s.mu.Lock()
		s.hold = nil
		s.mu.Unlock()
		close(hold)
	})
}

// upload serves PUT /upload/{id}: it takes the bytes as OneDrive takes the
// last range of an upload session (201), unless told to fail.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	hold := s.hold
	s.mu.Unlock()
	if hold != nil {
		<-hold
	}
	body, _ := io.ReadAll(r.Body)
	u := Upload{ID: r.PathValue("id"), ContentRange: r.Header.Get("Content-Range"), ContentLength: r.Header.Get("Content-Length"),
		Auth: r.Header.Get("Authorization"), Body: body, Status: http.StatusCreated}
	s.mu.Lock()
	fail := len(s.uploadFails) > 0
	if fail {
		u.Status = s.uploadFails[0]
		s.uploadFails = s.uploadFails[1:]
	}
	s.mu.Unlock()
	s.uploads.Add(u)
	switch {
	case fail && u.Status == 0:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
	case fail:
		http.Error(w, `{"error":{"code":"serviceNotAvailable"}}`, u.Status)
	default:
		w.WriteHeader(http.StatusCreated)
		writeJSON(w, map[string]any{"id": u.ID, "size": len(body)})
	}
}

// Consent is someone's answer to a file consent card, for FileConsent.
type Consent struct {
	// ID is the invoke activity's id; ReplyToID the consent card's.
	ID, ReplyToID string
	From          Member
	// Conversation is the chat of the card; ConversationType is personal
	// when empty.
	Conversation, ConversationType string
	Tenant, Locale                 string
	// ChannelID is msteams when empty.
	ChannelID string
	// Action is accept or decline; Context the card's acceptContext or
	// declineContext, as herald sent it.
	Action  string
	Context json.RawMessage
	// Name is the file's name; an accept's upload URL is UploadURL(UploadID).
	Name, UploadID string
}

// FileConsent returns the invoke activity (fileConsent/invoke) Teams sends
// herald when c.From answers a file consent card.
func (s *Server) FileConsent(c Consent) []byte {
	value := map[string]any{"type": "fileUpload", "action": c.Action, "context": c.Context}
	if c.Action == "accept" {
		ext := ""
		if i := strings.LastIndex(c.Name, "."); i >= 0 {
			ext = c.Name[i+1:]
		}
		value["uploadInfo"] = map[string]any{
			"name": c.Name, "uploadUrl": s.UploadURL(c.UploadID),
			"contentUrl": "https://contoso.sharepoint.com/personal/files/" + url.PathEscape(c.Name),
			"uniqueId":   "unique-" + c.UploadID, "fileType": ext,
		}
	}
	act := map[string]any{
		"type": "invoke", "name": "fileConsent/invoke", "id": c.ID, "replyToId": c.ReplyToID,
		"serviceUrl": s.ServiceURL(), "channelId": cmp.Or(c.ChannelID, "msteams"),
		"from":         c.From,
		"recipient":    map[string]any{"id": "28:APP_ID", "name": "herald"},
		"conversation": map[string]any{"id": c.Conversation, "conversationType": cmp.Or(c.ConversationType, "personal"), "tenantId": c.Tenant},
		"channelData":  map[string]any{"tenant": map[string]any{"id": c.Tenant}},
		"locale":       c.Locale,
		"value":        value,
	}
	out, _ := json.Marshal(act)
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
