package store

import (
	"net"
	"sync"

	"github.com/alicebob/miniredis/v2"
)

// dialPrivate connects to srv through an in-memory pipe: no listener, no
// port, no path, so no other process can reach the server.
func dialPrivate(srv *miniredis.Miniredis) (net.Conn, error) {
	client, server := net.Pipe()
	srv.Server().ServeConn(newQueuedConn(server))
	return client, nil
}

// queuedConn is the server's end of the pipe. Its writes never block: they
// queue until the client reads them, as a Redis server keeps an output
// buffer. Else a client writing a long pipeline, and reading the answers
// only afterwards, would wait for a server waiting for it.
type queuedConn struct {
	net.Conn

	mu     sync.Mutex
	ready  *sync.Cond
	queue  []byte
	closed bool
}

func newQueuedConn(c net.Conn) *queuedConn {
	q := &queuedConn{Conn: c}
	q.ready = sync.NewCond(&q.mu)
	go q.send()
	return q
}

// Write queues p for the client.
func (q *queuedConn) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, net.ErrClosed
	}
	q.queue = append(q.queue, p...)
	q.ready.Signal()
	return len(p), nil
}

// Close stops the sender and closes the pipe.
func (q *queuedConn) Close() error {
	q.mu.Lock()
	q.closed = true
	q.ready.Signal()
	q.mu.Unlock()
	return q.Conn.Close()
}

// send writes what is queued to the pipe until the conn closes.
func (q *queuedConn) send() {
	var out []byte
	for {
		q.mu.Lock()
		for len(q.queue) == 0 && !q.closed {
			q.ready.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		out, q.queue = q.queue, out[:0]
		q.mu.Unlock()
		if _, err := q.Conn.Write(out); err != nil {
			_ = q.Close()
			return
		}
	}
}
