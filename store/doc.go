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
//	{s}:shoutout:K:ID:received        zset   "M/shout-out id" of what ref K:ID (user:U1) received, by time; newest 50
//	{s}:shoutout:K:ID:given           zset   the same for what K:ID gave
//	seen:KEY                          string a platform event id (slack:Ev0PV52K21) already processed; expires
//
// Writes that belong together (a shout-out and its counts) are one Lua script
// or one MULTI/EXEC.
// A failure to reach Redis is returned as a bot.Error with code EUNAVAILABLE.
package store
