package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthzURL(t *testing.T) {
	for _, tt := range []struct {
		give string
		want string
	}{
		{give: ":8080", want: "http://127.0.0.1:8080/healthz"},
		{give: "0.0.0.0:9000", want: "http://127.0.0.1:9000/healthz"},
		{give: "[::]:8080", want: "http://127.0.0.1:8080/healthz"},
		{give: "10.1.2.3:8080", want: "http://10.1.2.3:8080/healthz"},
		{give: "[::1]:8080", want: "http://[::1]:8080/healthz"},
		{give: "herald.internal:80", want: "http://herald.internal:80/healthz"},
	} {
		got, err := healthzURL(tt.give)
		if err != nil || got != tt.want {
			t.Errorf("healthzURL(%q) = %q, %v; want %q", tt.give, got, err, tt.want)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok\n"))
	}))
	defer healthy.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	for _, tt := range []struct {
		name    string
		give    string
		wantOut string
		wantErr string // empty: healthy
	}{
		{name: "healthy", give: healthy.Listener.Addr().String(), wantOut: "ok\n"},
		{name: "503", give: failing.Listener.Addr().String(), wantErr: "503 Service Unavailable"},
		{name: "nobody listening", give: closed, wantErr: "connection refused"},
		{name: "bad address", give: "8080", wantErr: "HERALD_ADDR: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			err := run(context.Background(), []string{"herald", "healthcheck"}, env(map[string]string{"HERALD_ADDR": tt.give}), strings.NewReader(""), &out, &errs)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tt.wantErr) || (tt.wantErr == "") != (err == nil) {
				t.Errorf("healthcheck on %s: got error %q, want one containing %q", tt.give, got, tt.wantErr)
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out.String(), tt.wantOut)
			}
		})
	}
}
