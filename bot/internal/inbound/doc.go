// Package inbound holds what every chat adapter needs to take requests in:
// the Edge (a bounded pool of workers that runs the slow part of a request
// after the platform has been answered, the dedupe of replayed requests, a
// sampled log of refused ones, and the POST-only, size-limited read of a
// request body within a budget of memory shared by the bodies being read).
// It uses the standard library and golang.org/x/sync's semaphore.
package inbound
