package inbound

import (
	"log/slog"
	"sync"
	"time"
)

// Sampler lets through at most one log line per period, so that a flood of
// refused requests can't flood the log; each line tells how many it stands
// for. The zero value lets every line through; it is safe for concurrent use.
type Sampler struct {
	Every time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu      sync.Mutex
	next    time.Time
	dropped int
}

// Allow reports whether a line may be logged now, and how many lines were
// left out since the last one.
func (s *Sampler) Allow() (ok bool, dropped int) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.Before(s.next) {
		s.dropped++
		return false, 0
	}
	s.next = t.Add(s.Every)
	dropped, s.dropped = s.dropped, 0
	return true, dropped
}

// Warn logs msg at warning level through log when Allow lets it, with how
// many lines it stands for.
func (s *Sampler) Warn(log *slog.Logger, msg string, args ...any) {
	if ok, dropped := s.Allow(); ok {
		log.Warn(msg, append(args, "also_refused", dropped)...)
	}
}
