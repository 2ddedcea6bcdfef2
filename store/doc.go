// Package store keeps herald's data in Redis through go-redis, behind the
// interfaces that package bot defines. The same code runs against a Redis
// server, a Redis Cluster, or the embedded Redis-protocol server (Embedded)
// that herald starts when no REDIS_URL is set.
//
// # Key layout
//
// Every key starts with the configured prefix (HERALD_REDIS_PREFIX, "herald:").
// Data of one workspace carries the workspace in a hash tag, {slack:T0001}, so
// that a Redis Cluster keeps it in one slot and multi-key transactions and
// scripts work there too. In the table, {s} is that tag and M a month (2026-11).
//
//	key                               type   holds
//	{s}:shoutout:M                    hash   shout-out id → shout-out JSON
//	{s}:shoutout:M:idx                list   shout-out ids, newest first
//	{s}:shoutout:M:people             zset   recipient ref key → shout-outs received
//	{s}:shoutout:M:values             zset   company value → times named
//	{s}:shoutout:K:ID:received        list   "M/shout-out id" of what ref K:ID (user:U1) received, newest first; 50 kept
//	{s}:shoutout:K:ID:given           zset   the same for what K:ID gave
//	seen:KEY                          string a platform event id (slack:Ev0PV52K21) already processed; expires
//	{s}:lang                          hash   user ref key → the language the person chose
//	{s}:pulse:seq                     string last pulse number (P1, P2, …)
//	{s}:pulses                        hash   pulse id → pulse JSON (questions, audience, owner)
//	{s}:pulse:P:rN                    hash   round N of pulse P: round JSON, closed, reminded,
//	                                         buckets, n (respondents), n:<segment>
//	{s}:pulse:P:rN:who:<b>            hash   WHO: respondent hash → mask*256+segment
//	{s}:pulse:P:rN:cnt                hash   WHAT: "<question>:<segment>:<value>" → count
//	{s}:pulse:P:rN:tup                hash   WHAT: anonymous answer tuple → count
//	{s}:pulse:P:rN:txt                list   WHAT: "<question>␟<free text>", no author
//	{s}:pulse:P:rN:call:TOKEN         string one RecordAnswer call's outcome (random token, 10 min),
//	                                         so that the client sending it again is answered alike
//	{s}:pulse:P:rN:pend               hash   respondent hash → answers given so far, until
//	                                         the last question is answered (see below)
//	{s}:goal:seq                      string last goal number (G1, G2, …)
//	{s}:goals                         hash   goal id → goal JSON
//	pulse:recurring                   set    "space␟P" of recurring pulses not stopped; spans
//	                                         workspaces, no hash tag (for the scheduler)
//	pulse:open                        zset   "space␟P␟N" of open rounds, scored by close
//	                                         time (unix ms); spans workspaces, no hash tag
//	{s}:keymsg                        hash   key message id → key message JSON
//	{s}:keymsg:seq                    string the last key message id (ids are 1, 2, 3, …)
//	{s}:keymsg:ID:sends               zset   send id → due time (unix ms)
//	{s}:keymsg:ID:send:S              string the send's JSON (SET NX: a send is recorded once)
//	{s}:keymsg:ID:send:S:aud          set    ref keys of the people it reached
//	{s}:keymsg:ID:send:S:ok           set    ref keys it was delivered to
//	{s}:keymsg:ID:send:S:fail         hash   ref key → error code of a failed delivery
//	{s}:keymsg:ID:send:S:ack          set    ref keys of the people who acknowledged
//	keymsg:spaces                     set    workspaces that have key messages
//	schedules:version                 string counter, bumped on every schedule change
//	{s}:teams:conv                    hash   Teams conversation id → Bot Framework service URL
//	                                         (conversation references for proactive sends)
//	{s}:teams:service                 string the service URL herald last heard the tenant
//	                                         through, for conversations not seen yet (1:1 chats)
//
// Send records expire after 400 days. The scheduler (package scheduler) and
// the delivery queue (package outbox) keep their own keys, all under the same prefix:
//
//	sched:seen                        string unix ms up to which runs were considered
//	sched:run:KIND:ID:DUE             string claim of one run (SET NX): "firing", then "done"
//	{outbox}:spaces                   set    workspaces that have a delivery queue
//	{s}:outbox:due                    zset   entry → when it may be sent (unix µs); 0: taken over
//	{s}:outbox:lease                  zset   entry → when its worker's lease ends (unix µs)
//	{s}:outbox:msg                    hash   entry → message JSON; r:/e: entry → 429s/errors so far
//	{s}:outbox:enq                    zset   entry → when it was queued (unix µs)
//	{s}:outbox:pace                   hash   the workspace's pace: rate, next slot, Retry-After hold
//	{s}:outbox:t:TARGET / f:TARGET    string a channel's or person's next slot / entry in flight
//	{s}:outbox:idem:DELIVERYID        string "queued", "sent" or "failed": each delivery id is queued once
//
// A shout-out and its broadcast's outbox entry are written in one transaction:
// both carry the workspace's hash tag.
//
// # Pulse anonymity
//
// Who answered is kept apart from what was answered, and no key of a round of
// an anonymous pulse holds a user id (the pulse itself names its owner and
// audience):
//
//   - WHO: each round has a random salt (in the round's JSON). A person is
//     stored as the first 8 bytes of SHA-256(salt, user key), in hex, spread
//     over "who" hashes of about 100 entries each (bucket = hash mod buckets),
//     which Redis keeps in its compact listpack encoding. The value holds
//     which questions the person answered (bits, for once-only answers and
//     reminders) and their segment (the audience entry they came from, for
//     per-segment results). Listpack order is the order of invitation, not of
//     answering, so it says nothing about who answered when.
//   - WHAT: counters per question, segment and value; free text in a list
//     without author; and, for pulses with several questions (the can/want
//     pair), one tuple per person of all their answers, counted, with no
//     respondent in it. Identical tuples share one counter.
//   - Linking a person's answers into a tuple needs them together for a
//     moment: until the person has answered every question, the answers so
//     far wait in "pend" under the respondent hash. The last answer moves them
//     into "tup" and deletes the pending entry in the same script; closing the
//     round moves every pending entry (partial tuples) and deletes "pend".
//     At rest, after a person finished or the round closed, nothing links a
//     respondent hash to an answer. Someone watching Redis live (MONITOR, or
//     snapshots taken between two clicks) can of course see counters move,
//     and the script call that records an answer carries the respondent hash
//     and the value together (so would a SLOWLOG entry of it).
//   - The core logs no answer or feedback text next to its author (bot.logText).
//   - The salt is in Redis, so whoever can read Redis and knows the audience
//     can tell who answered (not what): that is what reminders need.
//   - A pulse with anonymous=no stores the user key inside its tuples (the
//     respondents are told so in the message they answer).
//
// Answers are recorded by one Lua script (once per person and question, not
// after close); closing is one Lua script too.
//
// Writes that belong together (a shout-out and its counts) are one Lua script
// or one MULTI/EXEC.
// A failure to reach Redis is returned as a bot.Error with code EUNAVAILABLE.
package store
