package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/herald-chat/herald/store"
	"github.com/herald-chat/herald/store/storetest"
)

// TestBackupMovesEveryTypeBetweenStores backs up the embedded store, restores
// it into Redis, backs that up and restores it into a new embedded store:
// strings, hashes, lists, sets, sorted sets, streams with a consumer group,
// times to live and binary values arrive.
func TestBackupMovesEveryTypeBetweenStores(t *testing.T) {
	t.Logf("store backend: %s", storetest.Backend())
	ctx := context.Background()
	emb := MustOpen(t, store.Options{DataDir: t.TempDir(), Prefix: "herald:"})
	fill(t, emb.Client(), "herald:")
	if err := emb.Client().Set(ctx, "other:key", "not herald's", 0).Err(); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	n, err := emb.Backup(ctx, &first)
	if err != nil {
		t.Fatal(err)
	}
	if n != 11 {
		t.Errorf("backup: got %d keys, want 11", n)
	}

	rdb, prefix := storetest.MustRedis(t)
	redis := store.New(rdb, prefix)
	res, err := redis.Restore(ctx, bytes.NewReader(first.Bytes()), false)
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.Restored{Restored: 11}) {
		t.Errorf("restore into Redis: got %+v", res)
	}
	check(t, rdb, prefix)

	var second bytes.Buffer
	if _, err := redis.Backup(ctx, &second); err != nil {
		t.Fatal(err)
	}
	back := MustOpen(t, store.Options{DataDir: t.TempDir(), Prefix: "herald:"})
	if _, err := back.Restore(ctx, &second, false); err != nil {
		t.Fatal(err)
	}
	check(t, back.Client(), "herald:")
	if n := back.Client().Exists(ctx, "other:key").Val(); n != 0 {
		t.Errorf("a key outside the prefix was backed up")
	}
}

func TestRestoreRefusesAStoreThatHoldsData(t *testing.T) {
	ctx := context.Background()
	backup := mustBackup(t)
	dir := t.TempDir()
	to := MustOpen(t, store.Options{DataDir: dir, Prefix: "herald:"})
	for _, k := range []string{"herald:x", "herald:y"} {
		if err := to.Client().Set(ctx, k, "old", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	_, err := to.Restore(ctx, bytes.NewReader(backup.Bytes()), false)
	if err == nil || !strings.Contains(err.Error(), "already holds 2 keys") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore into a store with data: got %v", err)
	}
	res, err := to.Restore(ctx, bytes.NewReader(backup.Bytes()), true)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.Restored{Deleted: 2, Restored: 11}); res != want {
		t.Errorf("got %+v, want %+v", res, want)
	}
	check(t, to.Client(), "herald:")
	if n := to.Client().Exists(ctx, "herald:x").Val(); n != 0 {
		t.Errorf("the old key is still there")
	}
	snaps, _, err := store.Files(dir)
	if err != nil || len(snaps) == 0 {
		t.Errorf("the restore is not in a snapshot: %v, %v", snaps, err)
	}
}

func TestRestoreRefusesADamagedBackupBeforeWriting(t *testing.T) {
	ctx := context.Background()
	backup := mustBackup(t)
	to := MustOpen(t, store.Options{DataDir: t.TempDir(), Prefix: "herald:"})
	_, err := to.Restore(ctx, bytes.NewReader(backup.Bytes()[:backup.Len()*2/3]), false)
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("got %v, want damaged", err)
	}
	if n := to.Client().DBSize(ctx).Val(); n != 0 {
		t.Errorf("a damaged backup wrote %d keys", n)
	}
}

// mustBackup returns a backup of an embedded store holding what fill writes.
func mustBackup(t *testing.T) *bytes.Buffer {
	t.Helper()
	from := MustOpen(t, store.Options{DataDir: t.TempDir(), Prefix: "herald:"})
	fill(t, from.Client(), "herald:")
	var backup bytes.Buffer
	if _, err := from.Backup(context.Background(), &backup); err != nil {
		t.Fatal(err)
	}
	return &backup
}
