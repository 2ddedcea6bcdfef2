package slack

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"
)

// vector is Slack's documented signing example.
type vector struct {
	Secret    string `json:"signing_secret"`
	Timestamp string `json:"timestamp"`
	Body      string `json:"body"`
	Signature string `json:"signature"`
}

func loadVector(t *testing.T) vector {
	t.Helper()
	data, err := os.ReadFile("testdata/fixtures/signature-vector.json")
	if err != nil {
		t.Fatalf("signature vector: %v", err)
	}
	var v vector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerifySlackExample(t *testing.T) {
	v := loadVector(t)
	at := time.Unix(1531420618, 0)
	header := func(ts, sig string) http.Header {
		h := http.Header{}
		if ts != "" {
			h.Set("X-Slack-Request-Timestamp", ts)
		}
		if sig != "" {
			h.Set("X-Slack-Signature", sig)
		}
		return h
	}
	tests := []struct {
		name string
		now  time.Time
		h    http.Header
		body string
		want error
	}{
		{"slack's example, clock at its time", at, header(v.Timestamp, v.Signature), v.Body, nil},
		{"clock 4m59s later", at.Add(4*time.Minute + 59*time.Second), header(v.Timestamp, v.Signature), v.Body, nil},
		{"clock 5m01s later", at.Add(5*time.Minute + time.Second), header(v.Timestamp, v.Signature), v.Body, ErrStale},
		{"clock 5m01s earlier", at.Add(-5*time.Minute - time.Second), header(v.Timestamp, v.Signature), v.Body, ErrStale},
		{"real clock: years old", time.Now(), header(v.Timestamp, v.Signature), v.Body, ErrStale},
		{"body changed", at, header(v.Timestamp, v.Signature), v.Body + "&x=1", ErrBadSignature},
		{"timestamp changed", at, header("1531420619", v.Signature), v.Body, ErrBadSignature},
		{"signature without v0=", at, header(v.Timestamp, v.Signature[3:]), v.Body, ErrBadSignature},
		{"signature not hex", at, header(v.Timestamp, "v0=zz"), v.Body, ErrBadSignature},
		{"no signature", at, header(v.Timestamp, ""), v.Body, ErrNoSignature},
		{"no timestamp", at, header("", v.Signature), v.Body, ErrNoSignature},
		{"timestamp not a number", at, header("soon", v.Signature), v.Body, ErrBadSignature},
	}
	for _, tt := range tests {
		ver := NewVerifier(v.Secret, func() time.Time { return tt.now })
		if got := ver.Verify(tt.h, []byte(tt.body)); !errors.Is(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSignMatchesSlackExample(t *testing.T) {
	v := loadVector(t)
	ts, sig := Sign(v.Secret, time.Unix(1531420618, 0), []byte(v.Body))
	if ts != v.Timestamp || sig != v.Signature {
		t.Errorf("got %s %s, want %s %s", ts, sig, v.Timestamp, v.Signature)
	}
}

func TestVerifyWrongSecret(t *testing.T) {
	v := loadVector(t)
	ver := NewVerifier("not-the-secret", func() time.Time { return time.Unix(1531420618, 0) })
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", v.Timestamp)
	h.Set("X-Slack-Signature", v.Signature)
	if got := ver.Verify(h, []byte(v.Body)); !errors.Is(got, ErrBadSignature) {
		t.Errorf("got %v, want %v", got, ErrBadSignature)
	}
}
