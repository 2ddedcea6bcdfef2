package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/herald-chat/herald/store/storetest"
)

// TestShoutoutsOfTwoWorkspacesAtOnce writes shout-outs of two workspaces at
// the same moment, so that the group commit batches them together: on a
// Redis Cluster (REDIS_CLUSTER_ADDRS) their keys lie in different slots, and
// one transaction for both would be refused with CROSSSLOT.
func TestShoutoutsOfTwoWorkspacesAtOnce(t *testing.T) {
	t.Logf("store backend: %s", storetest.Backend())
	st := storetest.MustStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	const each = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for i := range each {
		for _, ws := range []string{"T1", "T2"} {
			wg.Go(func() {
				errs <- st.AddShoutout(ctx, shoutout(user(ws, fmt.Sprint("UA", i)), user(ws, "UB"), at), nil)
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("add: %v", err)
		}
	}
	for _, ws := range []string{"T1", "T2"} {
		board, err := st.ShoutoutBoard(ctx, user(ws, "UB").Space(), "2026-11", 10)
		if err != nil {
			t.Fatalf("board %s: %v", ws, err)
		}
		if got := board.Total; got != each {
			t.Errorf("%s: got %d shout-outs, want %d", ws, got, each)
		}
	}
}
