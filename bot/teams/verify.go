package teams

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// Issuer is the issuer of the tokens the Bot Framework sends with activities.
const Issuer = "https://api.botframework.com"

// DefaultMetadataURL is the Bot Framework's OpenID metadata, which names the
// keys inbound tokens are signed with.
const DefaultMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"

const (
	// skew is the clock difference tolerated on exp and nbf, as the Bot
	// Framework recommends.
	skew = 5 * time.Minute
	// metadataEvery is how often the OpenID metadata (its jwks_uri) is read
	// again; keysEvery how often the keys are, and an unknown key id makes
	// keyfunc read them at once, at most every unknownKIDEvery.
	metadataEvery   = 24 * time.Hour
	keysEvery       = 12 * time.Hour
	unknownKIDEvery = time.Minute
	// readyWait is how long a request waits for the first keys at start.
	readyWait = 5 * time.Second
	// retryMax caps the wait between two failed reads of the metadata.
	retryMax = 5 * time.Minute
)

// Errors of Verify.
var (
	// ErrUnauthorized is a missing, forged, expired or misaddressed token: 401.
	ErrUnauthorized = errors.New("teams: invalid bearer token")
	// ErrForbidden is a valid token issued for another service URL: 403.
	ErrForbidden = errors.New("teams: token not valid for this service url")
	// ErrKeys means the signing keys could not be read yet: 503, Teams retries.
	ErrKeys = errors.New("teams: token keys unavailable")
)

// Verifier validates the bearer tokens of inbound activities with
// golang-jwt and keys from the jwks_uri of the Bot Framework's OpenID
// metadata, kept fresh by keyfunc. Run reads the metadata and owns the
// key refresh; Verify fails with ErrKeys until the first keys are in.
type Verifier struct {
	appID       string
	metadataURL string
	httpc       *http.Client
	log         *slog.Logger
	now         func() time.Time

	endorse   *endorsements
	verified  tokenCache
	ready     chan struct{} // closed when the first keys are in
	readyOnce sync.Once
	mu        sync.RWMutex
	kf        keyfunc.Keyfunc
	jwksURL   string
}

// NewVerifier returns a Verifier of tokens for the bot appID, whose keys are
// named by the OpenID metadata at metadataURL. now is the clock (time.Now
// when nil).
func NewVerifier(appID, metadataURL string, httpc *http.Client, log *slog.Logger, now func() time.Time) *Verifier {
	if httpc == nil {
		httpc = &http.Client{Timeout: 10 * time.Second}
	}
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	e := &endorsements{next: cmp.Or[http.RoundTripper](httpc.Transport, http.DefaultTransport)}
	httpc = &http.Client{Transport: e, Timeout: httpc.Timeout}
	return &Verifier{appID: appID, metadataURL: metadataURL, httpc: httpc, log: log, now: now, endorse: e, ready: make(chan struct{})}
}

// Run reads the OpenID metadata and the keys it names, again every day (and
// with growing pauses while they can't be read), until ctx ends.
func (v *Verifier) Run(ctx context.Context) error {
	var stopKeys context.CancelFunc = func() {}
	defer func() { stopKeys() }()
	pause := time.Second
	for {
		wait := metadataEvery
		if cancel, err := v.load(ctx); err != nil {
			v.log.Warn("teams: token keys unavailable", "metadata", v.metadataURL, "err", err, "retry_in", pause)
			wait, pause = pause, min(2*pause, retryMax)
		} else {
			pause = time.Second
			if cancel != nil {
				stopKeys()
				stopKeys = cancel
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// load reads the metadata; when it names new keys, it starts their
// refresh and returns its stop.
func (v *Verifier) load(ctx context.Context) (context.CancelFunc, error) {
	u, err := v.fetchMetadata(ctx)
	if err != nil {
		return nil, err
	}
	v.mu.RLock()
	same := u == v.jwksURL
	v.mu.RUnlock()
	if same {
		return nil, nil
	}
	kctx, cancel := context.WithCancel(ctx)
	strict := false
	kf, err := keyfunc.NewDefaultOverrideCtx(kctx, []string{u}, keyfunc.Override{
		Client:                    v.httpc,
		NoErrorReturnFirstHTTPReq: &strict,
		RefreshInterval:           keysEvery,
		RefreshUnknownKID:         rate.NewLimiter(rate.Every(unknownKIDEvery), 1),
		// A token with an unknown key id while the limiter is spent fails
		// at once instead of holding its request for up to a minute.
		RateLimitWaitMax: time.Millisecond,
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(_ context.Context, err error) {
				v.log.Warn("teams: token keys refresh failed", "url", u, "err", err)
			}
		},
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("keys %s: %w", u, err)
	}
	v.mu.Lock()
	v.kf, v.jwksURL = kf, u
	v.mu.Unlock()
	v.readyOnce.Do(func() { close(v.ready) })
	return cancel, nil
}

func (v *Verifier) fetchMetadata(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.metadataURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := v.httpc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", v.metadataURL, resp.Status)
	}
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(&meta); err != nil {
		return "", fmt.Errorf("read %s: %w", v.metadataURL, err)
	}
	if meta.JWKSURI == "" {
		return "", fmt.Errorf("%s names no jwks_uri", v.metadataURL)
	}
	return meta.JWKSURI, nil
}

// Channel is the only Bot Framework channel herald takes activities from.
const Channel = "msteams"

// Verify checks the Authorization header of an activity of channel sent for
// serviceURL. It returns an error wrapping ErrUnauthorized when the token is
// missing, badly signed, expired, or issued by or for someone else;
// ErrForbidden when the channel is not msteams, the signing key is not
// endorsed for it, or the token was issued for another service URL; and
// ErrKeys when the keys could not be read yet.
func (v *Verifier) Verify(ctx context.Context, authorization, serviceURL, channel string) error {
	t, err := v.Token(ctx, authorization)
	if err != nil {
		return err
	}
	return v.Check(t, serviceURL, channel)
}

// Token is a bearer token whose signature, issuer, audience and times were
// checked: what can be known before the activity is read.
type Token struct {
	claims jwt.MapClaims
	kid    string
}

// Token checks the Authorization header alone. It returns an error wrapping
// ErrUnauthorized or ErrKeys, as Verify.
func (v *Verifier) Token(ctx context.Context, authorization string) (Token, error) {
	claims, kid, err := v.claims(ctx, authorization)
	return Token{claims: claims, kid: kid}, err
}

// Check checks t against the activity it came with: its channel must be
// msteams and endorsed for t's signing key, and t issued for serviceURL.
// It returns an error wrapping ErrForbidden.
func (v *Verifier) Check(t Token, serviceURL, channel string) error {
	if channel != Channel {
		return fmt.Errorf("%w: channel %q", ErrForbidden, channel)
	}
	if !slices.Contains(v.endorse.of(t.kid), channel) {
		return fmt.Errorf("%w: key %q is not endorsed for %s", ErrForbidden, t.kid, channel)
	}
	claims := t.claims
	claim, _ := claims["serviceurl"].(string)
	if claim == "" || !sameURL(claim, serviceURL) {
		return fmt.Errorf("%w: serviceurl %q, activity %q", ErrForbidden, claim, serviceURL)
	}
	return nil
}

// claims returns the verified claims of the bearer token and the id of the
// key that signed it.
func (v *Verifier) claims(ctx context.Context, authorization string) (jwt.MapClaims, string, error) {
	scheme, raw, ok := strings.Cut(authorization, " ")
	raw = strings.TrimSpace(raw)
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return nil, "", fmt.Errorf("%w: no bearer token", ErrUnauthorized)
	}
	if t, ok := v.verified.get(raw, v.now()); ok {
		return t.claims, t.kid, nil
	}
	kf, err := v.keyfunc(ctx)
	if err != nil {
		return nil, "", err
	}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(raw, claims, kf.KeyfuncCtx(ctx),
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(v.appID),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(skew),
		jwt.WithTimeFunc(v.now),
	)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrUnauthorized, err)
	}
	kid, _ := tok.Header["kid"].(string)
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil {
		v.verified.put(raw, Token{claims: claims, kid: kid}, exp.Time)
	}
	return claims, kid, nil
}

// maxVerified bounds the tokens remembered as verified.
const maxVerified = 1024

// tokenCache remembers tokens whose signature and claims were checked, until
// they expire: the Bot Framework sends the same token with every activity
// for up to an hour, and an RS256 check per activity is most of the cost of
// taking it in.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedToken
}

type cachedToken struct {
	Token
	exp time.Time
}

func (c *tokenCache) get(raw string, now time.Time) (Token, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[raw]
	if !ok || !now.Before(t.exp) {
		return Token{}, false
	}
	return t.Token, true
}

func (c *tokenCache) put(raw string, t Token, exp time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerified {
		c.m = make(map[string]cachedToken) // start over rather than track ages
	}
	c.m[raw] = cachedToken{Token: t, exp: exp}
}

// keyfunc returns the current keys, waiting up to readyWait for the first.
func (v *Verifier) keyfunc(ctx context.Context) (keyfunc.Keyfunc, error) {
	t := time.NewTimer(readyWait)
	defer t.Stop()
	select {
	case <-v.ready:
	case <-t.C:
		return nil, ErrKeys
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %v", ErrKeys, ctx.Err())
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.kf, nil
}

// sameURL compares two service URLs, ignoring a trailing slash and the case.
func sameURL(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}

// endorsements keeps the channels each signing key is endorsed for (kid →
// channel ids), read from the key sets that keyfunc fetches through it:
// jwkset drops the Bot Framework's "endorsements" field.
type endorsements struct {
	next http.RoundTripper

	mu    sync.RWMutex
	byKID map[string][]string
}

// RoundTrip fetches req and, when the answer is a key set, records the
// endorsements of its keys.
func (e *endorsements) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := e.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var set struct {
		Keys []struct {
			KID          string   `json:"kid"`
			Endorsements []string `json:"endorsements"`
		} `json:"keys"`
	}
	if json.Unmarshal(body, &set) != nil || len(set.Keys) == 0 {
		return resp, nil // the metadata, or not a key set
	}
	byKID := make(map[string][]string, len(set.Keys))
	for _, k := range set.Keys {
		byKID[k.KID] = k.Endorsements
	}
	e.mu.Lock()
	e.byKID = byKID
	e.mu.Unlock()
	return resp, nil
}

// of returns the channels key kid is endorsed for.
func (e *endorsements) of(kid string) []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.byKID[kid]
}
