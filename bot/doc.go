// Package bot is herald's core: what herald does, with no chat platform and no
// database in it.
//
// herald helps an organisation carry a change through, where people already
// talk. It does three jobs, each a type of its own that holds only what it
// uses and is composed by Bot (bot.go):
//
//   - Key messages (keyMessages in keymsg_cmd.go; keymsg.go, keymsg_send.go):
//     the change team schedules recurring messages to channels and people;
//     each carries a "✅ I've shared this with my team" button, and
//     "keymsg show" reports who received and who acknowledged each send.
//   - Shout-outs (shoutouts in shoutout.go): anyone praises people or a team;
//     herald broadcasts it to the wins channel, counts company values and
//     keeps a monthly leaderboard. The monthly executive digest (digest in
//     digest.go, digest_pulses.go) sums up wins, pulse headlines and goals in
//     plain words.
//   - Pulse surveys (pulses in pulse_cmd.go; pulse*.go): short recurring
//     surveys answered with one click, anonymous by design, with results
//     withheld until enough people answered. Goals (goals in goal.go) track
//     against them; anonymous feedback (feedback in feedback.go) has its own
//     command.
//
// Around them: each person's home page (home in home.go, home_next.go) and
// language (languages in language.go).
//
// # How a request flows
//
// An adapter (bot/slack, bot/teams, bot/console) turns what its platform
// sends into a Request: who (a Ref qualified by platform and workspace),
// where, and the words typed or the button pressed. Bot.Handle hands it to
// the registry (registry.go), where every command declares its name,
// subcommands, admin flag, help texts and handler; help, "did you mean" and
// refusals come from there. A handler reads and writes through the store
// interfaces defined here (ShoutoutStore, KeyMessageStore, PulseStore,
// GoalStore, PeopleStore) and answers with a platform-neutral Message for the
// requester. Messages for anyone else go to the Outbox (ports.go; package
// outbox, the durable delivery queue), whose workers hand them to each
// platform's Messenger and report each outcome through Outcomes (delivery.go:
// DeliveryLog, keyed by a DeliveryID naming what was sent to whom). Channels
// and groups become people through a Directory.
//
// Scheduled work enters the same way: the scheduler loads Bot.Triggers and
// calls Bot.Fire when a run is due (schedule.go); each feature contributes its
// job kinds in New, pulse rounds one-off triggers at their reminder and close
// times. Schedules are read through the Schedules interface (package
// schedule), so this package stays free of cron.
//
// # Conventions
//
// Every user-facing text comes from the catalog (catalog.go, printer.go), in
// English (lang_en.go) and German (lang_de.go), rendered in each reader's
// language by a Printer per language, dates included; sentences that name
// people are whole texts with placeholders (Printer.Text). Ready-made pulses
// keep their template's name and are rendered at read time. Commands are
// declared in one registry (registry.go), whose German words come from
// aliases.go. Shared helpers live in files named for what they are (month.go,
// format.go). Failures are *Error values with a code and a catalog key, safe
// to show; anything else is logged once and shown as an internal error. Tests
// use the fakes in bot/bottest and a real Redis.
package bot
