package slack

import (
	"strings"
	"unicode/utf8"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/internal/chars"
)

// escaper escapes the three characters Slack's mrkdwn treats as markup, so that
// user text can't become a mention, a link or <!channel>.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// unescaper undoes Slack's escaping of text users typed.
var unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// escape makes s safe to show as mrkdwn.
func escape(s string) string { return escaper.Replace(s) }

// parseText reads the text of a slash command, in which Slack sends mentions in
// their escaped forms (<@U…|name>, <!subteam^S…|@team>, <#C…|name>) and user
// text with &, < and > escaped. Each mention becomes one word in the returned
// text ("<@U…>", the form without the label) and is in refs under that word;
// the rest is unescaped. base gives the platform and workspace of the refs.
func parseText(text string, base bot.Ref) (string, map[string]bot.Ref) {
	var (
		out  strings.Builder
		refs map[string]bot.Ref
	)
	for {
		start := strings.IndexByte(text, '<')
		if start < 0 {
			break
		}
		end := strings.IndexByte(text[start:], '>')
		if end < 0 {
			break
		}
		out.WriteString(unescaper.Replace(text[:start]))
		inner := text[start+1 : start+end]
		text = text[start+end+1:]
		word, ref, ok := mention(inner, base)
		if !ok {
			out.WriteString(word)
			continue
		}
		if refs == nil {
			refs = map[string]bot.Ref{}
		}
		refs[word] = ref
		// A mention is a word of its own, even when Slack sent it glued to text.
		if b := out.String(); b != "" && !strings.HasSuffix(b, " ") && !strings.HasSuffix(b, "\n") {
			out.WriteByte(' ')
		}
		out.WriteString(word)
		if text != "" && text[0] != ' ' && text[0] != '\n' {
			out.WriteByte(' ')
		}
	}
	out.WriteString(unescaper.Replace(text))
	return out.String(), refs
}

// mention reads the inside of one <…> escape. ok is false for what is not a
// mention of a user, channel or group; word is then plain text to keep.
func mention(inner string, base bot.Ref) (word string, ref bot.Ref, ok bool) {
	body, label, _ := strings.Cut(inner, "|")
	switch {
	case strings.HasPrefix(body, "@") && len(body) > 1:
		return "<" + body + ">", base.Same(bot.UserRef, body[1:], label), true
	case strings.HasPrefix(body, "#") && len(body) > 1:
		return "<" + body + ">", base.Same(bot.ChannelRef, body[1:], label), true
	case strings.HasPrefix(body, "!subteam^") && len(body) > len("!subteam^"):
		return "<" + body + ">", base.Same(bot.GroupRef, body[len("!subteam^"):], strings.TrimPrefix(label, "@")), true
	case strings.HasPrefix(body, "!"):
		// <!here>, <!channel>, <!date^…|fallback>: keep them as harmless plain words.
		if label != "" {
			return unescaper.Replace(label), bot.Ref{}, false
		}
		return "@" + body[1:], bot.Ref{}, false
	default:
		// A link: keep the address.
		return unescaper.Replace(body), bot.Ref{}, false
	}
}

// mrkdwn renders t as Slack mrkdwn: user text escaped, bold as *…*, mentions
// of Slack refs as Slack mentions and of other refs as plain labels.
func mrkdwn(t bot.Text) string {
	var (
		b strings.Builder
		n int
	)
	for _, s := range t {
		n += len(s.Str)
	}
	b.Grow(n + n/16) // room for a few escapes
	for _, s := range t {
		switch {
		case s.Ref != nil:
			b.WriteString(mentionOf(*s.Ref))
		case s.Bold && strings.TrimSpace(s.Str) != "":
			inner := strings.TrimSpace(s.Str)
			i := strings.Index(s.Str, inner)
			_, _ = escaper.WriteString(&b, s.Str[:i])
			b.WriteByte('*')
			_, _ = escaper.WriteString(&b, inner)
			b.WriteByte('*')
			_, _ = escaper.WriteString(&b, s.Str[i+len(inner):])
		default:
			_, _ = escaper.WriteString(&b, s.Str)
		}
	}
	return b.String()
}

// mentionOf is how Slack writes a mention of r.
func mentionOf(r bot.Ref) string {
	if r.Platform != bot.Slack || !isID(r.ID) {
		return escape(r.Label())
	}
	switch r.Kind {
	case bot.UserRef:
		return "<@" + r.ID + ">"
	case bot.ChannelRef:
		return "<#" + r.ID + ">"
	case bot.GroupRef:
		return "<!subteam^" + r.ID + ">"
	}
	return escape(r.Label())
}

// ellipsis marks text that was cut.
const ellipsis = chars.Ellipsis

// cut shortens plain text s to at most max characters (Slack counts its
// limits in characters), marking the cut with "…".
func cut(s string, max int) string { return chars.Cut(s, max) }

// split breaks mrkdwn s into pieces of at most max characters, at a line
// break or a space where it can and never inside a <…> mention or an &…;
// entity. Every piece holds at least one character, so it always ends.
func split(s string, max int) []string {
	var out []string
	for utf8.RuneCountInString(s) > max {
		n := safeCut(s, max)
		out = append(out, s[:n])
		s = strings.TrimLeft(s[n:], "\n ")
	}
	return append(out, s)
}

// safeCut returns where to cut s so that s[:n] holds at most max characters
// and no cut mention or entity, preferring a line break or a space in the
// second half. n is at least one character, even when max is less.
func safeCut(s string, max int) int {
	n := chars.Prefix(s, max)
	if n >= len(s) {
		return len(s)
	}
	head := s[:n]
	if i := strings.LastIndexByte(head, '<'); i > strings.LastIndexByte(head, '>') && i > 0 {
		n, head = i, head[:i]
	}
	if i := strings.LastIndexByte(head, '&'); i > strings.LastIndexByte(head, ';') && i > 0 {
		n, head = i, head[:i]
	}
	if i := strings.LastIndexByte(head, '\n'); i > n/2 {
		return i + 1
	}
	if i := strings.LastIndexByte(head, ' '); i > n/2 {
		return i + 1
	}
	if n == 0 {
		_, n = utf8.DecodeRuneInString(s)
	}
	return n
}

// isID reports whether id looks like a Slack id (C0123ABC, U024BE7LH) rather
// than a name such as a configured "wins" channel, which Slack can't link.
func isID(id string) bool {
	if len(id) < 2 {
		return false
	}
	for _, r := range id {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
