package bot

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

// german returns herald's texts in German. lang_en.go has the same keys.
func german() map[string]catalog.Message {
	s := catalog.String
	return map[string]catalog.Message{
		// --- general ---
		"err.internal":       s("Bei uns ist etwas schiefgegangen; es wurde protokolliert. Bitte versuch es gleich noch einmal."),
		"err.unavailable":    s("herald erreicht seine Datenbank gerade nicht. Es wurde nichts geändert; bitte versuch es in einer Minute noch einmal."),
		"err.platform":       s("herald erreicht den Chat-Dienst gerade nicht. Es geht nichts verloren; herald versucht es erneut."),
		"err.admin":          s("Das dürfen nur herald-Admins. Frag dein Change-Team, wenn du es brauchst."),
		"err.unknown":        s("%q kenne ich nicht. Mit help siehst du, was ich kann."),
		"err.unknown.near":   s("%q kenne ich nicht. Meintest du: %s?"),
		"err.unknown.sub":    s("%q kenne ich nach %s nicht."),
		"err.usage":          s("So geht's: %s"),
		"err.quote":          s("Ein Anführungszeichen ist nicht geschlossen. Schließ es mit \" und versuch es noch einmal."),
		"err.month":          s("%q ist kein Monat. Schreib ihn als JJJJ-MM, zum Beispiel 2026-11."),
		"err.action.unknown": s("Diese Schaltfläche funktioniert nicht mehr. Bitte nutze die neueste Nachricht."),
		"months":             s("Januar,Februar,März,April,Mai,Juni,Juli,August,September,Oktober,November,Dezember"),

		"console.banner": s("herald-Konsole: du bist @%s. Tippe help zum Start; Strg-D beendet."),

		// --- help ---
		"help.header":  s("herald"),
		"help.intro":   s("herald hilft deiner Organisation, eine Veränderung durchzutragen, direkt im Chat: Kernbotschaften, die alle erreichen, Shout-outs, die Erfolge sichtbar machen, und kurze anonyme Pulsumfragen.\n\nBefehle:"),
		"help.more":    s("Mit help <Befehl> bekommst du Details und Beispiele."),
		"help.topic":   s("Hilfe: %s"),
		"help.unknown": s("Zu %q gibt es keine Hilfe. Themen: %s."),

		// --- shout-outs ---
		"cmd.shoutout.usage":   s("shoutout @Person… <was sie geleistet hat> [#Wert…]"),
		"cmd.shoutout.summary": s("Lob für Personen oder ein Team im Erfolgskanal; list und top zeigen den Monat."),
		"cmd.shoutout.help": s("Lob für Personen oder ein Team. herald postet es im Erfolgskanal, markiert Unternehmenswerte und zählt es für die Monatsbestenliste.\n\n" +
			"• shoutout @anna @ben haben die CRM-Einführung geschafft #customer-first\n" +
			"• shoutout list [JJJJ-MM]: die Shout-outs des Monats\n" +
			"• shoutout top [JJJJ-MM]: die Bestenliste des Monats\n\n" +
			"Werte sind Wörter mit # am Ende des Textes."),
		"shoutout.err.norecipient": s("Wen möchtest du loben? Erwähne zuerst mindestens eine Person oder ein Team."),
		"shoutout.err.notext":      s("Schreib dazu, was geleistet wurde, damit alle wissen, wofür das Lob ist."),
		"shoutout.err.self":        s("Ein Shout-out ist für jemand anderen. Erwähne die Leute, die dir geholfen haben!"),
		"shoutout.err.toolong":     s("Dieser Shout-out hat %d Zeichen; erlaubt sind %d. Bitte kürze ihn."),
		"shoutout.err.values":      s("Markiere höchstens %d Werte."),
		"shoutout.header":          s("🎉 Shout-out"),
		"shoutout.praised":         s(" lobt "),
		"shoutout.values":          s("Werte"),
		"shoutout.fallback":        s("%s lobt %s"),
		"shoutout.posted.pre":      s("Danke! Dein Shout-out für "),
		"shoutout.posted.in":       s(" steht jetzt in "),
		"shoutout.list.header":     s("Shout-outs im %s"),
		"shoutout.list.empty":      s("Diesen Monat gibt es noch keine Shout-outs. Mach den Anfang: shoutout @jemand was geleistet wurde."),
		"shoutout.top.header":      s("Bestenliste für %s"),
		"shoutout.top.total": plural.Selectf(1, "%d",
			plural.One, "%d Shout-out in diesem Monat.",
			plural.Other, "%d Shout-outs in diesem Monat."),
		"shoutout.top.count": plural.Selectf(1, "%d",
			plural.One, "%d Shout-out",
			plural.Other, "%d Shout-outs"),
		"shoutout.top.people": s("Am meisten gelobt"),
		"shoutout.top.values": s("Genannte Werte"),

		// --- home and Slack ---
		"home.header":             s("Dein herald"),
		"home.context":            s("Mit /herald help siehst du alles, was herald kann."),
		"home.received":           s("Shout-outs, die du bekommen hast"),
		"home.received.none":      s("Noch keine. Sie erscheinen hier, sobald dich jemand lobt."),
		"home.given":              s("Shout-outs, die du vergeben hast"),
		"home.given.none":         s("Noch keine. Lob jemanden: /herald shoutout @Name was geleistet wurde."),
		"slack.busy":              s("herald ist gerade ausgelastet und konnte deine Anfrage nicht annehmen. Es wurde nichts ausgeführt; bitte versuch es gleich noch einmal."),
		"slack.modal.title":       s("Shout-out"),
		"slack.modal.submit":      s("Posten"),
		"slack.modal.cancel":      s("Abbrechen"),
		"slack.modal.people":      s("Wen möchtest du loben?"),
		"slack.modal.text":        s("Was wurde geleistet?"),
		"slack.modal.text.hint":   s("Schreib dazu, was geleistet wurde, damit alle wissen, wofür das Lob ist."),
		"slack.modal.values":      s("Unternehmenswerte"),
		"slack.modal.values.hint": s("Optional, durch Leerzeichen getrennt, zum Beispiel customer-first ownership"),
		"slack.err.notfound":      s("herald konnte dort nicht posten: Slack kennt diesen Kanal oder diese Person nicht. Prüf den Namen und versuch es noch einmal."),
		"slack.err.forbidden":     s("herald darf dort nicht posten. Lade herald in den Kanal ein (/invite @herald) und versuch es noch einmal."),
	}
}
