package bot

import (
	"context"
	"fmt"
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

// langCache remembers people's chosen languages ("" for no choice) so that a
// request needs no extra database call.
type langCache struct {
	mu sync.Mutex
	m  map[string]langEntry
}

type langEntry struct {
	lang string
	at   time.Time
}

// langsOf returns the chosen language of each of users that chose one, by
// Ref.Key. A failure to read is logged and means "no choice": the default
// language is a fine fallback for a message.
func (b *Bot) langsOf(ctx context.Context, users []Ref) map[string]string {
	out := map[string]string{}
	if b.cfg.People == nil || len(users) == 0 {
		return out
	}
	now := b.cfg.Clock.Now()
	var missing []Ref
	b.langs.mu.Lock()
	for _, u := range users {
		if e, ok := b.langs.m[u.Key()]; ok && now.Sub(e.at) < langTTL {
			if e.lang != "" {
				out[u.Key()] = e.lang
			}
			continue
		}
		missing = append(missing, u)
	}
	b.langs.mu.Unlock()
	if len(missing) == 0 {
		return out
	}
	got, err := b.cfg.People.Langs(ctx, missing)
	if err != nil {
		b.log.Warn("languages of people unknown; using the default", "err", err)
		return out
	}
	b.langs.mu.Lock()
	defer b.langs.mu.Unlock()
	for _, u := range missing {
		lang := got[u.Key()]
		b.langs.m[u.Key()] = langEntry{lang: lang, at: now}
		if lang != "" {
			out[u.Key()] = lang
		}
	}
	return out
}

// requestLang is the language to answer req in: the person's choice, else
// what their platform says, else herald's default.
func (b *Bot) requestLang(ctx context.Context, req Request) string {
	if lang := b.langsOf(ctx, []Ref{req.User})[req.User.Key()]; lang != "" {
		return lang
	}
	return b.cat.Lang(req.Lang)
}

// language handles "language" (show), "language <en|de>" (choose) and
// "language auto" (forget the choice).
func (b *Bot) language(ctx context.Context, c *call) (*Message, error) {
	if len(c.args) == 0 {
		chosen := b.langsOf(ctx, []Ref{c.req.User})[c.req.User.Key()]
		how := "language.how.default"
		switch {
		case chosen != "":
			how = "language.how.chosen"
		case c.req.Lang != "" && b.cat.Lang(c.req.Lang) == c.lang:
			how = "language.how.platform"
		}
		return reply(Plain(c.t("language.current", c.t("language.name."+c.lang), c.t(how)))), nil
	}
	if len(c.args) > 1 {
		return nil, usageError("language", "language.err.unknown", strings.Join(c.args, " "), b.langList())
	}
	word := strings.ToLower(c.args[0])
	lang, ok := ParseLang(word)
	if !ok {
		lang, ok = b.langByName(word)
	}
	if word == "auto" {
		lang, ok = "", true
	}
	if !ok {
		return nil, usageError("language", "language.err.unknown", c.args[0], b.langList())
	}
	if err := b.cfg.People.SetLang(ctx, c.req.User, lang); err != nil {
		return nil, fmt.Errorf("set language: %w", err)
	}
	b.langs.mu.Lock()
	b.langs.m[c.req.User.Key()] = langEntry{lang: lang, at: b.cfg.Clock.Now()}
	b.langs.mu.Unlock()
	if lang == "" {
		lang = b.cat.Lang(c.req.Lang)
		return reply(Plain(b.cat.T(lang, "language.auto", b.cat.T(lang, "language.name."+lang)))), nil
	}
	return reply(Plain(b.cat.T(lang, "language.set"))), nil
}

// langByName finds a language by its name in any language ("deutsch", "german").
func (b *Bot) langByName(word string) (string, bool) {
	for _, lang := range Languages() {
		for _, in := range Languages() {
			if strings.EqualFold(b.cat.T(in, "language.name."+lang), word) {
				return lang, true
			}
		}
	}
	return "", false
}

// langList lists the languages as "en (English), de (Deutsch)".
func (b *Bot) langList() string {
	var parts []string
	for _, lang := range Languages() {
		parts = append(parts, lang+" ("+b.cat.T(lang, "language.name."+lang)+")")
	}
	return strings.Join(parts, ", ")
}
