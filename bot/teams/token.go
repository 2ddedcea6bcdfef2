package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// TokenURL returns the default client-credentials endpoint: the tenant's
// for a single-tenant bot, else botframework.com's.
func TokenURL(tenant string) string {
	if tenant == "" {
		tenant = "botframework.com"
	}
	return "https://login.microsoftonline.com/" + url.PathEscape(tenant) + "/oauth2/v2.0/token"
}

// tokenScope is the scope of tokens for the Bot Framework connector.
const tokenScope = "https://api.botframework.com/.default"

// tokenEarly is how long before its expiry a token is replaced.
const tokenEarly = 5 * time.Minute

// tokens gets connector tokens by client credentials and keeps one until
// shortly before it expires. Concurrent callers share one fetch.
type tokens struct {
	url, id, secret string
	httpc           *http.Client
	now             func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

// get returns a valid token, fetching a new one when needed.
func (t *tokens) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Before(t.expires.Add(-tokenEarly)) {
		return t.token, nil
	}
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {t.id},
		"client_secret": {t.secret},
		"scope":         {tokenScope},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := t.httpc.Do(req)
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &httpError{op: "token", status: resp.StatusCode, body: snippet(body), retryAfter: retryAfter(resp.Header)}
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("token: no access_token in the answer of %s", t.url)
	}
	t.token, t.expires = tr.AccessToken, t.now().Add(time.Duration(tr.ExpiresIn)*time.Second)
	return t.token, nil
}

// forget drops the cached token, after the connector refused it.
func (t *tokens) forget() {
	t.mu.Lock()
	t.token = ""
	t.mu.Unlock()
}
