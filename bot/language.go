package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// PeopleStore keeps what people chose for themselves: their language.
type PeopleStore interface {
	// SetLang stores the language u chose; "" forgets the choice.
	SetLang(ctx context.Context, u Ref, lang string) error
	// Langs returns, by Ref.Key, the chosen language of those of users who
	// chose one. Returns EUNAVAILABLE when the database can't be reached.
	Langs(ctx context.Context, users []Ref) (map[string]string, error)
}

// langTTL is how long a replica trusts what it read of someone's language: a
// choice made on another replica reaches this one within it.
const langTTL = time.Minute

// languages is the language feature: each person's chosen language, cached
// so that a request needs no extra database call, and the "language" command.
type languages struct {
	store PeopleStore // nil: nobody can choose; the platform's or herald's default
	clock Clock
	cat   *Catalog
	log   *slog.Logger
	mu    sync.Mutex
	m     map[string]langEntry // by Ref.Key; "" for no choice
}

func (l *languages) commands() []command {
	return []command{{
		name: "language", run: l.language,
		usage: "cmd.language.usage", summary: "cmd.language.summary", help: "cmd.language.help",
	}}
}

type langEntry struct {
	lang string
	at   time.Time
}

// of returns the chosen language of each of users that chose one, by
// Ref.Key. A failure to read is logged and means "no choice": the default
// language is a fine fallback for a message.
func (l *languages) of(ctx context.Context, users []Ref) map[string]string {
	out := map[string]string{}
	if l == nil || l.store == nil || len(users) == 0 {
		return out
	}
	now := l.clock.Now()
	var missing []Ref
	l.mu.Lock()
	for _, u := range users {
		if e, ok := l.m[u.Key()]; ok && now.Sub(e.at) < langTTL {
			if e.lang != "" {
				out[u.Key()] = e.lang
			}
			continue
		}
		missing = append(missing, u)
	}
	l.mu.Unlock()
	if len(missing) == 0 {
		return out
	}
	got, err := l.store.Langs(ctx, missing)
	if err != nil {
		l.log.Warn("languages of people unknown; using the default", "err", err)
		return out
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, u := range missing {
		lang := got[u.Key()]
		l.m[u.Key()] = langEntry{lang: lang, at: now}
		if lang != "" {
			out[u.Key()] = lang
		}
	}
	return out
}

// requestLang is the language to answer req in: the person's choice, else
// what their platform says, else herald's default.
func (l *languages) requestLang(ctx context.Context, req Request) string {
	if lang := l.of(ctx, []Ref{req.User})[req.User.Key()]; lang != "" {
		return lang
	}
	return l.cat.Lang(req.Lang)
}

// Lang returns the language herald speaks with req's user: their choice,
// else their chat app's (req.Lang), else the default. Adapters that write
// words of their own use it.
func (b *Bot) Lang(ctx context.Context, req Request) string { return b.langs.requestLang(ctx, req) }

// language handles "language" (show), "language <en|de>" (choose) and
// "language auto" (forget the choice).
func (l *languages) language(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) == 0 {
		chosen := l.of(ctx, []Ref{c.req.User})[c.req.User.Key()]
		how := "language.how.default"
		switch {
		case chosen != "":
			how = "language.how.chosen"
		case c.req.Lang != "" && l.cat.Lang(c.req.Lang) == c.lang:
			how = "language.how.platform"
		}
		return reply(Plain(c.t("language.current", c.t(langNameKey(c.lang)), c.t(how)))), nil
	}
	if len(c.args) > 1 {
		return nil, usageError("language", "language.err.unknown", strings.Join(c.args, " "), l.langList())
	}
	word := strings.ToLower(c.args[0])
	lang, ok := ParseLang(word)
	if !ok {
		lang, ok = l.langByName(word)
	}
	if word == "auto" {
		lang, ok = "", true
	}
	if !ok {
		return nil, usageError("language", "language.err.unknown", c.args[0], l.langList())
	}
	if err := l.store.SetLang(ctx, c.req.User, lang); err != nil {
		return nil, fmt.Errorf("set language: %w", err)
	}
	l.mu.Lock()
	l.m[c.req.User.Key()] = langEntry{lang: lang, at: l.clock.Now()}
	l.mu.Unlock()
	if lang == "" {
		lang = l.cat.Lang(c.req.Lang)
		return reply(Plain(l.cat.T(lang, "language.auto", l.cat.T(lang, langNameKey(lang))))), nil
	}
	return reply(Plain(l.cat.T(lang, "language.set"))), nil
}

// langByName finds a language by its name in any language ("deutsch", "german").
func (l *languages) langByName(word string) (string, bool) {
	for _, lang := range Languages() {
		for _, in := range Languages() {
			if strings.EqualFold(l.cat.T(in, langNameKey(lang)), word) {
				return lang, true
			}
		}
	}
	return "", false
}

// langList lists the languages as "en (English), de (Deutsch)".
func (l *languages) langList() string {
	var parts []string
	for _, lang := range Languages() {
		parts = append(parts, lang+" ("+l.cat.T(lang, langNameKey(lang))+")")
	}
	return strings.Join(parts, ", ")
}

// langNameKey is the catalog key of the name of lang ("English", "Deutsch").
func langNameKey(lang string) string { return "language.name." + lang }
