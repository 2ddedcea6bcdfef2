package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/store/storetest"
)

func TestSaveAndLoadFile(t *testing.T) {
	ctx := context.Background()
	s := storetest.MustStore(t)
	want := bot.File{Name: "P1.csv", Type: "text/csv", Content: []byte("round,answer\nP1.1,\xff9\n")}
	if err := s.SaveFile(ctx, "f1", want, time.Minute); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadFile(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != want.Name || got.Type != want.Type || !bytes.Equal(got.Content, want.Content) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := s.LoadFile(ctx, "gone"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("a file never saved: got %v, want ENOTFOUND", err)
	}
}

// One claim at a time: a second claim fails while the first holds, and
// succeeds once it is released or expired.
func TestClaimFile(t *testing.T) {
	st := storetest.MustStore(t)
	ctx := context.Background()
	claim := func(want bool) {
		t.Helper()
		got, err := st.ClaimFile(ctx, "consent-1", time.Second)
		if err != nil || got != want {
			t.Fatalf("claim: got %v, %v; want %v", got, err, want)
		}
	}
	claim(true)
	claim(false)
	if err := st.ReleaseFile(ctx, "consent-1"); err != nil {
		t.Fatal(err)
	}
	claim(true)
	if !bottest.Eventually(t, time.Minute, func() bool {
		ok, err := st.ClaimFile(ctx, "consent-1", time.Second)
		return err == nil && ok
	}) {
		t.Error("the claim did not expire")
	}
	if got, err := st.ClaimFile(ctx, "consent-2", time.Second); err != nil || !got {
		t.Errorf("another file's claim: got %v, %v; want true", got, err)
	}
}
