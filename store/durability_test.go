package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-chat/herald/bot"
	"github.com/herald-chat/herald/store"
)

// crashDirEnv tells the test binary, started again by TestKill9, to be the
// process that gets killed.
const crashDirEnv = "HERALD_TEST_CRASH_DIR"

var crashMonth = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

// TestCrashChild is the process TestKill9 kills: it stores shout-outs, one
// "ack" line each as soon as the store answers, until it is killed. It
// writes a snapshot every second meanwhile, so that kills hit those too.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("started by TestKill9 only")
	}
	st, err := store.Open(context.Background(), store.Options{DataDir: dir, SnapshotEvery: time.Millisecond})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		sh := shoutout(user("T1", fmt.Sprintf("U%d", i%50)), user("T1", "UANNA"), crashMonth, "teamwork")
		if err := st.AddShoutout(context.Background(), sh, nil); err != nil {
			fmt.Println("add:", err)
			os.Exit(1)
		}
		fmt.Println("ack", sh.ID)
	}
}

// TestKill9 kills a process that stores shout-outs with SIGKILL, several
// times, and checks after each kill that every acknowledged shout-out
// survived, and that the crash left no temp file behind at the next start.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	acked := map[string]bool{}
	for round, kills := range []int{300, 2000, 5000} { // acknowledgements before the kill
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		n := 0
		for n < kills && lines.Scan() {
			id, ok := strings.CutPrefix(lines.Text(), "ack ")
			if !ok {
				t.Fatalf("round %d: child said %q", round, lines.Text())
			}
			acked[id] = true
			n++
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if n < kills {
			t.Fatalf("round %d: child stopped after %d acknowledgements", round, n)
		}

		st := MustOpen(t, store.Options{DataDir: dir})
		temps, _ := filepath.Glob(filepath.Join(dir, ".snapshot-*"))
		if len(temps) > 0 {
			t.Errorf("round %d: temp files left after start: %v", round, temps)
		}
		stored, err := st.Shoutouts(context.Background(), "slack:T1", bot.MonthOf(crashMonth, time.UTC), 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, s := range stored {
			have[s.ID] = true
		}
		lost := 0
		for id := range acked {
			if !have[id] {
				lost++
			}
		}
		t.Logf("round %d: %d acknowledged so far, %d stored, %d lost", round, len(acked), len(stored), lost)
		if lost > 0 {
			t.Errorf("round %d: %d of %d acknowledged shout-outs lost", round, lost, len(acked))
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEmbeddedRemovesTempFilesAtStart(t *testing.T) {
	dir := t.TempDir()
	temp := filepath.Join(dir, ".snapshot-123456")
	if err := os.WriteFile(temp, []byte("half a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	MustOpen(t, store.Options{DataDir: dir})
	if _, err := os.Stat(temp); !os.IsNotExist(err) {
		t.Errorf("temp file still there: %v", err)
	}
}

func TestEmbeddedRefusesASecondProcessOnItsDirectory(t *testing.T) {
	dir := t.TempDir()
	st := MustOpen(t, store.Options{DataDir: dir})
	fill(t, st.Client(), "herald:")
	_, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "in use by another herald process") {
		t.Fatalf("second open: got %v, want in use", err)
	}
	ro := MustOpen(t, store.Options{DataDir: dir, ReadOnly: true})
	check(t, ro.Client(), "herald:")
}

// damagedDir returns a data directory with two snapshots and a journal after
// each, all data under "herald:", and the names of the newest snapshot and
// of the journal segment after it.
func damagedDir(t *testing.T) (dir, newest, journal string) {
	t.Helper()
	dir = t.TempDir()
	st, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fill(t, st.Client(), "herald:")
	if err := st.SnapshotNow(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := st.Client().Set(ctx, fmt.Sprintf("herald:a%d", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SnapshotNow(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if err := st.Client().Set(ctx, fmt.Sprintf("herald:b%d", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	snaps, segs, err := store.Files(dir)
	if err != nil || len(snaps) != 2 {
		t.Fatalf("files: %v %v %v", snaps, segs, err)
	}
	return dir, fmt.Sprintf("snapshot-%06d.aof", snaps[1]), fmt.Sprintf("journal-%06d.log", segs[len(segs)-1])
}

func TestEmbeddedDamagedFiles(t *testing.T) {
	tests := []struct {
		name     string
		damage   func(t *testing.T, dir, newest, journal string)
		wantErr  string // in the one line herald stops with
		wantKeys int    // of a* and b*, after a start with Recover
	}{
		{
			name: "snapshot cut short",
			damage: func(t *testing.T, dir, newest, _ string) {
				truncate(t, filepath.Join(dir, newest), 0.5)
			},
			wantErr:  "HERALD_DATA_RECOVER=1 to start from the previous snapshot",
			wantKeys: 40,
		},
		{
			name: "snapshot garbled",
			damage: func(t *testing.T, dir, newest, _ string) {
				garble(t, filepath.Join(dir, newest))
			},
			wantErr:  "HERALD_DATA_RECOVER=1 to start from the previous snapshot",
			wantKeys: 40,
		},
		{
			name: "journal garbled in the middle",
			damage: func(t *testing.T, dir, _, journal string) {
				garble(t, filepath.Join(dir, journal))
			},
			wantErr: "HERALD_DATA_RECOVER=1 to keep what comes before the damage",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, newest, journal := damagedDir(t)
			tt.damage(t, dir, newest, journal)
			_, err := store.Open(context.Background(), store.Options{DataDir: dir})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("open: got %v, want one line with %q", err, tt.wantErr)
			}
			st := MustOpen(t, store.Options{DataDir: dir, Recover: true})
			keys := st.Client().Keys(context.Background(), "herald:[ab][0-9]*").Val()
			if tt.wantKeys > 0 && len(keys) != tt.wantKeys {
				t.Errorf("after recovery: got %d keys, want %d", len(keys), tt.wantKeys)
			}
			check(t, st.Client(), "herald:")
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			// The recovery wrote a good snapshot: the next start needs no help.
			MustOpen(t, store.Options{DataDir: dir})
		})
	}
}

func TestEmbeddedJournalCutShortAtTheEndIsNoDamage(t *testing.T) {
	dir, _, journal := damagedDir(t)
	f, err := os.OpenFile(filepath.Join(dir, journal), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The start of a record the process did not finish writing.
	if _, err := f.Write([]byte{200, 0, 0, 0, 1, 2, 3, 4, 5}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st := MustOpen(t, store.Options{DataDir: dir})
	if keys := st.Client().Keys(context.Background(), "herald:[ab][0-9]*").Val(); len(keys) != 40 {
		t.Errorf("got %d keys, want 40", len(keys))
	}
}

func TestEmbeddedReadsTheSnapshotOfEarlierVersions(t *testing.T) {
	dir := t.TempDir()
	legacy := `[{"k":"herald:s","t":"string","ttl":-1,"v":["v"]},` +
		`{"k":"herald:h","t":"hash","ttl":-1,"v":["a","1"]},` +
		`{"k":"herald:q","t":"stream","ttl":-1,"v":["1-0","[\"m\",\"a\"]","2-0","[\"m\",\"b\"]"],"g":["workers","2-0","1"]}]`
	if err := os.WriteFile(filepath.Join(dir, "herald-snapshot.json"), []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 { // converted at the first start, read from the new files at the second
		st := MustOpen(t, store.Options{DataDir: dir})
		ctx := context.Background()
		if v := st.Client().Get(ctx, "herald:s").Val(); v != "v" {
			t.Errorf("string: got %q", v)
		}
		if v := st.Client().HGet(ctx, "herald:h", "a").Val(); v != "1" {
			t.Errorf("hash: got %q", v)
		}
		if n := st.Client().XLen(ctx, "herald:q").Val(); n != 2 {
			t.Errorf("stream: got %d entries", n)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "herald-snapshot.json.old")); err != nil {
		t.Errorf("the old snapshot is not kept aside: %v", err)
	}
}

// truncate cuts the file at path to part of its size.
func truncate(t *testing.T, path string, part float64) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, int64(float64(fi.Size())*part)); err != nil {
		t.Fatal(err)
	}
}

// garble overwrites bytes in the middle of the file at path.
func garble(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copy(data[len(data)/2:], "\x00garbled\x00")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
