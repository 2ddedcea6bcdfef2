package outbox

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
)

// Pace is how fast one platform takes messages: the least time between two
// sends to one channel or person, and between two sends in one workspace.
// Zero means no limit.
type Pace struct {
	PerTarget time.Duration
	PerSpace  time.Duration
}

// DefaultPace follows the platforms' published limits: Slack chat.postMessage
// about 1 per second per channel with a workspace-wide ceiling; Teams 7 per
// second per conversation with a per-tenant ceiling.
var DefaultPace = map[bot.Platform]Pace{
	bot.Slack: {PerTarget: time.Second, PerSpace: 100 * time.Millisecond},
	bot.Teams: {PerTarget: time.Second / 7, PerSpace: 20 * time.Millisecond},
}

// paceScript reserves the next send slot of a target and its workspace and
// returns how long to wait for it, in microseconds. Slots are kept in
// microseconds of Redis' clock, so every replica paces against one clock.
// KEYS target, space; ARGV their intervals and the workspace's slack (µs): a
// workspace that fell behind may catch up by that much, like a token bucket's
// burst; a target never sends faster than its interval.
var paceScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ti, si, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local a = tonumber(redis.call('GET', KEYS[1]) or '0')
local b = tonumber(redis.call('GET', KEYS[2]) or '0')
local at = math.max(now - slack, a, b)
local send = math.max(now, at)
if ti > 0 then redis.call('SET', KEYS[1], string.format('%.0f', send + ti), 'PX', math.ceil((send - now + ti) / 1000) + 60000) end
if si > 0 then redis.call('SET', KEYS[2], string.format('%.0f', at + si), 'PX', math.ceil(math.max(at + si - now, 0) / 1000) + 60000) end
return send - now`)

// holdScript pushes a workspace's next free slot to now + ARGV[1] ms.
var holdScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local at = now + tonumber(ARGV[1]) * 1000
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if at > cur then redis.call('SET', KEYS[1], string.format('%.0f', at), 'PX', tonumber(ARGV[1]) + 60000) end
return 0`)

// burstSlots is how many workspace slots a workspace that fell behind may catch up at once.
const burstSlots = 10

// wait blocks until to may receive the next message. It is false when ctx ended.
func (o *Outbox) wait(ctx context.Context, to bot.Ref, pace Pace) bool {
	if pace.PerTarget <= 0 && pace.PerSpace <= 0 {
		return ctx.Err() == nil
	}
	for {
		us, err := paceScript.Run(ctx, o.cfg.Redis, []string{o.paceKey("t:" + to.Key()), o.paceKey("s:" + to.Space())},
			pace.PerTarget.Microseconds(), pace.PerSpace.Microseconds(), burstSlots*pace.PerSpace.Microseconds()).Int64()
		if err == nil {
			return sleep(ctx, time.Duration(us)*time.Microsecond)
		}
		if ctx.Err() != nil {
			return false
		}
		o.log.Warn("outbox: pacing failed", "err", err)
		if !sleep(ctx, time.Second) {
			return false
		}
	}
}

// holdOff makes every worker wait d before the next send to to's workspace:
// the platform asked to slow down (HTTP 429 with Retry-After).
func (o *Outbox) holdOff(ctx context.Context, to bot.Ref, d time.Duration) {
	ms := (d + time.Millisecond - 1) / time.Millisecond // round up: never early
	err := holdScript.Run(ctx, o.cfg.Redis, []string{o.paceKey("s:" + to.Space())}, int64(ms)).Err()
	if err != nil && ctx.Err() == nil {
		o.log.Warn("outbox: hold off failed", "err", err)
		sleep(ctx, d)
	}
}
