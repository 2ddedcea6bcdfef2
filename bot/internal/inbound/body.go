package inbound

import (
	"errors"
	"io"
	"net/http"
)

// MaxBody is the largest request body ReadBody reads.
const MaxBody = 1 << 20

// ReadBody reads the body of a POST request of at most MaxBody bytes. When
// it can't, it answers the request itself (405 for another method, 413 for
// a larger body, 400 for a broken one) and reports false.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return nil, false
	}
	if r.ContentLength > MaxBody {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	case err != nil:
		http.Error(w, "bad body", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}
