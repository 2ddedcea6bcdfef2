package bot

import (
	"regexp"
	"strings"
	"testing"
)

// TestCommandWordsInHelpWork reads the command lines each language's help
// shows (usage lines, and examples such as "• umfrage neu …") and checks that
// the registry routes their words.
func TestCommandWordsInHelpWork(t *testing.T) {
	r := newRegistry(allFeatures())
	cat, err := NewCatalog("en")
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile(`(?m)^• ([a-zäöüß]+) ([a-zäöüß]+)`)
	for _, lang := range Languages() {
		for _, cmd := range r.commands {
			if len(cmd.subs) == 0 || cmd.run != nil {
				continue // any word may follow
			}
			var pairs [][2]string
			for _, m := range example.FindAllStringSubmatch(cat.T(lang, cmd.help), -1) {
				pairs = append(pairs, [2]string{m[1], m[2]})
			}
			usage := strings.Split(cat.T(lang, cmd.usage), " | ")
			first := strings.Fields(usage[0])
			for _, part := range usage {
				w := strings.Fields(part)
				if w[0] == first[0] {
					pairs = append(pairs, [2]string{w[0], w[1]})
				} else {
					pairs = append(pairs, [2]string{first[0], w[0]})
				}
			}
			for _, p := range pairs {
				found := r.find(p[0])
				if found == nil || found.name != cmd.name {
					t.Errorf("%s help of %s: %q is not %s", lang, cmd.name, p[0], cmd.name)
					continue
				}
				if !routes(found, p[1]) {
					t.Errorf("%s help of %s: %q %q is no command", lang, cmd.name, p[0], p[1])
				}
			}
		}
	}
}

func routes(cmd *command, word string) bool {
	for _, s := range cmd.subs {
		if s.is(word) {
			return true
		}
	}
	return false
}
