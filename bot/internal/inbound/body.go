package inbound

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// MaxBody is the largest request body ReadBody reads.
const MaxBody = 1 << 20

// firstBuffer is the size a body's buffer starts at once its first byte has
// come, when Content-Length does not say less: a Slack command (about
// 1 KB) or a Teams activity (a few KB) fits in it.
const firstBuffer = 4 << 10

// ReadBody reads the body of a POST request of at most MaxBody bytes, within
// the Edge's budget for bodies being read. When it can't, it answers the
// request itself (405 for another method, 413 for a larger body, 400 for a
// broken one, 503 when the budget stayed spent for the Edge's wait) and
// reports false. A refusal for budget closes the connection with the rest of
// the body unread. Whether the platform sends the request again is up to
// it: Slack does for the Events API, not for slash commands or
// interactions, whose users see an error instead (see ReadBodyBusy).
func (e *Edge) ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	return e.ReadBodyBusy(w, r, nil)
}

// ReadBodyBusy is ReadBody answering a request refused for budget with busy
// instead of 503, when busy is not nil: a route whose platform does not send
// the request again can tell the user it is busy.
func (e *Edge) ReadBodyBusy(w http.ResponseWriter, r *http.Request, busy func(http.ResponseWriter)) ([]byte, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return nil, false
	}
	if r.ContentLength > MaxBody {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	body, err := e.bodies.read(r.Context(), http.MaxBytesReader(w, r.Body, MaxBody), r.ContentLength)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	case errors.Is(err, errBusy):
		e.Refusal(e.name+": busy, body refused: the memory for bodies being read is taken", "path", r.URL.Path, "remote", r.RemoteAddr)
		// Closing the connection keeps net/http from reading up to 256 KiB
		// more of the body before it answers.
		w.Header().Set("Connection", "close")
		if busy != nil {
			busy(w)
			return nil, false
		}
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return nil, false
	case err != nil:
		http.Error(w, "bad body", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}

// read reads r to its end. Its buffer grows only once a byte beyond it has
// come, so that memory follows what the client sent, not what it announced:
// from firstBuffer, doubling, up to length (the Content-Length, -1 when
// unknown) while the body is within it, so that a body of known length ends
// in a buffer of exactly its size. Each buffer's size is taken from the
// budget before it is made, and all of it given back when read returns. r
// yields at most MaxBody bytes (ReadBody wraps it in http.MaxBytesReader).
func (b *bodyBudget) read(ctx context.Context, r io.Reader, length int64) ([]byte, error) {
	var buf []byte
	defer func() { b.give(int64(cap(buf))) }()
	var until time.Time // the end of this read's waits for budget
	var next [1]byte
	for {
		// A full buffer first learns whether more comes, then makes room.
		full := len(buf) == cap(buf)
		p := buf[len(buf):cap(buf)]
		if full {
			p = next[:]
		}
		n, err := r.Read(p)
		if full && n > 0 {
			bigger, gerr := b.grow(ctx, buf, length, &until)
			if gerr != nil {
				return nil, gerr
			}
			buf = append(bigger, next[0])
		} else {
			buf = buf[:len(buf)+n]
		}
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return nil, err
		}
	}
}

// grow returns a larger buffer holding buf, or an error: errBusy when its
// size was not free in time, a *http.MaxBytesError when buf already holds
// MaxBody bytes. The new buffer's size is taken from the
// budget before it is made, and the old one's given back once it is copied.
func (b *bodyBudget) grow(ctx context.Context, buf []byte, length int64, until *time.Time) ([]byte, error) {
	limit := int64(MaxBody)
	if length >= 0 && int64(len(buf)) < length {
		limit = min(length, limit)
	}
	size := min(max(2*int64(cap(buf)), firstBuffer), limit)
	if size <= int64(len(buf)) {
		return nil, &http.MaxBytesError{Limit: MaxBody}
	}
	if err := b.take(ctx, size, until); err != nil {
		return nil, err
	}
	bigger := make([]byte, len(buf), size)
	copy(bigger, buf)
	b.give(int64(cap(buf)))
	return bigger, nil
}
