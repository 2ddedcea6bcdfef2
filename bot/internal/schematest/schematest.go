// Package schematest checks JSON documents against the JSON Schemas that
// Slack and Microsoft publish, kept as files in a package's testdata, so that
// the check runs offline. It is imported only by tests.
package schematest

import (
	"bytes"
	"os"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// MustCompile compiles the schema at url. files maps every URL the schema
// is known by or refers to onto a local file, so nothing is fetched; a URL
// missing from it fails the compilation. draft is the JSON Schema draft of
// a file that names none. Formats are asserted, and patterns are read as
// ECMA-262 regular expressions, as JSON Schema specifies (Go's regexp lacks
// the look-ahead the published schemas use).
func MustCompile(tb testing.TB, draft *jsonschema.Draft, url string, files map[string]string) *jsonschema.Schema {
	tb.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(draft)
	c.AssertFormat()
	c.UseRegexpEngine(ecmaCompile)
	for u, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		if err := c.AddResource(u, MustDecode(tb, data)); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
	}
	sch, err := c.Compile(url)
	if err != nil {
		tb.Fatalf("compile %s: %v", url, err)
	}
	return sch
}

// MustDecode decodes JSON as the validator takes it: numbers stay exact.
func MustDecode(tb testing.TB, data []byte) any {
	tb.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("not JSON: %v\n%s", err, data)
	}
	return v
}

// ecmaRegexp is a pattern compiled by regexp2 in its ECMAScript mode.
type ecmaRegexp regexp2.Regexp

// MatchString reports whether s matches; a match that ends in an error
// counts as no match, so the document is refused, never passed.
func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

func ecmaCompile(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}
