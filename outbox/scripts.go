package outbox

import "github.com/redis/go-redis/v9"

// The queue of one workspace lives under one hash tag, "{space}" (the tag the
// store gives a workspace's data too), so that every script below touches a
// single slot of a Redis Cluster:
//
//	{space}:outbox:due    sorted set: entry → when it may be sent (µs); 0 = at once (taken over)
//	{space}:outbox:lease  sorted set: entry → when its worker's lease ends (µs)
//	{space}:outbox:msg    hash: entry → the message (JSON); "r:"/"e:" entry → 429s/errors so far
//	{space}:outbox:enq    sorted set: entry → when it was posted (µs), for the age of the oldest
//	{space}:outbox:pace   hash: rate (messages/s), next (µs: the workspace's next free slot),
//	                      hold (µs: Retry-After), cut (µs: last slow-down), grow (1 until the first 429), seq,
//	                      acc, at (accepted messages/s as of µs), top (its value at the last long 429), probe, pn (measuring since µs, count), ra (last Retry-After µs)
//	{space}:outbox:t:TARGET  string: the target's next free slot (µs)
//	{space}:outbox:f:TARGET  string: the target's entry in flight
//	{space}:outbox:idem:ID   string: queued, sent or failed, per delivery id
//
// An entry is "%016d|target": a sequence number of its workspace, so that
// entries due at the same moment keep the order they were posted in.

// postScript queues a message once per delivery id.
// KEYS idem, due, msg, enq, pace; ARGV message JSON, idem ttl (s), now (µs),
// target key, when due (µs).
var postScript = redis.NewScript(`
if redis.call('SET', KEYS[1], 'queued', 'NX', 'EX', ARGV[2]) == false then return 0 end
local seq = redis.call('HINCRBY', KEYS[5], 'seq', 1)
local e = string.format('%016d|%s', seq, ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[5], e)
redis.call('HSET', KEYS[3], e, ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[3], e)
return 1`)

// takeScript leases up to ARGV[3] entries that are due, whose target is free
// (no entry of it in flight, its pace allows) and whose workspace is free
// (its pace and any Retry-After allow). An entry whose target is not free is
// deferred in Redis to the target's next slot, so it never holds a worker.
// Leases that ended (their worker died) go back to the front of the queue first.
// KEYS due, lease, msg, pace; ARGV now, lease, max, start rate, ceiling,
// per-target interval (all µs or messages/s), key prefix of t:/f: keys.
// Returns {entries taken over, when to look again (µs), entry, message, …}.
var takeScript = redis.NewScript(`
local now, lease, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local start, ceiling, pt, kp = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, e in ipairs(expired) do
  redis.call('ZREM', KEYS[2], e)
  redis.call('ZADD', KEYS[1], 0, e)
end
local p = redis.call('HMGET', KEYS[4], 'rate', 'next', 'hold')
local rate = tonumber(p[1]) or start
if start <= 0 then rate = 0 elseif ceiling > 0 then rate = math.min(rate, ceiling) end
local nextf = tonumber(p[2]) or 0
local hold = tonumber(p[3]) or 0
local out = {#expired, 0}
local interval = 0
if rate > 0 then interval = 1000000 / rate end
local burst = 2 * interval
if hold <= now and nextf <= now then
  for _, e in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 200)) do
    if (#out - 2) / 2 >= n or nextf > now then break end
    local target = string.sub(e, 18)
    local tkey, fkey = kp .. 't:' .. target, kp .. 'f:' .. target
    local f = redis.call('GET', fkey)
    local busy = f and redis.call('ZSCORE', KEYS[2], f)
    local tfree = tonumber(redis.call('GET', tkey) or '0')
    if busy then
      redis.call('ZADD', KEYS[1], math.max(tfree, now + math.max(pt, 100000)), e)
    elseif tfree > now then
      redis.call('ZADD', KEYS[1], tfree, e)
    else
      redis.call('ZREM', KEYS[1], e)
      redis.call('ZADD', KEYS[2], now + lease, e)
      redis.call('SET', fkey, e, 'PX', 86400000)
      if pt > 0 then redis.call('SET', tkey, string.format('%.0f', now + pt), 'PX', math.ceil(pt / 1000) + 1000) end
      nextf = math.max(nextf, now - burst) + interval
      out[#out + 1] = e
      out[#out + 1] = redis.call('HGET', KEYS[3], e) or ''
    end
  end
  redis.call('HSET', KEYS[4], 'next', string.format('%.0f', nextf), 'rate', rate)
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wake = now + 60000000
if first[2] then wake = math.max(tonumber(first[2]), hold, nextf) end
local l = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if l[2] then wake = math.min(wake, tonumber(l[2])) end
out[2] = string.format('%.0f', math.max(wake, now))
return out`)

// doneScript records the outcome of an entry and removes it. A delivered
// entry raises its workspace's pace by ARGV[5] messages/s while no 429 was
// seen (the pace grows exponentially in time), by ARGV[6] after that; while
// the workspace measures what the platform takes once a 429's Retry-After
// ended (see againScript), it counts instead, and after ARGV[8] µs and ARGV[10]
// messages the pace is at most what was delivered in that time, but not
// below the starting rate ARGV[9] for that reason alone.
// The growth after a 429 shrinks when the platform's last Retry-After was
// longer than ARGV[11] µs: each 429 then costs the workspace that long.
// KEYS due, lease, msg, pace, enq, idem; ARGV entry, state, f: key, ceiling,
// growth at start, growth after a 429, now, probe window, start, probe
// count, Retry-After that growth after a 429 is meant for, time constant of
// the accepted rate (µs), settle count, settle fraction. Every delivery also
// updates the workspace's accepted rate "acc" (messages/s, an exponential
// moving average decaying over ARGV[12] µs, as of "at"). After a long 429
// (againScript) set "top", each delivery also closes a 1/ARGV[13] part of
// the gap between the pace and ARGV[14] times "top". Returns 0 when the entry
// was not there any more (recorded before).
var doneScript = redis.NewScript(`
local e, now = ARGV[1], tonumber(ARGV[7])
local had = redis.call('HDEL', KEYS[3], e)
redis.call('ZREM', KEYS[1], e)
redis.call('ZREM', KEYS[2], e)
redis.call('ZREM', KEYS[5], e)
redis.call('HDEL', KEYS[3], 'r:' .. e, 'e:' .. e)
if redis.call('GET', ARGV[3]) == e then redis.call('DEL', ARGV[3]) end
redis.call('SET', KEYS[6], ARGV[2], 'KEEPTTL')
if had == 1 and ARGV[2] == 'sent' then
  local a = redis.call('HMGET', KEYS[4], 'acc', 'at')
  local acc = (tonumber(a[1]) or 0) * math.exp(-math.max(0, now - (tonumber(a[2]) or now)) / tonumber(ARGV[12]))
  redis.call('HSET', KEYS[4], 'acc', acc + 1000000 / tonumber(ARGV[12]), 'at', string.format('%.0f', now))
  local p = redis.call('HMGET', KEYS[4], 'rate', 'grow', 'probe', 'pn', 'ra', 'top')
  local rate, probe = tonumber(p[1]), tonumber(p[3])
  if rate and rate > 0 then
    if probe and now < probe then
      -- sent before the Retry-After ended: not part of the measurement
    elseif probe then
      local pn = (tonumber(p[4]) or 0) + 1
      if now - probe >= tonumber(ARGV[8]) and pn >= tonumber(ARGV[10]) then
        local took = pn * 1000000 / (now - probe)
        if took < rate then rate = math.max(took, math.min(rate, tonumber(ARGV[9]))) end
        redis.call('HDEL', KEYS[4], 'probe', 'pn')
        redis.call('HSET', KEYS[4], 'rate', rate)
      else
        redis.call('HSET', KEYS[4], 'pn', pn)
      end
    else
      -- the longer the platform's last Retry-After, the dearer a 429: rise slower
      local g = tonumber(ARGV[6]) * math.min(1, tonumber(ARGV[11]) / math.max(1, tonumber(p[5]) or 1)) ^ 2
      if p[2] ~= '0' then g = tonumber(ARGV[5]) end
      local top = (tonumber(p[6]) or 0) * tonumber(ARGV[14])
      if top > rate then g = g + (top - rate) / tonumber(ARGV[13]) end
      redis.call('HSET', KEYS[4], 'rate', math.min(tonumber(ARGV[4]), rate + g))
    end
  end
end
return had`)

// againScript puts a leased entry back in the queue, due after ARGV[3] µs
// (doubled with each transient failure, up to a minute). A 429 (ARGV[4] =
// Retry-After in µs, > 0) holds the whole workspace until then and slows it
// down by the factor ARGV[6], once per ARGV[7] µs however many workers saw
// it. After a Retry-After shorter than that window it measures what the
// platform takes once the Retry-After ended (doneScript); a longer one (whole
// seconds) first lowers the pace to the accepted rate "acc" it had just
// before (but not below the starting rate ARGV[12] for that reason alone: a
// quiet workspace accepted little because it sent little) and keeps that as
// the ceiling "top", so the workspace resumes below
// the ceiling and settles under it (doneScript) instead of probing it at the
// cost of another long hold.
// The target's slot is given back: the try that failed took none of the platform's.
// KEYS due, lease, msg, pace; ARGV entry, f: key, delay, Retry-After, now,
// slow-down factor, slow-down window, least rate, counter ("r" or "e"), t: key,
// time constant of the accepted rate (µs), start rate.
// Returns the entry's count of that kind, or 0 when it is not queued any more.
var againScript = redis.NewScript(`
local e, now, ra = ARGV[1], tonumber(ARGV[5]), tonumber(ARGV[4])
if redis.call('HEXISTS', KEYS[3], e) == 0 then return 0 end
local count = redis.call('HINCRBY', KEYS[3], ARGV[9] .. ':' .. e, 1)
local delay = tonumber(ARGV[3])
if ARGV[9] == 'e' then delay = math.min(delay * 2 ^ (count - 1), 60000000) end
redis.call('ZREM', KEYS[2], e)
redis.call('ZADD', KEYS[1], string.format('%.0f', now + delay), e)
if redis.call('GET', ARGV[2]) == e then redis.call('DEL', ARGV[2], ARGV[10]) end
if ra > 0 then
  local p = redis.call('HMGET', KEYS[4], 'hold', 'cut', 'rate', 'probe', 'acc', 'at')
  local hold = math.max(tonumber(p[1]) or 0, now + ra)
  redis.call('HSET', KEYS[4], 'hold', string.format('%.0f', hold))
  local cut, rate = tonumber(p[2]) or 0, tonumber(p[3])
  if rate and rate > 0 and now - cut >= tonumber(ARGV[7]) then
    local acc = (tonumber(p[5]) or rate) * math.exp(-math.max(0, now - (tonumber(p[6]) or now)) / tonumber(ARGV[11]))
    if ra >= tonumber(ARGV[7]) then
      rate = math.min(rate, math.max(acc, tonumber(ARGV[12])))
      redis.call('HSET', KEYS[4], 'top', rate)
    end
    redis.call('HSET', KEYS[4], 'rate', math.max(tonumber(ARGV[8]), rate * tonumber(ARGV[6])),
      'cut', string.format('%.0f', now), 'grow', '0', 'ra', ra)
    if not p[4] and ra < tonumber(ARGV[7]) then
      redis.call('HSET', KEYS[4], 'probe', string.format('%.0f', hold), 'pn', 0)
    end
  end
end
return count`)

// renewScript extends the leases of entries this worker still holds.
// KEYS lease; ARGV until (µs), entries…
var renewScript = redis.NewScript(`
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i]) end
return 0`)
