package bot

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Languages lists the languages herald speaks, the default first. Adding a
// language means adding its texts (like lang_de.go) and one line here.
func Languages() []string { return []string{"en", "de"} }

// texts returns the catalog entries of a language, keyed by message key.
func texts(lang string) map[string]catalog.Message {
	switch lang {
	case "de":
		return german()
	default:
		return english()
	}
}

// ParseLang turns a language or locale ("de", "de-DE", "en_GB") into one of
// Languages. ok is false when herald does not speak it.
func ParseLang(s string) (lang string, ok bool) {
	base, _, _ := strings.Cut(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-"), "-")
	for _, l := range Languages() {
		if base == l {
			return l, true
		}
	}
	return "", false
}

// Catalog holds every user-facing text of herald in every language.
type Catalog struct {
	def      string
	printers map[string]*message.Printer
	// fixed holds, per language, the texts that take no arguments, rendered
	// once: they are asked for on every request.
	fixed map[string]map[string]string
}

// NewCatalog builds the catalog with def as the default language.
func NewCatalog(def string) (*Catalog, error) {
	if _, ok := ParseLang(def); !ok {
		return nil, fmt.Errorf("unknown language %q (want one of %s)", def, strings.Join(Languages(), ", "))
	}
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	c := &Catalog{def: def, printers: map[string]*message.Printer{}, fixed: map[string]map[string]string{}}
	for _, lang := range Languages() {
		tag := language.Make(lang)
		msgs := texts(lang)
		for key, msg := range msgs {
			if err := b.Set(tag, key, msg); err != nil {
				return nil, fmt.Errorf("catalog %s %s: %w", lang, key, err)
			}
		}
		p := message.NewPrinter(tag, message.Catalog(b))
		c.printers[lang] = p
		c.fixed[lang] = map[string]string{}
		for key := range msgs {
			if text := p.Sprintf(key); !strings.Contains(text, "%!") {
				c.fixed[lang][key] = text
			}
		}
	}
	return c, nil
}

// Lang returns lang if herald speaks it, else the default language.
func (c *Catalog) Lang(lang string) string {
	if l, ok := ParseLang(lang); ok {
		return l
	}
	return c.def
}

// T renders the text key in lang with args.
func (c *Catalog) T(lang, key string, args ...any) string {
	lang = c.Lang(lang)
	if len(args) == 0 {
		if text, ok := c.fixed[lang][key]; ok {
			return text
		}
	}
	return c.printers[lang].Sprintf(key, args...)
}

// Keys returns the message keys of lang, for tests that check the catalog is complete.
func Keys(lang string) []string {
	m := texts(lang)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
