package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxSkew is how far a request's timestamp may be from now (Slack's five minutes).
const maxSkew = 5 * time.Minute

// Errors of Verify. Each means the request did not come from Slack, or is a replay.
var (
	ErrNoSignature  = errors.New("slack: missing signature or timestamp")
	ErrBadSignature = errors.New("slack: signature does not match")
	ErrStale        = errors.New("slack: timestamp older than five minutes")
)

// Verifier checks Slack's v0 request signatures: HMAC-SHA256 with the signing
// secret over "v0:<timestamp>:<raw body>", hex-encoded after "v0=", compared in
// constant time, with a timestamp no more than five minutes from now.
type Verifier struct {
	secret []byte
	now    func() time.Time
}

// NewVerifier returns a Verifier for secret; now is the clock (time.Now when nil).
func NewVerifier(secret string, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{secret: []byte(secret), now: now}
}

// Verify checks the X-Slack-Signature and X-Slack-Request-Timestamp headers
// against body. It returns ErrNoSignature, ErrStale or ErrBadSignature.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	return v.verify(h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature"), body)
}

// Headers checks what can be checked before the body is read: that both
// headers are there, and the timestamp is within five minutes of now. It
// returns ErrNoSignature, ErrStale or ErrBadSignature.
func (v *Verifier) Headers(h http.Header) error {
	return v.headers(h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature"))
}

func (v *Verifier) headers(ts, sig string) error {
	if ts == "" || sig == "" || len(v.secret) == 0 {
		return ErrNoSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || !strings.HasPrefix(sig, "v0=") {
		return ErrBadSignature
	}
	if d := v.now().Sub(time.Unix(secs, 0)); d > maxSkew || d < -maxSkew {
		return ErrStale
	}
	return nil
}

func (v *Verifier) verify(ts, sig string, body []byte) error {
	if err := v.headers(ts, sig); err != nil {
		return err
	}
	got, err := hex.DecodeString(strings.TrimPrefix(sig, "v0="))
	if err != nil || !strings.HasPrefix(sig, "v0=") {
		return ErrBadSignature
	}
	if !hmac.Equal(got, v.sum(ts, body)) {
		return ErrBadSignature
	}
	return nil
}

func (v *Verifier) sum(ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, v.secret)
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}

// Sign returns the X-Slack-Signature of body sent at ts, as Slack computes it.
// Tests and benchmarks use it to make requests that Verify accepts.
func Sign(secret string, ts time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	v := Verifier{secret: []byte(secret)}
	return timestamp, "v0=" + hex.EncodeToString(v.sum(timestamp, body))
}
