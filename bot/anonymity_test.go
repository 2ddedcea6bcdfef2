package bot_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

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
			h := MustHarness(t, func(c *bot.Config) { c.FeedbackChannel = "CFEED" })
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
	on := MustHarness(t, func(c *bot.Config) { c.FeedbackChannel = "#feedback" })
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
