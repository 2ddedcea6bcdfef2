package bot

import (
	"context"
	"strconv"
	"sync"
)

// maxCachedRounds bounds the round cache; when it is full it starts over.
const maxCachedRounds = 1024

// roundCache keeps the open rounds that answers name ("P1.2"), with their
// pulse, so that an answer costs one call to the store (RecordAnswer) instead
// of three. What it keeps does not change while a round is open: questions,
// salt, audience size and close time. Whether a round was closed meanwhile,
// by this process or another, RecordAnswer checks itself (RoundShut). The
// zero value is ready to use.
type roundCache struct {
	mu     sync.RWMutex
	rounds map[string]cachedRound
}

type cachedRound struct {
	p *Pulse
	r *Round
}

func (rc *roundCache) get(key string) (cachedRound, bool) {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	cr, ok := rc.rounds[key]
	return cr, ok
}

func (rc *roundCache) put(key string, cr cachedRound) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.rounds == nil || len(rc.rounds) >= maxCachedRounds {
		rc.rounds = map[string]cachedRound{}
	}
	rc.rounds[key] = cr
}

func (rc *roundCache) forget(key string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	delete(rc.rounds, key)
}

// roundKey names round r of a pulse in space, for the cache.
func roundKey(space, round string) string { return space + "\x00" + round }

// answerRound loads the round an answer names, as pulseRound does, but keeps
// an open round ("P1.2", not "P1") for the next answers. A round whose time
// is up takes the slow way, which closes it.
func (ps *pulses) answerRound(ctx context.Context, c *call, id string) (*Pulse, *Round, error) {
	pid, n, ok := parseRoundID(id)
	if !ok {
		return ps.pulseRound(ctx, c, id)
	}
	key := roundKey(c.req.User.Space(), pid+"."+strconv.Itoa(n))
	if cr, ok := ps.rounds.get(key); ok && c.now.Before(cr.r.Closes) {
		r := *cr.r
		return cr.p, &r, nil
	}
	p, r, err := ps.pulseRound(ctx, c, id)
	if err != nil || r.Closed {
		return p, r, err
	}
	cp, cr := *p, *r
	ps.rounds.put(key, cachedRound{p: &cp, r: &cr})
	return p, r, nil
}
