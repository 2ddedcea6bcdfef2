package bot

// germanWords are the German words for the commands and subcommands, keyed
// by the command's name or by "command subcommand". Everyone may use them;
// help shows them to people who read German.
func germanWords() map[string][]string {
	return map[string][]string{
		"help":           {"hilfe"},
		"shoutout":       {"lob", "loben"},
		"shoutout list":  {"liste"},
		"shoutout top":   {"bestenliste"},
		"keymsg":         {"kernbotschaft"},
		"keymsg add":     {"neu"},
		"keymsg list":    {"liste"},
		"keymsg show":    {"zeige", "zeigen"},
		"keymsg preview": {"vorschau"},
		"keymsg pause":   {"pausieren"},
		"keymsg resume":  {"fortsetzen"},
		"keymsg delete":  {"löschen"},
		"keymsg send":    {"senden"},
		"pulse":          {"umfrage"},
		"pulse new":      {"neu"},
		"pulse template": {"vorlage"},
		"pulse list":     {"liste"},
		"pulse results":  {"ergebnisse"},
		"pulse close":    {"schließen"},
		"pulse remind":   {"erinnern"},
		"pulse export":   {"exportieren"},
		"pulse stop":     {"stoppen"},
		"pulse delete":   {"löschen"},
		"answer":         {"antwort", "antworten"},
		"feedback":       {"rückmeldung"},
		"language":       {"sprache"},
		"goal":           {"ziel"},
		"goal add":       {"neu"},
		"goal list":      {"liste"},
		"goal delete":    {"löschen"},
		"digest":         {"überblick"},
		"digest preview": {"vorschau"},
		"digest send":    {"senden"},
		"privacy":        {"datenschutz"},
	}
}

// withAliases gives each command and subcommand of cmds its German words.
func withAliases(cmds []command) {
	words := germanWords()
	for i := range cmds {
		cmd := &cmds[i]
		cmd.aliases = words[cmd.name]
		for j := range cmd.subs {
			cmd.subs[j].aliases = words[cmd.name+" "+cmd.subs[j].name]
		}
	}
}
