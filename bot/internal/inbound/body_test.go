package inbound_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot/internal/inbound"
)

func TestReadBody(t *testing.T) {
	tests := []struct {
		name       string
		giveMethod string
		giveBody   string
		wantOK     bool
		wantStatus int
	}{
		{"post", http.MethodPost, "text=hi", true, http.StatusOK},
		{"empty post", http.MethodPost, "", true, http.StatusOK},
		{"largest post", http.MethodPost, strings.Repeat("x", inbound.MaxBody), true, http.StatusOK},
		{"get", http.MethodGet, "", false, http.StatusMethodNotAllowed},
		{"too large", http.MethodPost, strings.Repeat("x", inbound.MaxBody+1), false, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		body, ok := inbound.ReadBody(w, httptest.NewRequest(tt.giveMethod, "/", strings.NewReader(tt.giveBody)))
		if ok != tt.wantOK || w.Code != tt.wantStatus {
			t.Errorf("%s: got ok %v and status %d, want %v and %d", tt.name, ok, w.Code, tt.wantOK, tt.wantStatus)
		}
		if ok && string(body) != tt.giveBody {
			t.Errorf("%s: got a body of %d bytes, want %d", tt.name, len(body), len(tt.giveBody))
		}
	}
}

// TestReadBodyUnknownLength proves a body sent without Content-Length is cut
// at MaxBody too.
func TestReadBodyUnknownLength(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", inbound.MaxBody+1)))
	r.ContentLength = -1
	w := httptest.NewRecorder()
	if _, ok := inbound.ReadBody(w, r); ok || w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("got ok %v and status %d, want false and 413", ok, w.Code)
	}
}
