package bot

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

// english returns herald's texts in English. lang_de.go has the same keys.
func english() map[string]catalog.Message {
	s := catalog.String
	return map[string]catalog.Message{
		// --- general ---
		"err.internal":       s("Something went wrong on our side and it has been logged. Please try again in a moment."),
		"err.unavailable":    s("herald can't reach its database right now. Nothing was changed; please try again in a minute."),
		"err.platform":       s("herald can't reach the chat service right now. Nothing was lost; it will try again."),
		"err.admin":          s("Only herald admins can do that. Ask your change team if you need it."),
		"err.unknown":        s("I don't know %q. Type help to see what I can do."),
		"err.unknown.near":   s("I don't know %q. Did you mean: %s?"),
		"err.unknown.sub":    s("I don't know %q after %s."),
		"err.usage":          s("Usage: %s"),
		"err.quote":          s("A quote is left open. Close it with \" and try again."),
		"err.month":          s("%q is not a month. Write it as YYYY-MM, for example 2026-11."),
		"err.action.unknown": s("This button no longer works. Please use the newest message."),
		"months":             s("January,February,March,April,May,June,July,August,September,October,November,December"),

		"console.banner": s("herald console: you are @%s. Type help to start; Ctrl-D quits."),

		// --- help ---
		"help.header":  s("herald"),
		"help.intro":   s("herald helps your organisation carry a change through, right here in chat: key messages that reach everyone, shout-outs that make wins visible, and short anonymous pulse surveys.\n\nCommands:"),
		"help.more":    s("Type help <command> for details and examples."),
		"help.topic":   s("help: %s"),
		"help.unknown": s("There is no help on %q. Topics: %s."),

		// --- shout-outs ---
		"cmd.shoutout.usage":   s("shoutout @person… <what they did> [#value…]"),
		"cmd.shoutout.summary": s("Praise people or a team in the wins channel; list and top show the month."),
		"cmd.shoutout.help": s("Praise people or a team. herald posts it to the wins channel, tags company values and counts it for the monthly leaderboard.\n\n" +
			"• shoutout @anna @ben shipped the CRM rollout #customer-first\n" +
			"• shoutout list [YYYY-MM]: the month's shout-outs\n" +
			"• shoutout top [YYYY-MM]: the month's leaderboard\n\n" +
			"Values are words starting with # at the end of the text."),
		"shoutout.err.norecipient": s("Who do you want to praise? Mention at least one person or team first."),
		"shoutout.err.notext":      s("Say what they did, so everyone knows what the praise is for."),
		"shoutout.err.self":        s("A shout-out is for someone else. Mention the people who helped you!"),
		"shoutout.err.toolong":     s("That shout-out has %d characters; the limit is %d. Please shorten it."),
		"shoutout.err.values":      s("Tag at most %d values."),
		"shoutout.header":          s("🎉 Shout-out"),
		"shoutout.praised":         s(" praised "),
		"shoutout.values":          s("Values"),
		"shoutout.fallback":        s("%s praised %s"),
		"shoutout.posted.pre":      s("Thank you! Your shout-out for "),
		"shoutout.posted.in":       s(" is posted in "),
		"shoutout.list.header":     s("Shout-outs in %s"),
		"shoutout.list.empty":      s("No shout-outs yet this month. Be the first: shoutout @someone what they did."),
		"shoutout.top.header":      s("Leaderboard for %s"),
		"shoutout.top.total": plural.Selectf(1, "%d",
			plural.One, "%d shout-out this month.",
			plural.Other, "%d shout-outs this month."),
		"shoutout.top.count": plural.Selectf(1, "%d",
			plural.One, "%d shout-out",
			plural.Other, "%d shout-outs"),
		"shoutout.top.people": s("Most praised"),
		"shoutout.top.values": s("Values named"),

		// --- key messages, schedules and the digest ---
		"weekdays":     s("Sun,Mon,Tue,Wed,Thu,Fri,Sat"),
		"keymsg.never": s("no more runs"),
		"quote":        s("“%s”"),

		"schedule.err.empty":    s("The schedule is empty. Example: keymsg add \"every monday at 9:00\" #general Our update."),
		"schedule.err.bad":      s("I can't read the schedule %q. Write a phrase such as \"every monday at 9:00\", \"every weekday at 10:00\", \"every 2 weeks on friday at 15:00\", \"every month on the 1st at 9:00\", \"every month on the first monday at 9:00\" or \"on 2027-01-15 at 9:00\", optionally followed by a time zone such as Europe/Berlin; or a cron expression such as \"0 9 * * 1-5\"."),
		"schedule.err.noat":     s("The schedule %q needs a time of day. Example: every monday at 9:00."),
		"schedule.err.time":     s("%q is not a time of day. Write it as HH:MM on a 24-hour clock, for example 9:00 or 15:30."),
		"schedule.err.zone":     s("%q is not a time zone I know. Use an IANA name such as Europe/Berlin or America/New_York."),
		"schedule.err.cron":     s("%q is not a valid cron expression: %s. Cron has five fields (minute hour day-of-month month weekday), for example \"0 9 * * 1-5\" for weekdays at 9:00."),
		"schedule.err.day":      s("%q is not a day of the week. Example: every monday at 9:00."),
		"schedule.err.date":     s("%q is not a date. Write it as YYYY-MM-DD, for example on 2027-01-15 at 9:00."),
		"schedule.err.past":     s("%s has already passed. Pick a date still to come, for example on 2027-01-15 at 9:00."),
		"schedule.err.never":    s("The schedule %q never happens (like February 30). Example: every month on the 1st at 9:00."),
		"schedule.err.interval": s("%q is not a number of weeks from 1 to 52. Example: every 2 weeks on friday at 15:00."),
		"schedule.err.dom":      s("%q is not a day of the month. Write 1st to 31st, or first/second/third/fourth/last and a weekday, for example every month on the first monday at 9:00."),

		"cmd.keymsg.usage":   s("keymsg add \"<schedule>\" <#channel or @person…> <text> | list | show ID | preview ID | pause ID | resume ID | delete ID | send ID"),
		"cmd.keymsg.summary": s("Recurring key messages with an acknowledgement button (admins)."),
		"cmd.keymsg.help": s("Key messages go out on a schedule to channels, people and groups. Each carries a button \"✅ I've shared this with my team\", and herald counts who pressed it.\n\n" +
			"• keymsg add \"every weekday at 9:00 Europe/Berlin\" #leadership Remember: the new CRM goes live on Monday.\n" +
			"• keymsg list: all key messages and their next send\n" +
			"• keymsg preview ID: the next 5 send times\n" +
			"• keymsg show ID: recent sends: delivered, failed, acknowledged, and who hasn't yet\n" +
			"• keymsg pause ID / resume ID / delete ID\n" +
			"• keymsg send ID: send it once now\n\n" +
			"Schedules: every monday at 9:00, every weekday at 10:00, every 2 weeks on friday at 15:00, every month on the 1st at 9:00, every month on the first monday at 9:00, on 2027-01-15 at 9:00, or cron (0 9 * * 1-5). Add a time zone such as Europe/Berlin at the end; the default is the zone in HERALD_TZ."),
		"keymsg.err.nosub":      s("What should I do with key messages? Try keymsg list."),
		"keymsg.err.noid":       s("Which key message? Write %s ID; keymsg list shows the ids."),
		"keymsg.err.notfound":   s("There is no key message %q. keymsg list shows the ids."),
		"keymsg.err.noschedule": s("When should it go out? Put the schedule in quotes first."),
		"keymsg.err.quote":      s("Put the schedule in quotes, for example: keymsg add \"every monday at 9:00\" #general Our weekly update."),
		"keymsg.err.notarget":   s("Who should receive it? Mention at least one #channel, @person or @group after the schedule."),
		"keymsg.err.targets":    s("A key message can go to at most %d channels, people or groups."),
		"keymsg.err.notext":     s("What should it say? Write the text after the recipients."),
		"keymsg.err.toolong":    s("That text has %d characters; the limit is %d. Please shorten it."),
		"keymsg.added":          s("Key message %s is scheduled. First send: %s."),
		"keymsg.added.hint":     s("keymsg preview %s shows the next send times."),
		"keymsg.list.header":    s("Key messages"),
		"keymsg.list.empty":     s("There are no key messages yet. Start with keymsg add \"every monday at 9:00\" #general Your text."),
		"keymsg.status.paused":  s("paused"),
		"keymsg.status.next":    s("next: %s"),
		"keymsg.preview.header": s("Next sends of %s"),
		"keymsg.preview.none":   s("This schedule has no more runs."),
		"keymsg.preview.zone":   s("Schedule “%s”, times in %s."),
		"keymsg.preview.paused": s("It is paused: nothing goes out until keymsg resume %s."),
		"keymsg.show.header":    s("Key message %s"),
		"keymsg.show.schedule":  s("Schedule"),
		"keymsg.show.to":        s("To"),
		"keymsg.show.sends":     s("Recent sends"),
		"keymsg.show.nosends":   s("Not sent yet."),
		"keymsg.send.skipped":   s("skipped: herald was down for longer than the catch-up window"),
		"keymsg.send.manual":    s("sent by hand"),
		"keymsg.send.late":      s("sent late, at %s"),
		"keymsg.send.delivered": s("delivered %d of %d"),
		"keymsg.send.failed": plural.Selectf(1, "%d",
			plural.One, "%d failed:",
			plural.Other, "%d failed:"),
		"keymsg.send.acked":   s("acknowledged %d of %d"),
		"keymsg.send.missing": s("Not yet acknowledged:"),
		"keymsg.send.more": plural.Selectf(1, "%d",
			plural.One, "and %d more",
			plural.Other, "and %d more"),
		"keymsg.reason.not_found":   s("not found, or herald is not in it"),
		"keymsg.reason.forbidden":   s("herald may not post there"),
		"keymsg.reason.unavailable": s("the chat service did not answer"),
		"keymsg.reason.internal":    s("internal error"),
		"keymsg.paused":             s("Key message %s is paused. keymsg resume %[1]s starts it again."),
		"keymsg.paused.already":     s("Key message %s is already paused."),
		"keymsg.resumed":            s("Key message %s is running again. Next send: %s."),
		"keymsg.resumed.already":    s("Key message %s is not paused."),
		"keymsg.deleted":            s("Key message %s is deleted; nothing more will be sent."),
		"keymsg.sent": plural.Selectf(2, "%d",
			plural.One, "Key message %[1]s is on its way to %[2]d recipient.",
			plural.Other, "Key message %[1]s is on its way to %[2]d recipients."),
		"keymsg.header":     s("📣 Key message"),
		"keymsg.ack.button": s("✅ I've shared this with my team"),
		"keymsg.ack.done":   s("✅ Thank you! We noted that you shared this with your team."),
		"keymsg.ack.again":  s("You have already confirmed this one. Thank you!"),
		"keymsg.ack.gone":   s("This key message no longer exists, so there is nothing to confirm."),

		"cmd.digest.usage":   s("digest preview [YYYY-MM] | digest send [YYYY-MM]"),
		"cmd.digest.summary": s("The monthly executive digest: wins and trends in plain language (admins)."),
		"cmd.digest.help": s("The digest sums up a month for the executives: how many shout-outs, who and which values stood out, and a few quotes; pulse and goal results as they exist.\n\n" +
			"• digest preview [YYYY-MM]: see it yourself (default: this month)\n" +
			"• digest send [YYYY-MM]: send it to the executives now\n\n" +
			"It also goes out by itself on the first working day of each month at 9:00, covering the month before."),
		"digest.err.nosub":  s("Preview or send? Try digest preview."),
		"digest.err.noexec": s("No executives are set up for this workspace, so there is no one to send the digest to. An operator sets them in HERALD_EXECUTIVES."),
		"digest.sent": plural.Selectf(2, "%d",
			plural.One, "The digest for %[1]s is on its way to %[2]d executive.",
			plural.Other, "The digest for %[1]s is on its way to %[2]d executives."),
		"digest.header":    s("📊 %s at a glance"),
		"digest.intro":     s("Here is how the change went in %s."),
		"digest.wins":      s("Wins"),
		"digest.wins.none": s("No shout-outs were given this month."),
		"digest.wins.total": plural.Selectf(1, "%d",
			plural.One, "%d shout-out recognised colleagues' work.",
			plural.Other, "%d shout-outs recognised colleagues' work."),
		"digest.wins.people": s("Most recognised:"),
		"digest.wins.values": s("Values named most: %s."),
	}
}
