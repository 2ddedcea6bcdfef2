package bot

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCatalogLanguagesHaveTheSameKeys(t *testing.T) {
	en, de := Keys("en"), Keys("de")
	slices.Sort(en)
	slices.Sort(de)
	for _, k := range en {
		if _, ok := slices.BinarySearch(de, k); !ok {
			t.Errorf("key %q is in English but not in German", k)
		}
	}
	for _, k := range de {
		if _, ok := slices.BinarySearch(en, k); !ok {
			t.Errorf("key %q is in German but not in English", k)
		}
	}
}

// verbs finds the formatting verbs of a text, which must agree across languages.
var verbs = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0-9.]*[a-zA-Z%]`)

func TestCatalogTextsTakeTheSameArguments(t *testing.T) {
	for _, k := range Keys("en") {
		en := verbs.FindAllString(rawText(t, "en", k), -1)
		de := verbs.FindAllString(rawText(t, "de", k), -1)
		slices.Sort(en)
		slices.Sort(de)
		if !slices.Equal(en, de) {
			t.Errorf("key %q: English verbs %v, German verbs %v", k, en, de)
		}
	}
}

// rawText returns the format string of a plain catalog entry, or "" for plural ones.
func rawText(t *testing.T, lang, key string) string {
	t.Helper()
	if v := reflect.ValueOf(texts(lang)[key]); v.Kind() == reflect.String {
		return v.String()
	}
	return ""
}

// keyUse finds catalog keys in code: the first string argument of the calls
// that take one.
var keyUse = regexp.MustCompile(`\b(?:t|T|Text|Errorf|usageError|Unavailable)\((?:[^()"]*, )?"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)

func TestEveryKeyUsedInCodeIsInTheCatalog(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := filepath.Glob("*/*.go")
	files = append(files, sub...)
	known := map[string]bool{}
	for _, k := range Keys("en") {
		known[k] = true
	}
	var found int
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(src), -1) {
			found++
			if !known[m[1]] {
				t.Errorf("%s uses key %q, which the catalog lacks", f, m[1])
			}
		}
	}
	if found < 10 {
		t.Fatalf("found only %d key uses: the pattern no longer matches the code", found)
	}
}

func TestEveryCommandHasHelpTexts(t *testing.T) {
	r := newRegistry(allFeatures())
	if len(r.commands) < 9 {
		t.Fatalf("got %d commands, want every feature on", len(r.commands))
	}
	for _, cmd := range r.commands {
		keys := []string{cmd.usage, cmd.summary, cmd.help}
		if len(cmd.subs) > 0 && cmd.run == nil {
			keys = append(keys, cmd.noSub)
		}
		for _, key := range keys {
			for _, lang := range Languages() {
				if _, ok := texts(lang)[key]; !ok {
					t.Errorf("command %s: %s lacks %q", cmd.name, lang, key)
				}
			}
		}
	}
}

// Keys built at run time (from a month, a language, an error code) escape
// TestEveryKeyUsedInCodeIsInTheCatalog: each builder is asked for every key
// it can build.
func TestKeysBuiltAtRunTimeAreInTheCatalog(t *testing.T) {
	var keys []string
	for m := time.January; m <= time.December; m++ {
		keys = append(keys, monthKey(m))
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		keys = append(keys, weekdayKey(d))
	}
	for _, code := range []string{EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT, EUNAVAILABLE, EINTERNAL} {
		keys = append(keys, reasonKey(code))
	}
	for _, lang := range Languages() {
		keys = append(keys, langNameKey(lang))
	}
	for _, v := range []string{"yes", "no"} {
		keys = append(keys, yesNoKey(v))
	}
	for _, qt := range []QuestionType{QNPS, QScale5, QYesNo, QChoice, QText} {
		keys = append(keys, valueErrKey(qt))
	}
	for _, kind := range headlineKinds() {
		keys = append(keys, headlineKey(kind))
	}
	for name, qs := range templateQuestions {
		keys = append(keys, templateKey(name, "title"))
		for i := range qs {
			keys = append(keys, templateKey(name, "q"+strconv.Itoa(i+1)))
		}
	}
	for _, lang := range Languages() {
		for _, key := range keys {
			if _, ok := texts(lang)[key]; !ok {
				t.Errorf("%s lacks %q, which code builds at run time", lang, key)
			}
		}
	}
}
