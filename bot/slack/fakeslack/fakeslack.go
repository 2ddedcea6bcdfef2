// Package fakeslack is a fake Slack Web API for tests: slack-go's slacktest
// server plus the routes herald uses that it lacks (chat.update, views.publish,
// views.open, conversations.open, conversations.members, usergroups.users.list,
// file uploads, response_url), recording every call. It can answer a method
// with a 429 and Retry-After, or with a Slack error code, for every call or
// only for calls about one channel, user or user group (FailFor).
package fakeslack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/herald-chat/herald/bot/bottest"
)

// Call is one request the fake received.
type Call struct {
	Method string
	Form   url.Values      // form-encoded calls
	JSON   json.RawMessage // JSON calls (views.*, response_url)
	// File and Filename are the file of a multipart upload (files upload v2's
	// upload step).
	File     []byte
	Filename string
}

// Server is the fake. Members maps channel and user group ids to user ids.
type Server struct {
	*slacktest.Server
	// PageSize is how many members conversations.members answers per page
	// (default 2, to exercise the paging). Set it before the first call.
	PageSize int

	calls bottest.Recorder[Call]

	mu          sync.Mutex
	limited     map[string]int    // method → 429s still to answer
	failures    map[string]string // method → Slack error code
	failFor     map[string]string // method and target → Slack error code
	answered429 map[string]int    // method → 429s answered
	members     map[string][]string
}

// New starts a fake Slack that stops when tb ends. extra binds routes of the
// test's own (they win over the fake's).
func New(tb testing.TB, extra ...slacktest.Binder) *Server {
	tb.Helper()
	s := &Server{
		limited: map[string]int{}, failures: map[string]string{}, failFor: map[string]string{}, answered429: map[string]int{},
		members: map[string][]string{},
	}
	routes := map[string]func(c Call) any{
		"/chat.postMessage": func(c Call) any {
			return map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": fmt.Sprint(time.Now().UnixNano())}
		},
		"/chat.postEphemeral": func(Call) any { return map[string]any{"ok": true, "message_ts": "1.2"} },
		"/chat.update": func(c Call) any {
			return map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts")}
		},
		"/conversations.open": func(c Call) any {
			return map[string]any{"ok": true, "channel": map[string]any{"id": "D" + c.Form.Get("users")}}
		},
		"/conversations.members": s.conversationMembers,
		"/usergroups.users.list": func(c Call) any {
			return map[string]any{"ok": true, "users": s.Members(c.Form.Get("usergroup"))}
		},
		"/views.publish": func(Call) any { return map[string]any{"ok": true, "view": map[string]any{"id": "V1"}} },
		"/views.open":    func(Call) any { return map[string]any{"ok": true, "view": map[string]any{"id": "V2"}} },
		"/files.getUploadURLExternal": func(Call) any {
			return map[string]any{"ok": true, "upload_url": s.GetAPIURL() + "upload", "file_id": "F1"}
		},
		"/upload": func(Call) any { return map[string]any{"ok": true} },
		"/files.completeUploadExternal": func(Call) any {
			return map[string]any{"ok": true, "files": []map[string]any{{"id": "F1"}}}
		},
		"/respond/": func(Call) any { return map[string]any{"ok": true} },
	}
	s.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		for _, bind := range extra {
			bind(c)
		}
		for path, answer := range routes {
			c.Handle(path, s.record(answer))
		}
	})
	s.Start()
	tb.Cleanup(s.Stop)
	return s
}

// ResponseURL returns a response_url that the fake records under "response_url".
func (s *Server) ResponseURL(id string) string { return s.GetAPIURL() + "respond/" + id }

// RateLimit makes the next n calls of method answer 429 with Retry-After.
func (s *Server) RateLimit(method string, n int, retryAfterSeconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited[method] = n
	s.limited[method+"#after"] = retryAfterSeconds
}

// Fail makes every call of method answer {"ok":false,"error":code}.
func (s *Server) Fail(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = code
}

// FailFor makes every call of method about target answer
// {"ok":false,"error":code}. The target is the call's channel, users or
// usergroup argument: FailFor("chat.postMessage", "C0GONE", "channel_not_found").
func (s *Server) FailFor(method, target, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failFor[method+" "+target] = code
}

// RateLimited returns how many calls of method were answered with a 429.
func (s *Server) RateLimited(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answered429[method]
}

// SetMembers sets the members of a channel or user group.
func (s *Server) SetMembers(id string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[id] = users
}

// Members returns the members of a channel or user group.
func (s *Server) Members(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.members[id]
}

// Calls returns the recorded calls of method ("chat.postMessage",
// "response_url"), in order; all calls when method is "".
func (s *Server) Calls(method string) []Call {
	return s.calls.Filter(func(c Call) bool { return method == "" || c.Method == method })
}

// WaitFor waits until method was called n times and returns those calls; it
// fails tb after timeout.
func (s *Server) WaitFor(tb testing.TB, method string, n int, timeout time.Duration) []Call {
	tb.Helper()
	return s.calls.WaitFor(tb, "calls of "+method, func(c Call) bool { return c.Method == method }, n, timeout)
}

func (s *Server) record(answer func(Call) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		method := strings.TrimPrefix(r.URL.Path, "/")
		if strings.HasPrefix(method, "respond/") {
			method = "response_url"
		}
		body, _ := io.ReadAll(r.Body)
		c := Call{Method: method}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch ct {
		case "application/json":
			c.JSON = body
		case "application/x-www-form-urlencoded":
			c.Form, _ = url.ParseQuery(string(body))
		case "multipart/form-data":
			c.Filename, c.File = multipartFile(r.Header.Get("Content-Type"), body)
		}
		s.mu.Lock()
		if n := s.limited[method]; n > 0 {
			s.limited[method] = n - 1
			s.answered429[method]++
			after := s.limited[method+"#after"]
			s.mu.Unlock()
			w.Header().Set("Retry-After", fmt.Sprint(after))
			http.Error(w, "ratelimited", http.StatusTooManyRequests)
			return
		}
		code := s.failures[method]
		for _, target := range []string{c.Form.Get("channel"), c.Form.Get("users"), c.Form.Get("usergroup")} {
			if f, ok := s.failFor[method+" "+target]; ok && target != "" {
				code = f
			}
		}
		s.calls.Add(c)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if code != "" {
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
			return
		}
		_ = json.NewEncoder(w).Encode(answer(c))
	}
}

// conversationMembers answers in pages of two, to exercise the paging.
func (s *Server) conversationMembers(c Call) any {
	all := s.Members(c.Form.Get("channel"))
	start := 0
	fmt.Sscan(c.Form.Get("cursor"), &start)
	size := s.PageSize
	if size <= 0 {
		size = 2
	}
	end := min(start+size, len(all))
	next := ""
	if end < len(all) {
		next = fmt.Sprint(end)
	}
	return map[string]any{"ok": true, "members": all[start:end], "response_metadata": map[string]any{"next_cursor": next}}
}

// multipartFile returns the name and content of the first file in a
// multipart body.
func multipartFile(contentType string, body []byte) (string, []byte) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return "", nil
		}
		if part.FileName() != "" {
			data, _ := io.ReadAll(part)
			return part.FileName(), data
		}
	}
}
