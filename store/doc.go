// Package store keeps herald's data in Redis through go-redis, behind the
// interfaces that package bot defines. Open connects to a Redis server, a
// Redis Cluster, or starts the embedded Redis-protocol server (miniredis)
// when neither is configured; the same code runs against all three.
//
// # The embedded store
//
// The embedded server has no listener: herald's client reaches it through
// in-memory pipes, so no other process can. Its data directory holds
//
//	journal-NNNNNN.log     segment NNNNNN of the journal: every write the server
//	                       applied, appended by a go-redis hook before the caller
//	                       gets the answer (a MULTI/EXEC as one record, a script
//	                       call after the script's body), fsynced every second.
//	                       Records are framed with length and CRC-32C and carry
//	                       the time the server's clock was set to for the write,
//	                       so a replay gives the same stream ids and script TIME.
//	snapshot-NNNNNN.aof    all data after the segments up to NNNNNN: records as in
//	                       the journal, of the commands that recreate each key,
//	                       then one with HERALD.END and the number of keys.
//	.snapshot-*            a snapshot being written; removed at start.
//	LOCK                   flock: one process per directory.
//
// Writes go to the current segment. Every SnapshotEvery (or at 16 MiB) the
// segment is closed, a new one started, and a second, private server loads
// the newest snapshot, replays the segments after it and dumps the result
// as the next snapshot (temp file, fsync, rename), so the store's own server
// never waits. The newest 3 snapshots are kept, with the segments after the
// oldest of them. A start loads the newest snapshot and replays the segments
// after it; a record cut short at the end of a segment (the crash) is left
// out; other damage stops the start unless Options.Recover, which falls back
// to the previous snapshot or stops the replay at the damage, and writes a
// fresh snapshot at once.
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
//	{s}:pulse:P:rN:who:<b>            hash   WHO: respondent hash → mask*256+segment, then
//	                                         "|" and the random token of their last answer call
//	                                         (a call sent again is answered alike); deleted
//	                                         at close
//	{s}:pulse:P:rN:cnt                hash   WHAT: "<question>:<segment>:<value>" → count, every
//	                                         field written at 0 when the round opens
//	{s}:pulse:P:rN:tuples             zset   WHAT: anonymous answer tuple, scored by its count
//	{s}:pulse:P:rN:texts              zset   WHAT: "<random nonce>␟<question>␟<free text>", score
//	                                         0, so sorted by the nonce: no author, no order
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
//	file:ID                           hash   name, type, content of a file served by a signed
//	                                         download link, or offered by a Teams file consent
//	                                         card (ID "consent-" and a hash bound to the person
//	                                         and chat; once answered only name and answer stay);
//	                                         expires after 24 hours
//	revoked                           hash   space ("slack:T0001") → when it uninstalled herald
//	                                         or revoked its token; nothing is sent there
//
// Send records expire after 400 days (on a Redis server; the embedded store
// keeps times to live but does not count them down). The scheduler (package
// scheduler) and the delivery queue (package outbox) keep their own keys, all
// under the same prefix:
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
//     answering, so it says nothing about who answered when. Closing the
//     round deletes the "who" hashes: from then on nothing says who answered.
//   - WHAT: counters per question, segment and value, and respondent counts
//     per segment, all written at 0 when the round opens, so that the order
//     of a hash's fields is fixed before anyone answers; free text in a
//     sorted set behind a random nonce, so that it sorts in random order; and,
//     for pulses with several questions (the can/want pair), one tuple per
//     person of all their answers, with no respondent in it, in a sorted set
//     scored by how many identical tuples there are (so ordered by count and
//     content, not by time). The tuple of an anonymous pulse leaves free text
//     out, so that nothing at rest links a text to scores. Segments with
//     fewer invitees than the anonymity threshold are stored as one from the
//     start (bot.Round.Merged), so that no counter holds one person's answer.
//   - Linking a person's answers into a tuple needs them together for a
//     moment: until the person has answered every question, the answers so
//     far wait in "pend" under the respondent hash. The last answer moves them
//     into "tuples" and deletes the pending entry in the same script; closing
//     the round moves the pending entries (partial tuples) when there are at
//     least the anonymity threshold of them, else drops them (the counters
//     keep their answers), and deletes "pend". At rest, after a person
//     finished or the round closed, nothing links a respondent hash to an
//     answer, and nothing keeps the order people answered in
//     (bot.TestAnonymousRoundAtRestHasNoOrder checks it). Someone watching Redis live (MONITOR, or
//     snapshots taken between two clicks) can of course see counters move,
//     and the script call that records an answer carries the respondent hash
//     and the value together (so would a SLOWLOG entry of it).
//   - The core logs no answer or feedback text next to its author (bot.logText).
//   - The salt is in Redis, so while a round is open whoever can read Redis
//     and knows the audience can tell who answered (not what): that is what
//     reminders need.
//   - A pulse with anonymous=no stores the person (id and display name) in
//     its tuples (the respondents are told so in the message they answer).
//
// Answers are recorded by one Lua script (once per person and question, not
// after close); closing is one Lua script too.
//
// Writes that belong together (a shout-out and its counts) are one Lua script
// or one MULTI/EXEC.
// A failure to reach Redis is returned as a bot.Error with code EUNAVAILABLE.
package store
