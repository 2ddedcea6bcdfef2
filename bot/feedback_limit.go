package bot

import (
	"crypto/rand"
	"crypto/sha256"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Feedback rate limit: at most feedbackLimit ideas per person and window.
const (
	feedbackLimit  = 5
	feedbackWindow = time.Hour
)

// feedbackCounter counts feedback per person in fixed windows, in memory
// only, under a hash of the person salted with a secret that lives as long
// as the process: it stores no author next to any text, and nobody reading
// the database or a dump of the counter can tell whose count it is. All
// counts expire together when the window ends. With several herald
// processes, each counts on its own.
type feedbackCounter struct {
	mu     sync.Mutex
	salt   [16]byte
	window int64 // the window the counts belong to, in windows since 1970
	counts map[[sha256.Size]byte]int
}

func newFeedbackCounter() *feedbackCounter {
	fc := &feedbackCounter{counts: map[[sha256.Size]byte]int{}}
	_, _ = rand.Read(fc.salt[:])
	return fc
}

// hit counts one idea of u at now and reports whether it is within the limit.
func (fc *feedbackCounter) hit(u Ref, now time.Time) bool {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if w := now.Unix() / int64(feedbackWindow/time.Second); w != fc.window {
		fc.window, fc.counts = w, map[[sha256.Size]byte]int{}
	}
	k := sha256.Sum256(append(fc.salt[:], u.Key()...))
	if fc.counts[k] >= feedbackLimit {
		return false
	}
	fc.counts[k]++
	return true
}

// link finds what a chat app would turn into a link: a URL or a bare domain.
var link = regexp.MustCompile(`(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|de|at|ch|eu|co|app|dev|info|biz|me|ly)\b\S*`)

// plainFeedback is feedback text as it is posted: mentions as plain @names
// and links defanged ("https[://]evil[.]com"), so that anonymous feedback
// can neither ping people nor carry a live link.
func plainFeedback(t Text) Text {
	s := link.ReplaceAllStringFunc(t.String(), func(l string) string {
		return strings.NewReplacer("://", "[://]", ".", "[.]").Replace(l)
	})
	return Plain(s)
}
