// Package fakebf is a fake Microsoft Bot Framework for tests, on one local
// httptest server: the OpenID metadata and JWKS that name a locally generated
// RSA key (Sign makes the tokens Teams would send), the client-credentials
// token endpoint, and the connector REST API herald calls (activities,
// conversations, pagedmembers), recording every call. It can answer calls
// about one conversation with an HTTP status (FailFor).
package fakebf

import (
	"bytes"
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
}

// Server is the fake.
type Server struct {
	*httptest.Server
	// Key signs tokens; its public half is served as the JWKS.
	Key *rsa.PrivateKey

	calls bottest.Recorder[Call]

	mu       sync.Mutex
	keys     map[string]*rsa.PrivateKey // the JWKS, by key id
	tokens   int
	revoked  int // tokens up to this number are refused
	failFor  map[string]int
	retry    map[string]int
	members  map[string][]Member
	activity int
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
	s := &Server{Key: key, keys: map[string]*rsa.PrivateKey{KeyID: key}, failFor: map[string]int{}, retry: map[string]int{}, members: map[string][]Member{}}
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
				"endorsements": []string{"msteams"},
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
// beside the others, as the Bot Framework does when it rotates keys.
func (s *Server) AddKey(tb testing.TB, kid string) *rsa.PrivateKey {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[kid] = key
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
	s.calls.Add(c)
	status := s.failFor[c.Conversation]
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

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
