package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

func user(ws, id string) bot.Ref {
	return bot.Ref{Kind: bot.UserRef, Platform: bot.Slack, Workspace: ws, ID: id, Name: id}
}

func shoutout(author, to bot.Ref, at time.Time, values ...string) *bot.Shoutout {
	return &bot.Shoutout{
		Author: author, Recipients: []bot.Ref{to}, Text: bot.Plain("thanks"),
		Values: values, At: at, Month: bot.MonthOf(at, time.UTC),
		Channel: author.Same(bot.ChannelRef, "CWINS", "wins"),
	}
}

func TestShoutoutsAreListedNewestFirstPerSpaceAndMonth(t *testing.T) {
	t.Logf("store backend: %s", storetest.Backend())
	st := storetest.MustStore(t)
	ctx := context.Background()
	nov := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	anna, ben, carla := user("T1", "UANNA"), user("T1", "UBEN"), user("T1", "UCARLA")
	other := user("T2", "UOTHER")
	for i, s := range []*bot.Shoutout{
		shoutout(anna, ben, nov, "teamwork"),
		shoutout(ben, carla, nov.Add(time.Hour), "teamwork", "customer-first"),
		shoutout(carla, ben, nov.Add(2*time.Hour)),
		shoutout(anna, ben, nov.AddDate(0, 1, 0)),          // December
		shoutout(other, user("T2", "UX"), nov, "teamwork"), // another workspace
	} {
		if err := st.AddShoutout(ctx, s, nil); err != nil {
			t.Fatalf("add %d: %v", i, err)
		}
		if s.ID == "" {
			t.Fatalf("add %d: no id assigned", i)
		}
	}

	list, err := st.Shoutouts(ctx, anna.Space(), "2026-11", 10)
	if err != nil {
		t.Fatal(err)
	}
	var authors []string
	for _, s := range list {
		authors = append(authors, s.Author.ID)
	}
	if want := []string{"UCARLA", "UBEN", "UANNA"}; !slices.Equal(authors, want) {
		t.Errorf("authors: got %v, want %v", authors, want)
	}
	if got := list[1].Recipients[0]; got != carla {
		t.Errorf("recipient round trip: got %+v, want %+v", got, carla)
	}
	if limited, _ := st.Shoutouts(ctx, anna.Space(), "2026-11", 2); len(limited) != 2 {
		t.Errorf("limit 2: got %d", len(limited))
	}
	if empty, err := st.Shoutouts(ctx, anna.Space(), "2025-01", 10); err != nil || len(empty) != 0 {
		t.Errorf("empty month: got %d, %v, want 0, nil", len(empty), err)
	}

	board, err := st.ShoutoutBoard(ctx, anna.Space(), "2026-11", 10)
	if err != nil {
		t.Fatal(err)
	}
	if board.Total != 3 {
		t.Errorf("total: got %d, want 3", board.Total)
	}
	if len(board.Recipients) != 2 || board.Recipients[0].Ref.ID != "UBEN" || board.Recipients[0].N != 2 {
		t.Errorf("recipients: got %+v, want UBEN×2 first", board.Recipients)
	}
	if board.Recipients[0].Ref.Key() != ben.Key() {
		t.Errorf("ref key round trip: got %s, want %s", board.Recipients[0].Ref.Key(), ben.Key())
	}
	if len(board.Values) != 2 || board.Values[0] != (bot.ValueCount{Value: "teamwork", N: 2}) {
		t.Errorf("values: got %+v, want teamwork×2 first", board.Values)
	}
}

func TestRefKeysWithColonsSurvive(t *testing.T) {
	st := storetest.MustStore(t)
	ctx := context.Background()
	teamsUser := bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: "tenant-1", ID: "29:1aBcD"}
	author := bot.Ref{Kind: bot.UserRef, Platform: bot.Teams, Workspace: "tenant-1", ID: "29:me"}
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if err := st.AddShoutout(ctx, shoutout(author, teamsUser, at), nil); err != nil {
		t.Fatal(err)
	}
	board, err := st.ShoutoutBoard(ctx, author.Space(), "2026-11", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(board.Recipients) != 1 || board.Recipients[0].Ref.Key() != teamsUser.Key() {
		t.Errorf("got %+v, want %s", board.Recipients, teamsUser.Key())
	}
}

func TestRedisDownIsUnavailable(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer rdb.Close()
	st := store.New(rdb, "herald:")
	ctx := context.Background()
	s := shoutout(user("T1", "A"), user("T1", "B"), time.Now())
	checks := map[string]error{
		"add":   st.AddShoutout(ctx, s, nil),
		"ping":  st.Ping(ctx),
		"board": func() error { _, err := st.ShoutoutBoard(ctx, "slack:T1", "2026-11", 5); return err }(),
		"list":  func() error { _, err := st.Shoutouts(ctx, "slack:T1", "2026-11", 5); return err }(),
	}
	for name, err := range checks {
		var be *bot.Error
		if !errors.As(err, &be) || be.Code != bot.EUNAVAILABLE {
			t.Errorf("%s: got %v, want an EUNAVAILABLE bot.Error", name, err)
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestConcurrentShoutoutsAreEachStoredOnce(t *testing.T) {
	st := storetest.MustStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	const n = 300
	errs := make(chan error, n)
	for i := range n {
		go func() {
			author := user("T1", fmt.Sprintf("U%03d", i))
			errs <- st.AddShoutout(ctx, shoutout(author, user("T1", "UANNA"), at.Add(time.Duration(i)*time.Millisecond), "teamwork"), nil)
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("add: %v", err)
		}
	}
	board, err := st.ShoutoutBoard(ctx, "slack:T1", "2026-11", 5)
	if err != nil {
		t.Fatal(err)
	}
	if board.Total != n || board.Recipients[0].N != n || board.Values[0].N != n {
		t.Errorf("got total %d, anna %d, teamwork %d; want %d each", board.Total, board.Recipients[0].N, board.Values[0].N, n)
	}
	received, _, err := st.ShoutoutsOf(ctx, user("T1", "UANNA"), 100)
	if err != nil || len(received) != 50 {
		t.Errorf("anna's received index: got %d (%v), want the newest 50", len(received), err)
	}
}
