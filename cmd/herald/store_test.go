package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-chat/herald/store/storetest"
)

// runT runs herald with args and returns what it printed.
func runT(t *testing.T, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errs bytes.Buffer
	err := run(context.Background(), append([]string{"herald"}, args...), env(vars), strings.NewReader(""), &out, &errs)
	return out.String(), err
}

// TestBackupAndRestoreMoveTheEmbeddedStoreToRedis follows the documented way
// from the embedded store to a Redis server, and back.
func TestBackupAndRestoreMoveTheEmbeddedStoreToRedis(t *testing.T) {
	embedded := map[string]string{"HERALD_DATA_DIR": t.TempDir()}
	runConsoleT(t, embedded, "shoutout @anna thanks for the demo\n")
	file := filepath.Join(t.TempDir(), "herald.backup")
	out, err := runT(t, embedded, "backup", file)
	if err != nil {
		t.Fatal(err)
	}
	if want := "to " + file; !strings.Contains(out, "backed up") || !strings.Contains(out, want) {
		t.Errorf("backup said %q", out)
	}

	target := map[string]string{"HERALD_DATA_DIR": t.TempDir()}
	if os.Getenv("REDIS_URL") != "" {
		_, prefix := storetest.MustRedis(t) // deletes the keys under prefix at the end
		target = map[string]string{"REDIS_URL": os.Getenv("REDIS_URL"), "HERALD_REDIS_PREFIX": prefix}
	}
	out, err = runT(t, target, "restore", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "restored ") {
		t.Errorf("restore said %q", out)
	}
	if out := runConsoleT(t, target, "shoutout list\n"); !strings.Contains(out, "@you → @anna: thanks for the demo") {
		t.Errorf("after the restore, the list lacks the shout-out:\n%s", out)
	}

	if _, err := runT(t, target, "restore", file); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("restore into a store with data: got %v, want a refusal naming --force", err)
	}
	out, err = runT(t, target, "restore", "--force", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "after deleting the") {
		t.Errorf("restore --force said %q", out)
	}

	back := filepath.Join(t.TempDir(), "back.backup")
	if _, err := runT(t, target, "backup", back); err != nil {
		t.Fatal(err)
	}
	again := map[string]string{"HERALD_DATA_DIR": t.TempDir()}
	if _, err := runT(t, again, "restore", back); err != nil {
		t.Fatal(err)
	}
	if out := runConsoleT(t, again, "shoutout list\n"); !strings.Contains(out, "@you → @anna: thanks for the demo") {
		t.Errorf("back in the embedded store, the list lacks the shout-out:\n%s", out)
	}
}

func TestBackupCommandsNeedAFile(t *testing.T) {
	for _, args := range [][]string{{"backup"}, {"restore"}, {"restore", "--force"}, {"backup", "a", "b"}} {
		_, err := runT(t, map[string]string{"HERALD_DATA_DIR": t.TempDir()}, args...)
		if err == nil || !strings.Contains(err.Error(), "want one FILE") {
			t.Errorf("%v: got %v, want one FILE", args, err)
		}
	}
}

func TestDamagedDataStopsWithOneLineAndRecovers(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"HERALD_DATA_DIR": dir}
	runConsoleT(t, vars, "shoutout @anna thanks for the demo\n")
	runConsoleT(t, vars, "help\n") // continues in a new journal segment
	journals, err := filepath.Glob(filepath.Join(dir, "journal-*.log"))
	if err != nil || len(journals) == 0 {
		t.Fatalf("no journal in %s: %v", dir, err)
	}
	// Damage the first record of the first segment; the second start wrote a
	// segment after it, so the damage is not a record cut short by a crash.
	data, err := os.ReadFile(journals[0])
	if err != nil || len(data) < 20 {
		t.Fatalf("journal: %d bytes, %v", len(data), err)
	}
	data[12] ^= 0xff
	if err := os.WriteFile(journals[0], data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = runT(t, vars)
	if err == nil || !strings.Contains(err.Error(), "journal-000000.log: damaged: bad checksum") ||
		!strings.Contains(err.Error(), "HERALD_DATA_RECOVER=1") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v, want one line naming the file and HERALD_DATA_RECOVER=1", err)
	}
	vars["HERALD_DATA_RECOVER"] = "1"
	if _, err := runT(t, vars); err != nil {
		t.Fatalf("with HERALD_DATA_RECOVER=1: %v", err)
	}
}
