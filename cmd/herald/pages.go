package main

import (
	"cmp"
	"html/template"
	"net/http"
	"strings"

	"github.com/herald-chat/herald/bot"
)

// page is the HTML of /privacy and /terms: a title and paragraphs.
var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;color:#1d3557}</style>
</head><body><h1>{{.Title}}</h1>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}</body></html>
`))

// mountPages serves GET /privacy and GET /terms, the pages a Teams app
// package links to: HERALD_PRIVACY_TEXT and HERALD_TERMS_TEXT when set,
// else herald's own texts in HERALD_LANG. A blank line starts a paragraph.
func mountPages(mux *http.ServeMux, cfg config) error {
	cat, err := bot.NewCatalog(cfg.Lang)
	if err != nil {
		return err
	}
	for _, p := range []struct{ path, key, text string }{
		{"/privacy", "page.privacy", cfg.PrivacyText},
		{"/terms", "page.terms", cfg.TermsText},
	} {
		data := struct {
			Lang, Title string
			Paragraphs  []string
		}{cfg.Lang, cat.T("", p.key+".title"), paragraphs(cmp.Or(p.text, cat.T("", p.key)))}
		var b strings.Builder
		if err := page.Execute(&b, data); err != nil {
			return err
		}
		html := b.String()
		mux.HandleFunc("GET "+p.path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(html))
		})
	}
	return nil
}

// paragraphs splits text at blank lines (a literal "\n" in an environment
// variable counts as a line break).
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, `\n`, "\n")
	var out []string
	for p := range strings.SplitSeq(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
