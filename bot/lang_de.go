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

		// --- key messages, schedules and the digest ---
		"weekdays":     s("So.,Mo.,Di.,Mi.,Do.,Fr.,Sa."),
		"keymsg.never": s("keine weiteren Termine"),
		"quote":        s("„%s“"),

		"schedule.err.empty":    s("Der Zeitplan ist leer. Beispiel: keymsg add \"every monday at 9:00\" #general Unser Update."),
		"schedule.err.bad":      s("Den Zeitplan %q verstehe ich nicht. Schreib eine Angabe wie \"every monday at 9:00\", \"every weekday at 10:00\", \"every 2 weeks on friday at 15:00\", \"every month on the 1st at 9:00\", \"every month on the first monday at 9:00\" oder \"on 2027-01-15 at 9:00\", auf Wunsch gefolgt von einer Zeitzone wie Europe/Berlin; oder einen Cron-Ausdruck wie \"0 9 * * 1-5\"."),
		"schedule.err.noat":     s("Dem Zeitplan %q fehlt die Uhrzeit. Beispiel: every monday at 9:00."),
		"schedule.err.time":     s("%q ist keine Uhrzeit. Schreib sie als HH:MM im 24-Stunden-Format, zum Beispiel 9:00 oder 15:30."),
		"schedule.err.zone":     s("Die Zeitzone %q kenne ich nicht. Nimm einen IANA-Namen wie Europe/Berlin oder America/New_York."),
		"schedule.err.cron":     s("%q ist kein gültiger Cron-Ausdruck: %s. Cron hat fünf Felder (Minute Stunde Tag Monat Wochentag), zum Beispiel \"0 9 * * 1-5\" für werktags um 9:00."),
		"schedule.err.day":      s("%q ist kein Wochentag. Beispiel: every monday at 9:00."),
		"schedule.err.date":     s("%q ist kein Datum. Schreib es als JJJJ-MM-TT, zum Beispiel on 2027-01-15 at 9:00."),
		"schedule.err.past":     s("Der %s ist schon vorbei. Wähl ein Datum in der Zukunft, zum Beispiel on 2027-01-15 at 9:00."),
		"schedule.err.never":    s("Den Zeitplan %q gibt es nie (wie den 30. Februar). Beispiel: every month on the 1st at 9:00."),
		"schedule.err.interval": s("%q ist keine Zahl von Wochen zwischen 1 und 52. Beispiel: every 2 weeks on friday at 15:00."),
		"schedule.err.dom":      s("%q ist kein Tag im Monat. Schreib 1st bis 31st, oder first/second/third/fourth/last mit einem Wochentag, zum Beispiel every month on the first monday at 9:00."),

		"cmd.keymsg.usage":   s("keymsg add \"<Zeitplan>\" <#Kanal oder @Person…> <Text> | list | show ID | preview ID | pause ID | resume ID | delete ID | send ID"),
		"cmd.keymsg.summary": s("Wiederkehrende Kernbotschaften mit Bestätigungsknopf (Admins)."),
		"cmd.keymsg.help": s("Kernbotschaften gehen nach Zeitplan an Kanäle, Personen und Gruppen. Jede hat einen Knopf „✅ Ich habe das mit meinem Team geteilt“, und herald zählt, wer ihn gedrückt hat.\n\n" +
			"• keymsg add \"every weekday at 9:00 Europe/Berlin\" #leadership Denkt dran: Das neue CRM startet am Montag.\n" +
			"• keymsg list: alle Kernbotschaften und ihr nächster Versand\n" +
			"• keymsg preview ID: die nächsten 5 Versandtermine\n" +
			"• keymsg show ID: die letzten Versände: zugestellt, fehlgeschlagen, bestätigt, und wer noch nicht bestätigt hat\n" +
			"• keymsg pause ID / resume ID / delete ID\n" +
			"• keymsg send ID: jetzt einmal senden\n\n" +
			"Zeitpläne: every monday at 9:00, every weekday at 10:00, every 2 weeks on friday at 15:00, every month on the 1st at 9:00, every month on the first monday at 9:00, on 2027-01-15 at 9:00, oder Cron (0 9 * * 1-5). Am Ende darf eine Zeitzone wie Europe/Berlin stehen; Standard ist die Zeitzone aus HERALD_TZ."),
		"keymsg.err.nosub":      s("Was soll ich mit Kernbotschaften tun? Probier keymsg list."),
		"keymsg.err.noid":       s("Welche Kernbotschaft? Schreib %s ID; keymsg list zeigt die IDs."),
		"keymsg.err.notfound":   s("Eine Kernbotschaft %q gibt es nicht. keymsg list zeigt die IDs."),
		"keymsg.err.noschedule": s("Wann soll sie rausgehen? Schreib zuerst den Zeitplan in Anführungszeichen."),
		"keymsg.err.quote":      s("Setz den Zeitplan in Anführungszeichen, zum Beispiel: keymsg add \"every monday at 9:00\" #general Unser Wochenupdate."),
		"keymsg.err.notarget":   s("Wer soll sie bekommen? Erwähne nach dem Zeitplan mindestens einen #Kanal, eine @Person oder eine @Gruppe."),
		"keymsg.err.targets":    s("Eine Kernbotschaft kann an höchstens %d Kanäle, Personen oder Gruppen gehen."),
		"keymsg.err.notext":     s("Was soll drinstehen? Schreib den Text nach den Empfängern."),
		"keymsg.err.toolong":    s("Der Text hat %d Zeichen; erlaubt sind %d. Bitte kürze ihn."),
		"keymsg.added":          s("Kernbotschaft %s ist geplant. Erster Versand: %s."),
		"keymsg.added.hint":     s("keymsg preview %s zeigt die nächsten Termine."),
		"keymsg.list.header":    s("Kernbotschaften"),
		"keymsg.list.empty":     s("Es gibt noch keine Kernbotschaften. Fang an mit keymsg add \"every monday at 9:00\" #general Dein Text."),
		"keymsg.status.paused":  s("pausiert"),
		"keymsg.status.next":    s("nächster Versand: %s"),
		"keymsg.preview.header": s("Nächste Versände von %s"),
		"keymsg.preview.none":   s("Dieser Zeitplan hat keine weiteren Termine."),
		"keymsg.preview.zone":   s("Zeitplan „%s“, Zeiten in %s."),
		"keymsg.preview.paused": s("Sie ist pausiert: Es geht nichts raus bis keymsg resume %s."),
		"keymsg.show.header":    s("Kernbotschaft %s"),
		"keymsg.show.schedule":  s("Zeitplan"),
		"keymsg.show.to":        s("An"),
		"keymsg.show.sends":     s("Letzte Versände"),
		"keymsg.show.nosends":   s("Noch nicht gesendet."),
		"keymsg.send.skipped":   s("ausgelassen: herald war länger nicht erreichbar als das Nachholfenster"),
		"keymsg.send.manual":    s("von Hand gesendet"),
		"keymsg.send.late":      s("verspätet gesendet, am %s"),
		"keymsg.send.delivered": s("%d von %d zugestellt"),
		"keymsg.send.failed": plural.Selectf(1, "%d",
			plural.One, "%d fehlgeschlagen:",
			plural.Other, "%d fehlgeschlagen:"),
		"keymsg.send.acked":   s("%d von %d bestätigt"),
		"keymsg.send.missing": s("Noch nicht bestätigt:"),
		"keymsg.send.more": plural.Selectf(1, "%d",
			plural.One, "und %d weitere Person",
			plural.Other, "und %d weitere"),
		"keymsg.reason.not_found":   s("nicht gefunden, oder herald ist nicht Mitglied"),
		"keymsg.reason.forbidden":   s("herald darf dort nicht posten"),
		"keymsg.reason.unavailable": s("der Chat-Dienst hat nicht geantwortet"),
		"keymsg.reason.internal":    s("interner Fehler"),
		"keymsg.paused":             s("Kernbotschaft %s ist pausiert. Mit keymsg resume %[1]s läuft sie wieder."),
		"keymsg.paused.already":     s("Kernbotschaft %s ist schon pausiert."),
		"keymsg.resumed":            s("Kernbotschaft %s läuft wieder. Nächster Versand: %s."),
		"keymsg.resumed.already":    s("Kernbotschaft %s ist nicht pausiert."),
		"keymsg.deleted":            s("Kernbotschaft %s ist gelöscht; es wird nichts mehr gesendet."),
		"keymsg.sent": plural.Selectf(2, "%d",
			plural.One, "Kernbotschaft %[1]s ist unterwegs an %[2]d Empfänger.",
			plural.Other, "Kernbotschaft %[1]s ist unterwegs an %[2]d Empfänger."),
		"keymsg.header":     s("📣 Kernbotschaft"),
		"keymsg.ack.button": s("✅ Ich habe das mit meinem Team geteilt"),
		"keymsg.ack.done":   s("✅ Danke! Wir haben notiert, dass du das mit deinem Team geteilt hast."),
		"keymsg.ack.again":  s("Das hast du schon bestätigt. Danke!"),
		"keymsg.ack.gone":   s("Diese Kernbotschaft gibt es nicht mehr, es gibt also nichts zu bestätigen."),

		"cmd.digest.usage":   s("digest preview [JJJJ-MM] | digest send [JJJJ-MM]"),
		"cmd.digest.summary": s("Der monatliche Überblick für die Geschäftsleitung: Erfolge und Trends in klarer Sprache (Admins)."),
		"cmd.digest.help": s("Der Überblick fasst einen Monat für die Geschäftsleitung zusammen: wie viele Shout-outs, wer und welche Werte herausstachen, dazu einige Zitate; Puls- und Zielergebnisse, soweit vorhanden.\n\n" +
			"• digest preview [JJJJ-MM]: selbst ansehen (Standard: dieser Monat)\n" +
			"• digest send [JJJJ-MM]: jetzt an die Geschäftsleitung senden\n\n" +
			"Er geht außerdem von selbst am ersten Werktag jedes Monats um 9:00 raus, über den Vormonat."),
		"digest.err.nosub":  s("Ansehen oder senden? Probier digest preview."),
		"digest.err.noexec": s("Für diesen Workspace ist keine Geschäftsleitung eingetragen, es gibt also niemanden, der den Überblick bekommt. Der Betrieb trägt sie in HERALD_EXECUTIVES ein."),
		"digest.sent": plural.Selectf(2, "%d",
			plural.One, "Der Überblick für %[1]s ist unterwegs an %[2]d Person der Geschäftsleitung.",
			plural.Other, "Der Überblick für %[1]s ist unterwegs an %[2]d Personen der Geschäftsleitung."),
		"digest.header":    s("📊 %s im Überblick"),
		"digest.intro":     s("So lief die Veränderung im %s."),
		"digest.wins":      s("Erfolge"),
		"digest.wins.none": s("In diesem Monat gab es keine Shout-outs."),
		"digest.wins.total": plural.Selectf(1, "%d",
			plural.One, "%d Shout-out hat die Arbeit von Kolleginnen und Kollegen gewürdigt.",
			plural.Other, "%d Shout-outs haben die Arbeit von Kolleginnen und Kollegen gewürdigt."),
		"digest.wins.people": s("Am häufigsten gewürdigt:"),
		"digest.wins.values": s("Am häufigsten genannte Werte: %s."),
	}
}
