package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/bot/bottest"
	"github.com/herald-chat/herald/outbox"
	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// txFault breaks the next transaction (a pipeline): before Redis applies it,
// or after, losing only the answer.
type txFault struct{ before, after atomic.Bool }

var errLost = errors.New("i/o timeout (test)")

func (f *txFault) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (f *txFault) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (f *txFault) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if f.before.Swap(false) {
			return errLost
		}
		err := next(ctx, cmds)
		if f.after.Swap(false) {
			return errLost
		}
		return err
	}
}

func TestAShoutoutAndItsBroadcastAreOneStep(t *testing.T) {
	tests := []struct {
		name                 string
		before, after        bool
		wantErr              string
		wantStored, wantSent int
	}{
		{name: "written", wantStored: 1, wantSent: 1},
		{name: "refused before Redis applied it", before: true, wantErr: bot.EUNAVAILABLE},
		{name: "applied, answer lost", after: true, wantStored: 1, wantSent: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rdb, prefix := storetest.MustRedis(t)
			f := &txFault{}
			rdb.AddHook(f)
			p := &bottest.Platform{}
			ob := outbox.New(outbox.Config{Redis: rdb, Prefix: prefix, Messenger: bot.Messengers{bot.Slack: p}, Pace: map[bot.Platform]outbox.Pace{}})
			st := store.New(rdb, prefix)
			st.AnnounceThrough(ob.Prepare)
			ctx := context.Background()
			anna, ben := user("T1", "UANNA"), user("T1", "UBEN")
			at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
			announce := func(s *bot.Shoutout) bot.Message {
				return bot.Message{To: s.Channel, Text: bot.Plain("thanks"), DeliveryID: "shoutout|" + s.ID}
			}
			f.before.Store(tt.before)
			f.after.Store(tt.after)
			err := st.AddShoutout(ctx, shoutout(anna, ben, at), announce)
			if got := bot.ErrorCode(err); got != tt.wantErr {
				t.Fatalf("got error %v, want code %q", err, tt.wantErr)
			}
			board, err := st.ShoutoutBoard(ctx, anna.Space(), "2026-11", 10)
			if err != nil {
				t.Fatal(err)
			}
			ob.Step(ctx)
			if board.Total != tt.wantStored || p.Total() != tt.wantSent {
				t.Errorf("got %d stored and %d broadcast, want %d and %d", board.Total, p.Total(), tt.wantStored, tt.wantSent)
			}
		})
	}
}
