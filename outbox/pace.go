package outbox

import (
	"time"

	"github.com/herald-chat/herald/bot"
)

// Pace is how fast one platform takes messages. Each workspace starts at
// Start messages per second, rises while sends succeed, never beyond Max, and
// slows down when the platform answers 429; one channel or person gets at
// most one message per PerTarget. A Start of zero means no pace of its own:
// only the platform's Retry-After holds the workspace back.
type Pace struct {
	Start     float64
	Max       float64
	PerTarget time.Duration
}

// DefaultPace starts at the platforms' published limits: Slack's
// chat.postMessage about 1 per second per channel and "several hundred per
// minute" per workspace; Teams 7 per second per conversation and 50 per
// second per app and tenant. Both may rise to Max when the platform allows it.
var DefaultPace = map[bot.Platform]Pace{
	bot.Slack: {Start: 10, Max: 500, PerTarget: time.Second},
	bot.Teams: {Start: 50, Max: 500, PerTarget: time.Second / 7},
}

// How the pace of a workspace moves: it grows by growStart messages/s per
// delivered message until the first 429 (so it grows exponentially in time,
// by e in 1/growStart seconds), then by growAfter (less, by the square of
// slowWindow over the Retry-After, when the platform's Retry-After is longer
// than slowWindow: each 429 then costs more). Each 429 multiplies it by
// slowDown, at most once per slowWindow, never below minRate; once a short
// Retry-After ended, it counts what the platform takes for at least
// probeWindow and probeCount messages and keeps the pace at most at that.
//
// A Retry-After of slowWindow or more (Slack's whole seconds) costs the
// workspace too much to probe after it. That 429 instead takes what the
// platform accepted just before it (a moving average of deliveries over
// accWindow, but at least Start) as the ceiling, cuts the pace to slowDown
// times it, and the workspace resumes at that pace; each delivery then
// closes a 1/settleCount part of the gap to settleBelow times the ceiling,
// so the pace settles just below it within a few hundred messages and
// creeps on from there only by the small growth above.
const (
	growStart   = 5.0
	growAfter   = 0.05
	slowDown    = 0.9
	slowWindow  = 200 * time.Millisecond
	minRate     = 0.5
	probeWindow = 100 * time.Millisecond
	probeCount  = 20
	accWindow   = 250 * time.Millisecond // time constant of the accepted rate
	settleCount = 100
	settleBelow = 0.95 // of the accepted rate at the last long 429
)
