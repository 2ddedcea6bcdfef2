package inbound_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot/internal/inbound"
)

// start runs p until the test ends and returns the stop that waits for Run.
func start(t *testing.T, p *inbound.Pool) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	stop = sync.OnceFunc(func() { cancel(); <-done })
	t.Cleanup(stop)
	return stop
}

func TestPoolRunsEveryJobTakenBeforeStop(t *testing.T) {
	p := inbound.NewPool(inbound.PoolConfig{Workers: 2, Queue: 10}, inbound.PoolConfig{})
	var mu sync.Mutex
	ran := 0
	for range 10 {
		if !p.Submit(func(context.Context) { mu.Lock(); ran++; mu.Unlock() }) {
			t.Fatal("submit refused with room in the queue")
		}
	}
	stop := start(t, p)
	stop()
	if ran != 10 {
		t.Errorf("got %d jobs run, want 10", ran)
	}
	if p.Submit(func(context.Context) {}) {
		t.Error("a stopped pool took a job")
	}
}

func TestPoolRefusesWhenFull(t *testing.T) {
	p := inbound.NewPool(inbound.PoolConfig{Workers: 1, Queue: 1}, inbound.PoolConfig{})
	release := make(chan struct{})
	busy := make(chan struct{})
	p.Submit(func(context.Context) { close(busy); <-release })
	start(t, p)
	<-busy // the worker holds the first job
	if !p.Submit(func(context.Context) {}) {
		t.Fatal("the queue's one place was refused")
	}
	if p.Submit(func(context.Context) {}) {
		t.Error("a full pool took a job")
	}
	if q, r := p.Queued(), p.Refused(); q != 1 || r != 1 {
		t.Errorf("got %d queued and %d refused, want 1 and 1", q, r)
	}
	close(release)
}

func TestPoolWaitsForAPlace(t *testing.T) {
	p := inbound.NewPool(inbound.PoolConfig{Workers: 1, Queue: 1, Wait: time.Hour}, inbound.PoolConfig{})
	release := make(chan struct{})
	busy := make(chan struct{})
	p.Submit(func(context.Context) { close(busy); <-release })
	start(t, p)
	<-busy
	p.Submit(func(context.Context) {}) // the queue is full now
	took := make(chan bool)
	go func() { took <- p.Submit(func(context.Context) {}) }()
	close(release) // a place comes free
	if !<-took {
		t.Error("submit gave up though a place came free")
	}
	if r := p.Refused(); r != 0 {
		t.Errorf("got %d refused, want 0", r)
	}
}

func TestPoolJobsOutliveTheRunContext(t *testing.T) {
	p := inbound.NewPool(inbound.PoolConfig{Workers: 1, Queue: 1}, inbound.PoolConfig{})
	got := make(chan error, 1)
	p.Submit(func(ctx context.Context) { got <- ctx.Err() })
	stop := start(t, p)
	stop()
	if err := <-got; err != nil {
		t.Errorf("a taken job ran with a finished context: %v", err)
	}
}

func TestPoolTakesDefaultsForUnsetSizes(t *testing.T) {
	p := inbound.NewPool(inbound.PoolConfig{Workers: 1}, inbound.PoolConfig{Workers: 8, Queue: 2})
	for i := range 2 {
		if !p.Submit(func(context.Context) {}) {
			t.Fatalf("submit %d refused, want the default queue of 2", i+1)
		}
	}
	if p.Submit(func(context.Context) {}) {
		t.Error("a third job was queued, want the default queue of 2 full")
	}
}
