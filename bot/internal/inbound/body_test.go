package inbound_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

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
	e := inbound.NewEdge("test", inbound.PoolConfig{}, 0, nil, nil)
	for _, tt := range tests {
		w := httptest.NewRecorder()
		body, ok := e.ReadBody(w, httptest.NewRequest(tt.giveMethod, "/", strings.NewReader(tt.giveBody)))
		if ok != tt.wantOK || w.Code != tt.wantStatus {
			t.Errorf("%s: got ok %v and status %d, want %v and %d", tt.name, ok, w.Code, tt.wantOK, tt.wantStatus)
		}
		if ok && string(body) != tt.giveBody {
			t.Errorf("%s: got a body of %d bytes, want %d", tt.name, len(body), len(tt.giveBody))
		}
		if now, _ := e.BodyBytes(); now != 0 {
			t.Errorf("%s: got %d bytes still taken after the read, want 0", tt.name, now)
		}
	}
}

// TestReadBodyUnknownLength proves a body sent without Content-Length is cut
// at MaxBody too, and gives its budget back.
func TestReadBodyUnknownLength(t *testing.T) {
	e := inbound.NewEdge("test", inbound.PoolConfig{}, 0, nil, nil)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", inbound.MaxBody+1)))
	r.ContentLength = -1
	w := httptest.NewRecorder()
	if _, ok := e.ReadBody(w, r); ok || w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("got ok %v and status %d, want false and 413", ok, w.Code)
	}
	if now, peak := e.BodyBytes(); now != 0 || peak < inbound.MaxBody {
		t.Errorf("got %d bytes taken now and %d at most, want 0 and at least %d", now, peak, inbound.MaxBody)
	}
}

// trickle is a request body that comes in pieces: each read gives at most
// the next of sizes (taken in turn; everything asked for when empty), and
// once data is given the body ends with end (io.EOF, or an error: the
// client went away). With hold set, it first stalls there: it closes
// stalled and waits for hold to close. check, when set, is called before
// each read with the bytes given so far.
type trickle struct {
	data    []byte
	sizes   []int
	end     error
	hold    chan struct{}
	stalled chan struct{}
	check   func(given int)

	given, reads int
}

func (b *trickle) Read(p []byte) (int, error) {
	if b.check != nil {
		b.check(b.given)
	}
	if b.given == len(b.data) {
		if b.hold != nil {
			close(b.stalled)
			<-b.hold
			b.hold = nil
		}
		return 0, b.end
	}
	n := len(p)
	if len(b.sizes) > 0 {
		n = min(n, b.sizes[b.reads%len(b.sizes)])
	}
	n = copy(p[:n], b.data[b.given:])
	b.given += n
	b.reads++
	return n, nil
}

// stalling returns a body that sends data and then stalls until hold
// closes, when it ends with end.
func stalling(data []byte, hold chan struct{}, end error) *trickle {
	return &trickle{data: data, end: end, hold: hold, stalled: make(chan struct{})}
}

// post is a POST request with body, announcing length bytes (-1: unknown).
func post(body io.Reader, length int64) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", body)
	r.ContentLength = length
	return r
}

// read reads r through e and returns the status and the body read.
func read(e *inbound.Edge, r *http.Request) (int, []byte, *httptest.ResponseRecorder) {
	w := httptest.NewRecorder()
	body, _ := e.ReadBody(w, r)
	return w.Code, body, w
}

// testEdge returns an Edge with a budget of budget bytes whose readers wait
// up to wait for it, and its log.
func testEdge(budget int64, wait time.Duration) (*inbound.Edge, *bytes.Buffer) {
	var log bytes.Buffer
	e := inbound.NewEdge("test", inbound.PoolConfig{Wait: wait}, budget, nil, slog.New(slog.NewTextHandler(&log, nil)))
	return e, &log
}

// TestBodyBudgetNeverExceeded runs many readers of bodies up to MaxBody at
// once against a budget of two of them: the bytes taken never exceed the
// budget, each reader's taken bytes cover what it received, every body read
// comes through whole, and the budget is all given back.
func TestBodyBudgetNeverExceeded(t *testing.T) {
	const budget = 2 << 20
	e, _ := testEdge(budget, 200*time.Millisecond)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	codes := map[int]int{}
	for i := range 32 {
		data := bytes.Repeat([]byte{byte('a' + i%26)}, (i*37813)%(inbound.MaxBody+1))
		length := int64(len(data))
		if i%3 == 0 {
			length = -1
		}
		wg.Go(func() {
			b := &trickle{data: data, end: io.EOF, sizes: []int{1 + i*97, 4096, 65536, 3}}
			b.check = func(given int) {
				if now, _ := e.BodyBytes(); now > budget || now < int64(given) {
					mu.Lock()
					problems = append(problems, fmt.Sprintf("reader %d: after %d bytes came, got %d taken, want at least as many and at most %d", i, given, now, budget))
					mu.Unlock()
				}
			}
			code, body, _ := read(e, post(b, length))
			mu.Lock()
			defer mu.Unlock()
			codes[code]++
			if code == http.StatusOK && !bytes.Equal(body, data) {
				problems = append(problems, fmt.Sprintf("reader %d: got a body of %d bytes, not the %d sent", i, len(body), len(data)))
			}
		})
	}
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("statuses %v", codes)
	if codes[http.StatusOK]+codes[http.StatusServiceUnavailable] != 32 || codes[http.StatusOK] == 0 {
		t.Errorf("got statuses %v, want 200 and 503 only, some 200", codes)
	}
	if now, peak := e.BodyBytes(); now != 0 || peak > budget || peak == 0 {
		t.Errorf("got %d bytes taken now and %d at most, want 0 and at most %d", now, peak, budget)
	}
	if refused := e.BodyRefused(); refused != uint64(codes[http.StatusServiceUnavailable]) {
		t.Errorf("got %d counted refused, want %d", refused, codes[http.StatusServiceUnavailable])
	}
}

// TestBodyBudgetStalledReadersRefuseNewOnes fills the budget with stalled
// readers: a new reader waits and gets 503, logged; once the stalled ones
// end, whether they succeed or fail, their budget is back and the new
// reader is served.
func TestBodyBudgetStalledReadersRefuseNewOnes(t *testing.T) {
	const part = 4 << 10 // a stalled reader sent this much of 1 MiB
	const budget = 16 * part
	e, log := testEdge(budget, 10*time.Millisecond)
	hold := make(chan struct{})
	var wg sync.WaitGroup
	var stalled []*trickle
	codes := make([]int, 16)
	for i := range 16 {
		// Half announce 1 MiB and go away; half send no length and end
		// their body after the stall.
		end, length := io.ErrUnexpectedEOF, int64(inbound.MaxBody)
		if i%2 == 1 {
			end, length = io.EOF, -1
		}
		b := stalling(bytes.Repeat([]byte("x"), part), hold, end)
		stalled = append(stalled, b)
		wg.Go(func() { codes[i], _, _ = read(e, post(b, length)) })
	}
	for _, b := range stalled {
		<-b.stalled
	}
	if now, _ := e.BodyBytes(); now != budget {
		t.Fatalf("got %d bytes taken by the stalled readers, want %d", now, budget)
	}

	code, _, w := read(e, post(strings.NewReader("text=hi"), 7))
	if code != http.StatusServiceUnavailable || strings.TrimSpace(w.Body.String()) != "busy" || w.Header().Get("Connection") != "close" {
		t.Errorf("with the budget taken: got %d %q (Connection %q), want 503 busy, closed", code, w.Body, w.Header().Get("Connection"))
	}
	if !strings.Contains(log.String(), "test: busy, body refused") {
		t.Errorf("got log %q, want the refusal", log)
	}

	close(hold)
	wg.Wait()
	for i, c := range codes {
		if want := []int{http.StatusBadRequest, http.StatusOK}[i%2]; c != want {
			t.Errorf("stalled reader %d: got %d, want %d", i, c, want)
		}
	}
	if now, _ := e.BodyBytes(); now != 0 {
		t.Fatalf("got %d bytes taken after the stalled readers ended, want 0", now)
	}
	if code, body, _ := read(e, post(strings.NewReader("text=hi"), 7)); code != http.StatusOK || string(body) != "text=hi" {
		t.Errorf("after the stalled readers ended: got %d %q, want 200 text=hi", code, body)
	}
}

// TestBodyBudgetBackAfterFailures proves the budget is given back after a
// client went away mid-body, after a body too large, and after a read
// refused while it held part of the budget.
func TestBodyBudgetBackAfterFailures(t *testing.T) {
	big := bytes.Repeat([]byte("x"), inbound.MaxBody+1)
	tests := []struct {
		name     string
		giveBody io.Reader
		giveLen  int64
		want     int
	}{
		{"client gone", &trickle{data: big[:300<<10], sizes: []int{1000}, end: io.ErrUnexpectedEOF}, inbound.MaxBody, http.StatusBadRequest},
		{"too large, unannounced", &trickle{data: big, sizes: []int{70000}, end: io.EOF}, -1, http.StatusRequestEntityTooLarge},
		{"too large, announced", bytes.NewReader(big), int64(len(big)), http.StatusRequestEntityTooLarge},
	}
	const budget = 2 << 20
	e, _ := testEdge(budget, 10*time.Millisecond)
	for _, tt := range tests {
		if code, _, _ := read(e, post(tt.giveBody, tt.giveLen)); code != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, code, tt.want)
		}
		if now, _ := e.BodyBytes(); now != 0 {
			t.Errorf("%s: got %d bytes taken after it, want 0", tt.name, now)
		}
	}

	// A stalled body of 1 MiB holds half the budget: another one gets its
	// 512 KiB buffer (while it copies into it, its 256 KiB one too: 1.75
	// MiB at most), not the 1 MiB one beside it, and is refused.
	hold := make(chan struct{})
	beside := stalling(big[:inbound.MaxBody], hold, io.EOF)
	done := make(chan int)
	go func() { code, _, _ := read(e, post(beside, inbound.MaxBody)); done <- code }()
	<-beside.stalled
	if code, _, _ := read(e, post(bytes.NewReader(big[:inbound.MaxBody]), inbound.MaxBody)); code != http.StatusServiceUnavailable {
		t.Errorf("beside a stalled 1 MiB body: got %d, want 503", code)
	}
	if now, peak := e.BodyBytes(); now != inbound.MaxBody || peak != budget-inbound.MaxBody/4 {
		t.Errorf("after the refusal: got %d bytes taken and %d at most, want %d (the stalled body's) and %d", now, peak, inbound.MaxBody, budget-inbound.MaxBody/4)
	}
	close(hold)
	if code := <-done; code != http.StatusOK {
		t.Errorf("the stalled body: got %d, want 200", code)
	}
	if now, _ := e.BodyBytes(); now != 0 {
		t.Errorf("got %d bytes taken at the end, want 0", now)
	}
}

// TestBodyBudgetAnnouncedIsNotTaken opens many connections that announce
// MaxBody and send nothing: they take no budget, and a small request
// beside them is served.
func TestBodyBudgetAnnouncedIsNotTaken(t *testing.T) {
	e, _ := testEdge(64<<10, 10*time.Millisecond)
	hold := make(chan struct{})
	var wg sync.WaitGroup
	var silent []*trickle
	for range 1000 {
		b := stalling(nil, hold, io.ErrUnexpectedEOF)
		silent = append(silent, b)
		wg.Go(func() { read(e, post(b, inbound.MaxBody)) })
	}
	for _, b := range silent {
		<-b.stalled
	}
	if now, _ := e.BodyBytes(); now != 0 {
		t.Errorf("got %d bytes taken by 1000 silent bodies, want 0", now)
	}
	if code, body, _ := read(e, post(strings.NewReader("text=hi"), 7)); code != http.StatusOK || string(body) != "text=hi" {
		t.Errorf("beside 1000 silent bodies: got %d %q, want 200 text=hi", code, body)
	}
	close(hold)
	wg.Wait()
}

// FuzzReadBody reads bodies of every size up to just over MaxBody, in
// random pieces, with and without Content-Length: each comes through
// byte-exact, or is refused 413 when too large; while it is read the budget
// taken covers what came and is at most twice that (or one first buffer);
// with a known length the body ends in a buffer of exactly its size; and
// all of the budget is given back.
func FuzzReadBody(f *testing.F) {
	f.Add([]byte("text=hi"), []byte{}, uint32(7), true)
	f.Add([]byte("{}"), []byte{0}, uint32(0), true)
	f.Add([]byte("payload=%7B%7D"), []byte{0, 3, 255}, uint32(5000), false)
	f.Add([]byte("ab"), []byte{63, 64, 65}, uint32(4096), true)
	f.Add([]byte("x"), []byte{200, 7}, uint32(inbound.MaxBody), true)
	f.Add([]byte("x"), []byte{255}, uint32(inbound.MaxBody), false)
	f.Add([]byte("xy"), []byte{255, 1}, uint32(inbound.MaxBody+1), false)
	f.Add([]byte("xy"), []byte{}, uint32(inbound.MaxBody+1), true)
	f.Fuzz(func(t *testing.T, pattern, pieces []byte, size uint32, known bool) {
		if len(pattern) == 0 {
			pattern = []byte{0}
		}
		n := int(size) % (inbound.MaxBody + 2)
		data := bytes.Repeat(pattern, n/len(pattern)+1)[:n]
		var sizes []int
		for _, p := range pieces {
			sizes = append(sizes, 1+int(p)*int(p)) // 1 byte to 64 KiB
		}
		e, _ := testEdge(inbound.DefaultBodyBudget, time.Second)
		b := &trickle{data: data, sizes: sizes, end: io.EOF}
		b.check = func(given int) {
			if now, _ := e.BodyBytes(); now < int64(given) || now > max(2*int64(given), 4096) {
				t.Fatalf("after %d bytes came: got %d bytes taken, want at least as many and at most twice (or 4096)", given, now)
			}
		}
		length := int64(-1)
		if known {
			length = int64(len(data))
		}
		code, body, _ := read(e, post(b, length))
		switch {
		case len(data) > inbound.MaxBody && code != http.StatusRequestEntityTooLarge:
			t.Fatalf("%d bytes: got %d, want 413", len(data), code)
		case len(data) <= inbound.MaxBody && (code != http.StatusOK || !bytes.Equal(body, data)):
			t.Fatalf("%d bytes: got %d and %d bytes, want 200 and the same bytes", len(data), code, len(body))
		case code == http.StatusOK && known && cap(body) != len(data):
			t.Fatalf("%d bytes announced: got a buffer of %d, want exactly the body's size", len(data), cap(body))
		}
		if now, _ := e.BodyBytes(); now != 0 {
			t.Fatalf("got %d bytes taken after the read, want 0", now)
		}
	})
}
