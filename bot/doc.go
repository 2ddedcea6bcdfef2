// Package bot is herald's core: what herald does, with no chat platform and no
// database in it.
//
// herald helps an organisation carry a change through, where people already
// talk. It does three jobs:
//
//   - Key messages (keymsg.go, keymsg_cmd.go, keymsg_send.go): the change team
//     schedules recurring messages to channels and people; each carries a
//     "✅ I've shared this with my team" button, and "keymsg show" reports who
//     received and who acknowledged each send.
//   - Shout-outs (shoutout.go): anyone praises people or a team; herald
//     broadcasts it to the wins channel, counts company values and keeps a
//     monthly leaderboard. The monthly executive digest (digest.go,
//     digest_pulses.go) sums up wins, pulse headlines and goals in plain words.
//   - Pulse surveys (pulse*.go, goal.go, feedback.go): short recurring surveys
//     answered with one click, anonymous by design, with results withheld until
//     enough people answered; goals track against them; anonymous feedback has
//     its own command.
//
// # How a request flows
//
// An adapter (bot/slack, bot/console) turns what its platform sends into a
// Request: who (a Ref qualified by platform and workspace), where, and the
// words typed or the button pressed. Bot.Handle routes it (bot.go, help.go) to
// a handler, which reads and writes through the store interfaces defined here
// (ShoutoutStore, KeyMessageStore, PulseStore, GoalStore) and answers with a
// platform-neutral Message for the requester. Messages for anyone else go to
// the Outbox, the durable delivery queue, whose workers hand them to each
// platform's Messenger. Channels and groups become people through a Directory.
//
// Scheduled work enters the same way: the scheduler loads Bot.Triggers and
// calls Bot.Fire when a run is due; each feature registers its job kinds in
// New. Schedules are read through the Schedules interface, so this package
// stays free of cron.
//
// # Conventions
//
// Every user-facing text comes from the catalog (catalog.go), in English
// (lang_en.go) and German (lang_de.go), rendered in each reader's language
// through a Printer (printer.go), dates included; ready-made pulses keep
// their template's name and are rendered at read time. Commands are declared
// in one registry (registry.go), whose German words come from aliases.go. Failures are *Error values with a code
// and a catalog key, safe to show; anything else is logged once and shown as
// an internal error. Tests use the fakes in bot/bottest and a real Redis.
package bot
