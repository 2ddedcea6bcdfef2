package inbound_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBodyBudgetRefusalAnswersAtOnce: over a real connection, a request
// refused for budget is answered 503 while its client, having sent part of
// the body it announced, sends nothing more, and the connection is not
// kept for another request.
func TestBodyBudgetRefusalAnswersAtOnce(t *testing.T) {
	const part = 4 << 10
	e, _ := testEdge(4*part, 10*time.Millisecond)
	hold := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(hold)
	for range 4 {
		b := stalling(bytes.Repeat([]byte("x"), part), hold, io.ErrUnexpectedEOF)
		wg.Go(func() { read(e, post(b, 1<<20)) })
		<-b.stalled
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := e.ReadBody(w, r); ok {
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // only so that a failure can't hang
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: herald\r\nContent-Length: 8192\r\n\r\n"+strings.Repeat("x", 1024)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("got %v, want a 503 while the rest of the body is not sent", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !resp.Close {
		t.Errorf("got %d, close %v; want 503 and the connection closed", resp.StatusCode, resp.Close)
	}
}

// TestReadBodyBusyAnswersItself: a request refused for budget is answered
// by ReadBodyBusy's busy, not 503, and its connection is still closed.
func TestReadBodyBusyAnswersItself(t *testing.T) {
	const part = 4 << 10
	e, _ := testEdge(part, 10*time.Millisecond)
	hold := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(hold)
	b := stalling(bytes.Repeat([]byte("x"), part), hold, io.ErrUnexpectedEOF)
	wg.Go(func() { read(e, post(b, 1<<20)) })
	<-b.stalled

	w := httptest.NewRecorder()
	busy := func(w http.ResponseWriter) { _, _ = io.WriteString(w, "busy ack") }
	if _, ok := e.ReadBodyBusy(w, post(strings.NewReader("small"), 5), busy); ok {
		t.Fatal("got the body, want a refusal while the budget is spent")
	}
	if w.Code != http.StatusOK || w.Body.String() != "busy ack" || w.Header().Get("Connection") != "close" {
		t.Errorf("got %d %q, Connection %q; want 200 \"busy ack\", close", w.Code, w.Body.String(), w.Header().Get("Connection"))
	}
}
