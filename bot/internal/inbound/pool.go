package inbound

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// JobTimeout bounds the background work of one request, waits on rate
// limits included.
const JobTimeout = 2 * time.Minute

// Job is the background work of one request.
type Job func(ctx context.Context)

// PoolConfig sizes a Pool.
type PoolConfig struct {
	// Workers is how many jobs run at once (at least 1).
	Workers int
	// Queue is how many more jobs may wait for a worker.
	Queue int
	// Wait is how long Submit waits for a place when the queue is full
	// before it refuses the job; 0 refuses at once.
	Wait time.Duration
}

// Pool runs jobs on a fixed number of workers, with a bounded queue in front
// of them. Create it with NewPool, run it with Run and hand it jobs with
// Submit.
type Pool struct {
	workers int
	wait    time.Duration

	mu      sync.RWMutex // guards stopped and the closing of jobs
	stopped bool
	jobs    chan Job

	refused atomic.Uint64
}

// NewPool returns a Pool sized by cfg; a field of cfg that is not positive
// takes its value from def.
func NewPool(cfg, def PoolConfig) *Pool {
	if cfg.Workers <= 0 {
		cfg.Workers = def.Workers
	}
	if cfg.Queue <= 0 {
		cfg.Queue = def.Queue
	}
	if cfg.Wait <= 0 {
		cfg.Wait = def.Wait
	}
	return &Pool{
		workers: max(cfg.Workers, 1),
		wait:    max(cfg.Wait, 0),
		jobs:    make(chan Job, max(cfg.Queue, 0)),
	}
}

// Run runs the workers until ctx ends, then stops taking jobs and finishes
// the ones already taken, each within JobTimeout of its start.
func (p *Pool) Run(ctx context.Context) {
	base := context.WithoutCancel(ctx)
	var wg sync.WaitGroup
	for range p.workers {
		wg.Go(func() {
			for j := range p.jobs {
				jctx, cancel := context.WithTimeout(base, JobTimeout)
				j(jctx)
				cancel()
			}
		})
	}
	<-ctx.Done()
	p.mu.Lock()
	p.stopped = true
	close(p.jobs)
	p.mu.Unlock()
	wg.Wait()
}

// Submit queues j, waiting up to the configured Wait for a place when the
// queue is full, so that a burst is slowed down rather than refused. It
// reports false when no place came free in time or the pool has stopped;
// the caller then tells the platform or the user that herald is busy.
func (p *Pool) Submit(j Job) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.stopped {
		return false
	}
	select {
	case p.jobs <- j:
		return true
	default:
	}
	if p.wait > 0 {
		t := time.NewTimer(p.wait)
		defer t.Stop()
		select {
		case p.jobs <- j:
			return true
		case <-t.C:
		}
	}
	p.refused.Add(1)
	return false
}

// Queued returns how many jobs wait for a worker, for metrics.
func (p *Pool) Queued() int { return len(p.jobs) }

// Refused returns how many jobs Submit refused so far, for metrics.
func (p *Pool) Refused() uint64 { return p.refused.Load() }
