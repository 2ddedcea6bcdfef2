package bot_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/schedule"
)

// TestDisclosureProperty sends eNPS pulses to random audiences of
// overlapping channels and people named directly, has a random part of them
// answer, and collects every figure herald shows of the round: the results
// (the question and each audience line), the export, the goal and the digest.
// Each figure stands for a set of audience segments; an admin can add figures
// of disjoint sets and subtract a figure from one of a larger set. The test
// fails if any set so reachable holds fewer answers than the threshold (but
// more than none), or if a shown count is not the true one.
func TestDisclosureProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2026))
	var pool []string
	for i := range 14 {
		pool = append(pool, "UP"+strconv.Itoa(i))
	}
	answered := regexp.MustCompile(`\((\d+) answered\)`)
	checked := 0
	for iter := range 40 {
		minimum := 3 + rng.IntN(3)
		h := MustHarness(t, func(c *bot.Config) { c.AnonymityMin = minimum; c.Schedules = schedule.Parser{} })
		a := randomAudience(rng, pool)
		for i, members := range a.channels {
			h.dir.Set(a.refs[i], people(members...)...)
		}
		reply := h.run(h.owner, `pulse new "Recommend us?" type=nps to=`+a.words, a.refs...).Text.String()
		if strings.Contains(reply, h.t("pulse.err.audience.small", a.size(), minimum)) {
			continue
		}
		truth := map[int]int{} // segment → answers
		for _, id := range pool {
			if seg, ok := a.segment(id); ok && rng.IntN(10) < 7 {
				h.rate(user(id), "P1.1", 1, rng.IntN(11))
				truth[seg]++
			}
		}
		count := func(set uint) int {
			n := 0
			for seg, c := range truth {
				if set&(1<<seg) != 0 {
					n += c
				}
			}
			return n
		}
		all := uint(1)<<a.segments() - 1
		h.run(h.owner, "pulse close P1")
		h.run(h.owner, `goal add "Mood" metric=enps:P1 target=0 by=2027-12-31`)
		shown := map[uint]bool{}
		what := fmt.Sprintf("round %d (minimum %d, audience %s, answers by segment %v)", iter, minimum, a.words, truth)

		res := h.run(h.owner, "pulse results P1")
		for _, f := range res.Fields {
			switch v := f.Value.String(); {
			case f.Label == "1. Recommend us?" && strings.Contains(v, h.t("pulse.res.n", count(all))):
				shown[all] = true
			case f.Label == h.t("pulse.res.segments") && v != h.t("pulse.res.seg.merged", minimum):
				for line := range strings.SplitSeq(v, "\n") {
					label, _, _ := strings.Cut(line, ": ")
					set := a.setOf(h, label)
					m := answered.FindStringSubmatch(line)
					if m == nil || m[1] != strconv.Itoa(count(set)) {
						t.Errorf("%s: line %q, want %d answered", what, line, count(set))
					}
					shown[set] = true
				}
			}
		}
		if exp := h.run(h.owner, "pulse export P1"); exp.File != nil {
			rows, err := csv.NewReader(bytes.NewReader(exp.File.Content)).ReadAll()
			if err != nil {
				t.Fatalf("%s: export: %v", what, err)
			}
			if !slices.Contains(rows[0], h.t("pulse.csv.segment")) {
				shown[all] = true
			} else {
				var labelled uint
				byLabel := map[string]int{}
				for _, row := range rows[1:] {
					byLabel[row[1]]++
				}
				for label, n := range byLabel {
					if label == "" {
						continue
					}
					set := a.setOf(h, label)
					labelled |= set
					shown[set] = true
					if n != count(set) {
						t.Errorf("%s: export has %d rows of %q, want %d", what, n, label, count(set))
					}
				}
				if byLabel[""] > 0 {
					shown[all&^labelled] = true
				}
			}
		}
		withheld, _, _ := strings.Cut(h.t("digest.pulse.withheld", "Recommend us? (P1.1)", "\x00"), "\x00")
		if dig := text(h.run(h.owner, "digest preview")); !strings.Contains(dig, withheld) {
			shown[all] = true
		}
		if goals := h.run(h.owner, "goal list").Text.String(); !strings.Contains(goals, h.t("goal.unknown")) {
			shown[all] = true
		}
		for set := range closure(shown) {
			if n := count(set); n > 0 && n < minimum {
				t.Errorf("%s: figures shown %v give away segments %b with %d answers", what, keys(shown), set, n)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d of 40 random audiences were big enough to check", checked)
	}
}

// audience is a random pulse audience: channels and people named directly.
type audience struct {
	channels [][]string // members of #ch0, #ch1, …
	direct   []string
	words    string
	refs     []bot.Ref
}

func randomAudience(rng *rand.Rand, pool []string) audience {
	var a audience
	for i := range 2 + rng.IntN(3) {
		ch := channel("CCH"+strconv.Itoa(i), "ch"+strconv.Itoa(i))
		members := slices.Clone(pool)
		rng.Shuffle(len(members), func(x, y int) { members[x], members[y] = members[y], members[x] })
		members = members[:1+rng.IntN(8)]
		a.channels = append(a.channels, members)
		a.words += "#ch" + strconv.Itoa(i) + " "
		a.refs = append(a.refs, ch)
	}
	for range rng.IntN(3) {
		id := pool[rng.IntN(len(pool))]
		a.direct = append(a.direct, id)
		a.words += "@" + strings.ToLower(id) + " "
		a.refs = append(a.refs, user(id))
	}
	return a
}

// segments returns how many audience segments the pulse has.
func (a audience) segments() int {
	if len(a.direct) > 0 {
		return len(a.channels) + 1
	}
	return len(a.channels)
}

// segment returns the segment of a person as herald assigns it: the first
// channel that holds them, else the people named directly.
func (a audience) segment(id string) (int, bool) {
	for i, members := range a.channels {
		if slices.Contains(members, id) {
			return i, true
		}
	}
	if slices.Contains(a.direct, id) {
		return len(a.channels), true
	}
	return 0, false
}

func (a audience) size() int {
	n := 0
	for i := range 30 {
		if _, ok := a.segment("UP" + strconv.Itoa(i)); ok {
			n++
		}
	}
	return n
}

// setOf reads a shown audience label ("#ch1", "others (#ch0, #ch2)") into
// its segments.
func (a audience) setOf(h *harness, label string) uint {
	others := h.t("pulse.res.seg.others", "\x00")
	pre, post, _ := strings.Cut(others, "\x00")
	names := []string{label}
	if inner, ok := strings.CutPrefix(label, pre); ok {
		names = strings.Split(strings.TrimSuffix(inner, post), ", ")
	}
	var set uint
	for _, name := range names {
		if name == h.t("pulse.seg.direct") {
			set |= 1 << len(a.channels)
			continue
		}
		i, err := strconv.Atoi(strings.TrimPrefix(name, "#ch"))
		if err != nil {
			h.tb.Fatalf("unknown audience label %q", label)
		}
		set |= 1 << i
	}
	return set
}

// closure returns every set an admin can reach from the shown ones: unions
// of disjoint sets and differences of nested ones.
func closure(shown map[uint]bool) map[uint]bool {
	out := map[uint]bool{}
	for s := range shown {
		out[s] = true
	}
	for changed := true; changed; {
		changed = false
		for x := range out {
			for y := range out {
				var next []uint
				if x&y == 0 {
					next = append(next, x|y)
				}
				if y&^x == 0 {
					next = append(next, x&^y)
				}
				for _, z := range next {
					if !out[z] {
						out[z], changed = true, true
					}
				}
			}
		}
	}
	return out
}

func keys(m map[uint]bool) []string {
	var out []string
	for k := range m {
		out = append(out, strconv.FormatUint(uint64(k), 2))
	}
	slices.Sort(out)
	return out
}
