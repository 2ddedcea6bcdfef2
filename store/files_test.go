package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
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
