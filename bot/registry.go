package bot

import (
	"context"
	"slices"
	"strings"
)

// handler runs one command, subcommand or button press and returns the reply
// to the requester.
type handler func(ctx context.Context, c *call) (*Message, error)

// command is one top-level word of the command language. Help, "did you
// mean", the admin refusal and the answers to a missing or unknown subcommand
// all come from here, the same way for every command.
type command struct {
	name string
	// aliases are other words for the command: its German ones (aliases.go).
	aliases []string
	admin   bool // only admins may run it
	// Catalog keys: the one-line usage, the summary help lists, the details of
	// "help <name>", and (with subs) the answer when no subcommand is given.
	usage, summary, help, noSub string
	subs                        []subcommand
	// run handles the words when no subcommand matches them; nil means a
	// subcommand is required.
	run handler
	// private commands carry what must not be logged next to their author:
	// answers to anonymous pulses and anonymous feedback.
	private bool
}

// subcommand is the second word of a command, as in "keymsg add".
type subcommand struct {
	name    string
	aliases []string // other words for it: its German ones
	run     handler
}

// subNames returns the words of cmd's subcommands.
func (cmd *command) subNames() []string {
	names := make([]string, len(cmd.subs))
	for i, s := range cmd.subs {
		names[i] = s.name
	}
	return names
}

// subWords returns every word of cmd's subcommands, names and aliases, the
// words of lang first: "did you mean" suggests a reader's own words.
func (cmd *command) subWords(lang string) []string {
	var names, aliases []string
	for _, s := range cmd.subs {
		names = append(names, s.name)
		aliases = append(aliases, s.aliases...)
	}
	return readersFirst(names, aliases, lang)
}

// readersFirst joins names and their aliases (German words), those of lang first.
func readersFirst(names, aliases []string, lang string) []string {
	if lang == "de" {
		return append(aliases, names...)
	}
	return append(names, aliases...)
}

// is reports whether word names s.
func (s *subcommand) is(word string) bool { return s.name == word || slices.Contains(s.aliases, word) }

// features are the parts of the core that answer commands; nil ones are off.
type features struct {
	shoutouts *shoutouts
	keymsgs   *keyMessages
	pulses    *pulses
	feedback  *feedback
	privacy   *privacy
	language  *languages
	goals     *goals
	digest    *digest
}

// registry holds the commands in the order help lists them, and the button actions.
type registry struct {
	commands []command
	actions  map[string]handler
	help     *helpCache
}

// newRegistry collects the commands and actions of the features that are on.
func newRegistry(f features) registry {
	r := registry{actions: map[string]handler{}, help: &helpCache{m: map[helpKey]*Message{}}}
	r.commands = append(r.commands, command{
		name: "help", usage: "cmd.help.usage", summary: "cmd.help.summary", help: "cmd.help.help",
	})
	r.commands = append(r.commands, f.shoutouts.commands()...)
	if f.keymsgs != nil {
		r.commands = append(r.commands, f.keymsgs.commands()...)
		r.actions[ackAction] = f.keymsgs.ack
	}
	if f.pulses != nil {
		r.commands = append(r.commands, f.pulses.commands()...)
		r.actions[ActionPulseAnswer] = f.pulses.answerAction
		r.actions[ActionPulseText] = f.pulses.textAction
	}
	r.commands = append(r.commands, f.feedback.commands()...)
	r.commands = append(r.commands, f.privacy.commands()...)
	if f.language != nil {
		r.commands = append(r.commands, f.language.commands()...)
	}
	if f.goals != nil {
		r.commands = append(r.commands, f.goals.commands()...)
	}
	if f.digest != nil {
		r.commands = append(r.commands, f.digest.commands()...)
	}
	r.commands[0].run = r.helpCmd
	withAliases(r.commands)
	return r
}

// find returns the command called name or one of its aliases, or nil.
func (r *registry) find(name string) *command {
	for i := range r.commands {
		if r.commands[i].name == name || slices.Contains(r.commands[i].aliases, name) {
			return &r.commands[i]
		}
	}
	return nil
}

// words returns every command word, names and aliases, the words of lang
// first, for "did you mean".
func (r *registry) words(lang string) []string {
	var names, aliases []string
	for _, cmd := range r.commands {
		names = append(names, cmd.name)
		aliases = append(aliases, cmd.aliases...)
	}
	return readersFirst(names, aliases, lang)
}

// usageKey returns the catalog key of the usage line of the command called
// name, or "" when there is no such command.
func (r *registry) usageKey(name string) string {
	if cmd := r.find(name); cmd != nil {
		return cmd.usage
	}
	return ""
}

// commandWords splits text into words and drops a leading "/herald".
func commandWords(text string) ([]string, bool) {
	words, ok := splitWords(text)
	if len(words) > 0 && strings.EqualFold(words[0], "/herald") {
		words = words[1:]
	}
	return words, ok
}

// dispatch runs the handler of c's button or command words.
func (r *registry) dispatch(ctx context.Context, c *call) (*Message, error) {
	if a := c.req.Action; a != nil {
		h, ok := r.actions[a.Name]
		if !ok {
			return nil, Errorf(EINVALID, "err.action.unknown")
		}
		return h(ctx, c)
	}
	words, ok := commandWords(c.req.Text)
	if !ok {
		return nil, Errorf(EINVALID, "err.quote")
	}
	if len(words) == 0 {
		return r.helpCmd(ctx, c)
	}
	cmd := r.find(strings.ToLower(words[0]))
	if cmd == nil {
		if near, ok := closest(strings.ToLower(words[0]), r.words(c.lang)); ok {
			return nil, Errorf(EINVALID, "err.unknown.near", words[0], near)
		}
		return nil, Errorf(EINVALID, "err.unknown", words[0])
	}
	h, args, err := cmd.route(strings.ToLower(words[0]), words[1:], c)
	if err != nil {
		return nil, err
	}
	c.args = args
	return h(ctx, c)
}

// route picks the handler of cmd, typed as word, for args and the words it
// takes, or the answer for a refused or unknown request of c.
func (cmd *command) route(word string, args []string, c *call) (handler, []string, error) {
	if cmd.admin && !c.admin {
		return nil, nil, Errorf(EFORBIDDEN, "err.admin")
	}
	if len(cmd.subs) == 0 {
		return cmd.run, args, nil
	}
	if len(args) > 0 {
		sub := strings.ToLower(args[0])
		for _, s := range cmd.subs {
			if s.is(sub) {
				return s.run, args[1:], nil
			}
		}
	}
	if cmd.run != nil {
		// A word that is no mention but close to a subcommand is a typo of it.
		if len(args) > 0 {
			if _, isRef := c.req.refOf(args[0]); !isRef {
				if near, ok := closest(strings.ToLower(args[0]), cmd.subWords(c.lang)); ok {
					return nil, nil, Errorf(EINVALID, "err.unknown.near", word+" "+args[0], word+" "+near)
				}
			}
		}
		return cmd.run, args, nil
	}
	if len(args) == 0 {
		return nil, nil, usageError(cmd.name, cmd.noSub)
	}
	return nil, nil, unknownSub(word, args[0], cmd.subWords(c.lang))
}

// unknownSub is the error for a subcommand word that does not exist.
func unknownSub(cmd, word string, subs []string) error {
	if near, ok := closest(strings.ToLower(word), subs); ok {
		return Errorf(EINVALID, "err.unknown.near", cmd+" "+word, cmd+" "+near)
	}
	return usageError(cmd, "err.unknown.sub", word, cmd)
}

// logText returns command text as it may be logged: the words of a private
// command are left out.
func (r *registry) logText(text string) string {
	words, _ := commandWords(text)
	if len(words) > 0 {
		if cmd := r.find(strings.ToLower(words[0])); cmd != nil && cmd.private {
			return words[0] + " …"
		}
	}
	return text
}

// helpCmd answers "help" with an overview and "help <topic>" with one command's details.
func (r *registry) helpCmd(_ context.Context, c *call) (*Message, error) {
	key := helpKey{lang: c.lang, platform: c.req.User.Platform}
	if len(c.args) > 0 {
		key.topic = strings.ToLower(c.args[0])
	}
	if m := r.help.get(key); m != nil {
		return m, nil
	}
	m, err := r.buildHelp(c, key.topic)
	if err != nil {
		return nil, err
	}
	m.Static = true
	return r.help.put(key, m), nil
}

// buildHelp returns help on topic ("" for the list of commands) for c.
func (r *registry) buildHelp(c *call, topic string) (*Message, error) {
	if topic == "" {
		var b strings.Builder
		b.Grow(4096)
		b.WriteString(c.t("help.intro"))
		for _, cmd := range r.commands[1:] {
			b.WriteString("\n• ")
			b.WriteString(c.t(cmd.usage))
			b.WriteString("\n    ")
			b.WriteString(c.t(cmd.summary))
		}
		return &Message{
			Ephemeral: true,
			Header:    c.t("help.header"),
			Text:      Plain(b.String()),
			Context:   c.t("help.more") + targets(c),
		}, nil
	}
	if cmd := r.find(topic); cmd != nil && cmd.name != "help" {
		return &Message{
			Ephemeral: true,
			Header:    c.t("help.topic", topic),
			Text:      Plain(c.t(cmd.help)),
			Context:   c.t(cmd.summary) + targets(c),
		}, nil
	}
	var topics []string // as the reader's usage lines write them
	for _, cmd := range r.commands[1:] {
		if word, _, _ := strings.Cut(c.t(cmd.usage), " "); word != "" {
			topics = append(topics, word)
		}
	}
	if near, ok := closest(topic, r.words(c.lang)); ok {
		return nil, Errorf(EINVALID, "err.unknown.near", "help "+c.args[0], "help "+near)
	}
	return nil, Errorf(EINVALID, "help.unknown", c.args[0], strings.Join(topics, ", "))
}

// targets tells a Teams user how to name channels and people, where the
// usage lines' #channel can't be typed; elsewhere it is empty.
func targets(c *call) string {
	if c.req.User.Platform != Teams {
		return ""
	}
	return "\n" + c.t("help.teams.targets")
}

// CommandInfo describes one command for an adapter's command menu.
type CommandInfo struct {
	Name    string
	Usage   string // the usage line in the requested language
	Summary string // one line: what it does
	Admin   bool
	Subs    []string
}

// Commands lists the commands b answers, in help's order, with their texts in lang.
func (b *Bot) Commands(lang string) []CommandInfo { return b.reg.info(b.cat, lang) }

// Menu lists every command herald can answer, with every feature on, in help's
// order and with texts in lang: for what adapters show before a Bot runs
// (the Teams app package's command list).
func Menu(lang string) ([]CommandInfo, error) {
	cat, err := NewCatalog(lang)
	if err != nil {
		return nil, err
	}
	r := newRegistry(allFeatures())
	return r.info(cat, lang), nil
}

// allFeatures returns every feature, unconfigured: enough to list commands.
func allFeatures() features {
	return features{
		shoutouts: &shoutouts{}, keymsgs: &keyMessages{}, pulses: &pulses{}, feedback: &feedback{},
		language: &languages{}, goals: &goals{}, digest: &digest{},
	}
}

func (r *registry) info(cat *Catalog, lang string) []CommandInfo {
	out := make([]CommandInfo, len(r.commands))
	for i, cmd := range r.commands {
		out[i] = CommandInfo{
			Name: cmd.name, Usage: cat.T(lang, cmd.usage), Summary: cat.T(lang, cmd.summary),
			Admin: cmd.admin, Subs: slices.Clone(cmd.subNames()),
		}
	}
	return out
}
