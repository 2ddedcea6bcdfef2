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
//	{s}:shoutout:M:idx                zset   shout-out id, scored by time (unix ms)
//	{s}:shoutout:M:people             zset   recipient ref key → shout-outs received
//	{s}:shoutout:M:values             zset   company value → times named
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
//
// Send records expire after 400 days. The scheduler and the delivery queue
// (package scheduler) keep their own keys, all under the same prefix:
//
//	sched:seen                        string unix ms up to which runs were considered
//	sched:run:KIND:ID:DUE             string claim of one run (SET NX): "firing", then "done"
//	{outbox}:stream                   stream one entry per message to deliver (consumer group "workers")
//	{outbox}:idem:DELIVERYID          string "queued", "sent" or "failed": each delivery id is queued once
//	{outbox}:pace:SCOPE               string next free send time (unix ms) of a channel or workspace
//
// Writes that belong together (a shout-out and its counts) are one MULTI/EXEC.
// A failure to reach Redis is returned as a bot.Error with code EUNAVAILABLE.
package store
