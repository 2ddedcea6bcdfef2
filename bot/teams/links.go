package teams

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/herald-chat/herald/bot"
)

// Files keeps the files herald serves by link; *store.Store is one.
type Files interface {
	// SaveFile keeps f under id for ttl. Returns EUNAVAILABLE when the
	// database can't be reached.
	SaveFile(ctx context.Context, id string, f bot.File, ttl time.Duration) error
	// LoadFile returns the file kept under id. Returns ENOTFOUND when it
	// expired, and EUNAVAILABLE when the database can't be reached.
	LoadFile(ctx context.Context, id string) (bot.File, error)
	// ClaimFile claims the file kept under id for ttl, so that one answer at
	// a time acts on it: it reports false while another holds the claim.
	ClaimFile(ctx context.Context, id string, ttl time.Duration) (bool, error)
	// ReleaseFile gives up the claim on the file kept under id.
	ReleaseFile(ctx context.Context, id string) error
}

// LinkTTL is how long a download link works.
const LinkTTL = 24 * time.Hour

// Links serves files too large for a Teams card (CSV exports, big charts) at
// signed, expiring links under herald's public address: GET /files/{id}
// ?exp=…&sig=…, where sig is an HMAC of the id and the expiry. Every replica
// sharing the key and the store serves every link.
type Links struct {
	files Files
	base  string
	key   []byte
	now   func() time.Time
}

// NewLinks returns Links that keep files in files and sign links, under
// baseURL (herald's public https:// address), with key. now is the clock
// (time.Now when nil).
func NewLinks(files Files, baseURL string, key []byte, now func() time.Time) *Links {
	if now == nil {
		now = time.Now
	}
	return &Links{files: files, base: strings.TrimRight(baseURL, "/"), key: key, now: now}
}

// Put keeps f and returns its link.
func (l *Links) Put(ctx context.Context, f bot.File) (string, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("file link: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(raw)
	if err := l.files.SaveFile(ctx, id, f, LinkTTL); err != nil {
		return "", err
	}
	exp := strconv.FormatInt(l.now().Add(LinkTTL).Unix(), 10)
	q := url.Values{"exp": {exp}, "sig": {l.sign(id, exp)}}
	return l.base + "/files/" + id + "?" + q.Encode(), nil
}

func (l *Links) sign(id, exp string) string {
	mac := hmac.New(sha256.New, l.key)
	mac.Write([]byte(id + "|" + exp))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Handler serves GET /files/{id}: 403 for a link not signed by herald, 410
// for an expired one, 404 when the file is gone.
func (l *Links) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, exp := r.PathValue("id"), r.URL.Query().Get("exp")
		if !hmac.Equal([]byte(r.URL.Query().Get("sig")), []byte(l.sign(id, exp))) {
			http.Error(w, "not a herald link", http.StatusForbidden)
			return
		}
		secs, err := strconv.ParseInt(exp, 10, 64)
		if err != nil || l.now().After(time.Unix(secs, 0)) {
			http.Error(w, "this link has expired", http.StatusGone)
			return
		}
		f, err := l.files.LoadFile(r.Context(), id)
		switch {
		case bot.ErrorCode(err) == bot.ENOTFOUND:
			http.Error(w, "this file is gone", http.StatusNotFound)
			return
		case err != nil:
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", f.Type)
		if !strings.HasPrefix(f.Type, "image/") {
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", f.Name))
		}
		w.Header().Set("Cache-Control", "private, max-age=3600")
		_, _ = w.Write(f.Content)
	})
}
