// Package inbound holds what every chat adapter needs to take requests in:
// a bounded pool of workers that runs the slow part of a request after the
// platform has been answered, and the POST-only, size-limited read of a
// request body. It uses the standard library only.
package inbound
