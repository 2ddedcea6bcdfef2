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

		// --- home and Slack ---
		"home.header":             s("Your herald"),
		"home.context":            s("Type /herald help to see everything herald can do."),
		"home.received":           s("Shout-outs you received"),
		"home.received.none":      s("None yet. They will show up here when someone praises you."),
		"home.given":              s("Shout-outs you gave"),
		"home.given.none":         s("None yet. Praise someone: /herald shoutout @name what they did."),
		"slack.busy":              s("herald is busy right now and could not take your request. Nothing was done; please try again in a moment."),
		"slack.modal.title":       s("Shout-out"),
		"slack.modal.submit":      s("Post"),
		"slack.modal.cancel":      s("Cancel"),
		"slack.modal.people":      s("Who do you want to praise?"),
		"slack.modal.text":        s("What did they do?"),
		"slack.modal.text.hint":   s("Say what they did, so everyone knows what the praise is for."),
		"slack.modal.values":      s("Company values"),
		"slack.modal.values.hint": s("Optional, separated by spaces, for example customer-first ownership"),
		"slack.err.notfound":      s("herald could not post there: Slack does not know that channel or person. Check the name and try again."),
		"slack.err.forbidden":     s("herald may not post there. Invite herald to the channel (/invite @herald) and try again."),
	}
}
