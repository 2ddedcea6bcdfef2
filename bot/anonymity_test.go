package bot_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
)

// noUserIDs fails if any key or value in Redis holds the id or key of one of
// the users.
func (h *harness) noUserIDs(step string, users []bot.Ref) {
	h.tb.Helper()
	for k, v := range h.dump() {
		for _, u := range users {
			for _, id := range []string{u.ID, u.Key()} {
				if strings.Contains(k, id) || strings.Contains(v, id) {
					h.tb.Errorf("%s: key %s holds user id %q: %q", step, k, id, v)
				}
			}
		}
	}
}

// respondentHash is the hash the store keeps for u in a round with salt
// (the design in store/doc.go).
func respondentHash(salt string, u bot.Ref) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + u.Key()))
	return hex.EncodeToString(sum[:8])
}

func TestAnonymousRoundStoresNoUserID(t *testing.T) {
	h := MustHarness(t)
	var everyone []bot.Ref
	for _, a := range canwant {
		everyone = append(everyone, user(a.who))
	}
	h.dir.Set(team, everyone...)
	h.run(h.owner, "pulse template canwant to=#team", team)
	h.noUserIDs("round opened", everyone)
	for _, a := range canwant {
		h.rate(user(a.who), "P1.1", 1, a.can)
		h.noUserIDs(a.who+" answered can", everyone)
		if a.who == "UFIN" {
			continue // fin stops midway; closing the round finishes the tuple
		}
		h.rate(user(a.who), "P1.1", 2, a.want)
		h.noUserIDs(a.who+" answered want", everyone)
	}
	h.run(h.owner, "pulse remind P1")
	h.run(h.owner, "pulse results P1")
	h.run(h.owner, "pulse close P1")
	h.run(h.owner, "pulse export P1")
	h.noUserIDs("round closed", everyone)

	// At rest, a respondent's hash appears only in the "who" record, never
	// beside an answer.
	round, err := h.bot.OpenRound(t.Context(), "slack:T1", "P1", h.clock.Now())
	if err != nil {
		t.Fatalf("open round 2: %v", err)
	}
	h.rate(user("UANNA"), round.ID(), 1, 5)
	h.rate(user("UANNA"), round.ID(), 2, 5)
	hash := respondentHash(round.Salt, user("UANNA"))
	for k, v := range h.dump() {
		if strings.Contains(v, hash) && !strings.Contains(k, ":r2:who:") {
			t.Errorf("key %s holds anna's respondent hash next to %q", k, v)
		}
	}
}

func TestFeedbackStoresNoAuthor(t *testing.T) {
	author := user("UFEEDBACKER")
	tests := []struct {
		name    string
		sendErr error
		want    string
		args    []any
	}{
		{name: "posted", want: "feedback.posted", args: []any{"#CFEED"}},
		{name: "platform down", sendErr: errors.New("slack down"), want: "feedback.err.post"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustHarness(t, func(c *bot.Config) { c.FeedbackChannel = bot.Channels{Default: "CFEED"} })
			h.out.Err = tt.sendErr
			got := h.run(author, "feedback please record the town halls").Text.String()
			mustContain(t, "reply", got, h.t(tt.want, tt.args...))
			h.noUserIDs("feedback", []bot.Ref{author})
			if strings.Contains(h.logs.String(), author.ID) {
				t.Errorf("log names the author: %s", h.logs.String())
			}
			for _, m := range h.out.Sent() {
				if strings.Contains(text(&m), author.ID) || strings.Contains(text(&m), author.Name) {
					t.Errorf("posted feedback names the author: %+v", m)
				}
				if m.To.ID != "CFEED" || m.Text.String() != "please record the town halls" {
					t.Errorf("got %+v, want the text in CFEED", m)
				}
			}
			if tt.sendErr == nil && len(h.out.Sent()) != 1 {
				t.Errorf("got %d posts, want 1", len(h.out.Sent()))
			}
		})
	}
}

func TestFeedbackOffAndEmpty(t *testing.T) {
	off := MustHarness(t)
	mustContain(t, "off", off.run(user("UANNA"), "feedback more coffee").Text.String(), off.t("feedback.err.off"))
	on := MustHarness(t, func(c *bot.Config) { c.FeedbackChannel = bot.Channels{Default: "feedback"} })
	mustContain(t, "empty", on.run(user("UANNA"), "feedback").Text.String(), on.t("feedback.err.empty"))
	if n := len(off.out.Sent()) + len(on.out.Sent()); n != 0 {
		t.Errorf("got %d posts, want 0", n)
	}
}

// failingPulses is a PulseStore whose answers fail with an unexpected error.
type failingPulses struct{ bot.PulseStore }

func (failingPulses) RecordAnswer(context.Context, bot.Answer) (bot.AnswerStatus, uint64, error) {
	return 0, 0, errors.New("disk on fire")
}

func TestFailedAnswerIsNotLoggedWithItsAuthor(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.Pulses = failingPulses{c.Pulses} })
	h.dir.Set(team, crowd("UANNA")...)
	h.run(h.owner, `pulse new "What gets in your way?" type=text to=#team`, team)
	got := h.run(user("UANNA"), "answer P1 my manager blocks me").Text.String()
	mustContain(t, "reply", got, h.t("err.internal"))
	logs := h.logs.String()
	mustContain(t, "log", logs, "request failed")
	if strings.Contains(logs, "my manager blocks me") {
		t.Errorf("the log holds the answer next to its author: %s", logs)
	}
}

// orderedDump returns every key under the harness's prefix, without it, with
// what it holds in the order Redis keeps it: hash fields and values as HSCAN
// returns them (the storage order of a small hash), sorted sets by rank, lists
// from the head.
func (h *harness) orderedDump() map[string][]string {
	h.tb.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	iter := h.rdb.Scan(ctx, 0, h.prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		var parts []string
		switch typ := h.rdb.Type(ctx, k).Val(); typ {
		case "string":
			parts = []string{h.rdb.Get(ctx, k).Val()}
		case "hash":
			parts, _ = h.rdb.HScan(ctx, k, 0, "", 100000).Val()
			// A compact hash (listpack) lists its fields in the order they
			// were written: that order is what the test looks at. A hash
			// table lists them by a hash seeded per server process (and the
			// embedded store by Go's map order), which says nothing about
			// when they were written; sort those, so two servers compare.
			if enc := h.rdb.ObjectEncoding(ctx, k).Val(); enc != "listpack" && enc != "ziplist" {
				parts = sortedPairs(parts)
			}
		case "list":
			parts = h.rdb.LRange(ctx, k, 0, -1).Val()
		case "set":
			parts = h.rdb.SMembers(ctx, k).Val()
			slices.Sort(parts)
		case "zset":
			for _, z := range h.rdb.ZRangeWithScores(ctx, k, 0, -1).Val() {
				parts = append(parts, z.Member.(string), strconv.FormatFloat(z.Score, 'f', -1, 64))
			}
		default:
			h.tb.Fatalf("key %s: type %s not read by the test", k, typ)
		}
		out[strings.TrimPrefix(k, h.prefix)] = parts
	}
	if err := iter.Err(); err != nil {
		h.tb.Fatalf("scan: %v", err)
	}
	return out
}

// TestAnonymousRoundAtRestHasNoOrder has ten people answer the three
// questions of the adoption pulse (a rating, yes/no, free text) in a known
// order, and the same answers again in the reverse order in a second
// herald. Once everyone has finished, and again once the round is closed,
// every key and value is read in the order Redis keeps it: both must be the
// same but for the round's salt and the free text, which must be in neither
// order of answering. After close, no respondent hash is left anywhere.
func TestAnonymousRoundAtRestHasNoOrder(t *testing.T) {
	const n = 10
	var ids []string
	for i := range n {
		ids = append(ids, "UPERSON"+strconv.Itoa(i))
	}
	texts := make([]string, n)
	for i := range n {
		texts[i] = "idea number " + strconv.Itoa(i)
	}
	type state struct {
		finished, closed map[string][]string
		stored           []string // free text in stored order, after close
	}
	run := func(order []int) state {
		h := MustHarness(t)
		h.dir.Set(team, people(ids...)...)
		h.run(h.owner, "pulse template adoption to=#team", team)
		for _, i := range order {
			u := user(ids[i])
			h.rate(u, "P1.1", 1, 1+i%5)
			h.click(u, bot.ActionPulseAnswer, "P1.1|2|"+[]string{"yes", "no"}[i%2])
			h.bot.Handle(t.Context(), bot.Request{User: u, Action: &bot.Action{Name: bot.ActionPulseText, Value: "P1.1|3", Input: texts[i]}})
		}
		var st state
		st.finished = h.orderedDump()
		h.run(h.owner, "pulse close P1")
		st.closed = h.orderedDump()
		var round bot.Round
		roundKey := ""
		for k, v := range st.closed {
			if strings.HasSuffix(k, ":pulse:P1:r1") {
				roundKey = k
				if i := slices.Index(v, "round"); i >= 0 {
					_ = json.Unmarshal([]byte(v[i+1]), &round)
				}
			}
		}
		if round.Salt == "" {
			t.Fatalf("no round 1 with its salt in %v", st.closed)
		}

		for _, id := range ids {
			hash := respondentHash(round.Salt, user(id))
			for k, v := range st.closed {
				if strings.Contains(k, hash) || slices.ContainsFunc(v, func(s string) bool { return strings.Contains(s, hash) }) {
					t.Errorf("after close, key %s holds the respondent hash of %s", k, id)
				}
			}
		}
		for _, m := range st.closed[roundKey+":texts"] {
			for _, x := range texts {
				if strings.HasSuffix(m, x) {
					st.stored = append(st.stored, x)
				}
			}
		}
		return st
	}
	forward, backward := make([]int, n), make([]int, n)
	for i := range n {
		forward[i], backward[i] = i, n-1-i
	}
	a, b := run(forward), run(backward)

	// comparable drops what differs between two rounds whatever the order:
	// the round's JSON (its salt), the respondent hashes (and the random
	// tokens of their last answer calls beside them), and the free text behind
	// its random nonces.
	comparable := func(d map[string][]string) map[string][]string {
		out := map[string][]string{}
		for k, v := range d {
			switch {
			case strings.Contains(k, ":who:"), strings.HasSuffix(k, ":texts"):
				continue
			case strings.HasSuffix(k, ":r1"):
				v = slices.Clone(v)
				v[slices.Index(v, "round")+1] = "…"
			}
			out[k] = v
		}
		return out
	}
	for _, tt := range []struct {
		step string
		a, b map[string][]string
	}{{"everyone finished", a.finished, b.finished}, {"round closed", a.closed, b.closed}} {
		ca, cb := comparable(tt.a), comparable(tt.b)
		for k, v := range ca {
			if !slices.Equal(v, cb[k]) {
				t.Errorf("%s: key %s tells the order of answering: %q one way, %q the other", tt.step, k, v, cb[k])
			}
		}
		if len(ca) != len(cb) {
			t.Errorf("%s: got %d keys one way, %d the other", tt.step, len(ca), len(cb))
		}
	}
	reversed := slices.Clone(texts)
	slices.Reverse(reversed)
	for _, st := range []state{a, b} {
		if len(st.stored) != n {
			t.Fatalf("got %d free-text answers stored, want %d", len(st.stored), n)
		}
		if slices.Equal(st.stored, texts) || slices.Equal(st.stored, reversed) {
			t.Errorf("free text is stored in the order of answering: %q", st.stored)
		}
	}
	for k, v := range a.closed {
		if strings.HasSuffix(k, ":tuples") {
			for _, m := range v {
				if strings.Contains(m, "idea number") {
					t.Errorf("tuple %q links a free text to scores", m)
				}
			}
		}
	}
}

func TestFeedbackIsPlainTextAndLimited(t *testing.T) {
	h := MustHarness(t, func(c *bot.Config) { c.FeedbackChannel = bot.Channels{Default: "CFEED"} })
	anna, ben := user("UANNA"), user("UBEN")
	h.run(anna, "feedback ask @uben about https://evil.example/x and www.phish.de", ben)
	sent := h.out.Sent()
	if len(sent) != 1 {
		t.Fatalf("got %d posts, want 1", len(sent))
	}
	for _, s := range sent[0].Text {
		if s.Ref != nil {
			t.Errorf("posted feedback mentions %s live", s.Ref.Label())
		}
	}
	if got, want := sent[0].Text.String(), "ask @uben about https[://]evil[.]example/x and www[.]phish[.]de"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for range 4 {
		h.run(anna, "feedback more coffee")
	}
	mustContain(t, "sixth idea in the hour", h.run(anna, "feedback even more coffee").Text.String(), h.t("feedback.err.rate", 5))
	mustContain(t, "someone else", h.run(ben, "feedback tea too").Text.String(), h.t("feedback.posted", "#CFEED"))
	h.clock.Add(time.Hour)
	mustContain(t, "the next hour", h.run(anna, "feedback even more coffee").Text.String(), h.t("feedback.posted", "#CFEED"))
	h.noUserIDs("feedback", []bot.Ref{anna, ben})
}

func TestPrivacyInEveryLanguage(t *testing.T) {
	h := MustHarness(t)
	for _, lang := range []string{"en", "de"} {
		u := user("U" + strings.ToUpper(lang))
		h.run(u, "language "+lang)
		got := text(h.run(u, "privacy"))
		tr := func(key string, args ...any) string { return h.bot.Catalog().T(lang, key, args...) }
		for _, want := range []string{tr("privacy.header"), tr("privacy.admins", 5), tr("privacy.db"), tr("privacy.check", 5), "docs/anonymity.md"} {
			mustContain(t, lang, got, want)
		}
	}
}

// TestSmallSegmentsAreStoredTogether: a person named directly next to a
// channel forms a segment of one; counted apart, its counters would hold
// that person's answer for anyone reading Redis. It is stored together with
// the channel from the start.
func TestSmallSegmentsAreStoredTogether(t *testing.T) {
	h := MustHarness(t)
	h.dir.Set(team, crowd("UANNA")...)
	target := user("UTARGET")
	h.run(h.owner, `pulse new "Clear goal?" type=scale5 to=#team @utarget`, team, target)
	h.rate(target, "P1.1", 1, 1)
	for _, u := range crowd("UANNA") {
		h.rate(u, "P1.1", 1, 4)
	}
	h.run(h.owner, "pulse close P1")
	for k, v := range h.orderedDump() {
		if !strings.HasSuffix(k, ":r1:cnt") {
			continue
		}
		for i := 0; i < len(v); i += 2 {
			if strings.HasPrefix(v[i], "1:1:") {
				t.Errorf("counter %s=%s keeps the one person named directly apart", v[i], v[i+1])
			}
		}
		if i := slices.Index(v, "1:0:1"); i < 0 || v[i+1] != "1" {
			t.Errorf("got counters %q, want the target's 1 counted with #team", v)
		}
	}
	mustContain(t, "results", text(h.run(h.owner, "pulse results P1")), h.t("pulse.res.seg.merged", 5))
}

// sortedPairs sorts field/value pairs by field.
func sortedPairs(kv []string) []string {
	pairs := make([][2]string, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, [2]string{kv[i], kv[i+1]})
	}
	slices.SortFunc(pairs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	out := make([]string, 0, len(kv))
	for _, p := range pairs {
		out = append(out, p[0], p[1])
	}
	return out
}
