package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheckTimeout bounds the whole probe: a container runtime kills a
// probe that hangs, so herald gives up first with a clear line.
const healthcheckTimeout = 3 * time.Second

// healthcheck asks the herald serving on HERALD_ADDR whether it is alive
// (GET /healthz) and returns an error unless it answers 200. It exists for
// the container image's HEALTHCHECK: the image has no shell and no curl.
func healthcheck(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	addr := getenv("HERALD_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	url, err := healthzURL(addr)
	if err != nil {
		return fmt.Errorf("HERALD_ADDR: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// healthzURL returns the /healthz URL of a server listening on addr; an
// address that listens on every interface is reached through loopback.
func healthzURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
