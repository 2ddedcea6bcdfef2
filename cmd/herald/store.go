package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/herald-chat/herald/store"
)

// openStore opens the configured Redis, or the embedded store. readOnly opens
// the embedded store without taking its data directory (a backup while
// herald runs).
func openStore(ctx context.Context, cfg config, log *slog.Logger, readOnly bool) (*store.Store, error) {
	return store.Open(ctx, store.Options{
		URL: cfg.RedisURL, ClusterAddrs: cfg.ClusterAddrs, Prefix: cfg.Prefix,
		DataDir: cfg.DataDir, Recover: cfg.DataRecover, ReadOnly: readOnly, Logger: log,
	})
}

// backupCommand runs `herald backup FILE` and `herald restore [--force] FILE`.
func backupCommand(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	force := false
	if name == "restore" {
		fs.BoolVar(&force, "force", false, "delete the herald keys the target holds before restoring")
	}
	usage := "usage: herald backup FILE"
	if name == "restore" {
		usage = "usage: herald restore [--force] FILE"
	}
	fs.Usage = func() { fmt.Fprintln(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%s: want one FILE", name)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, io.Discard)
	st, err := openStore(ctx, cfg, log, name == "backup")
	if err != nil {
		return err
	}
	if name == "backup" {
		err = backup(ctx, st, fs.Arg(0), stdout)
	} else {
		err = restore(ctx, st, fs.Arg(0), force, stdout)
	}
	return errors.Join(err, st.Close())
}

// backup writes the backup to file: a temp file, renamed when complete.
func backup(ctx context.Context, st *store.Store, file string, stdout io.Writer) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".herald-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := st.Backup(ctx, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		return fmt.Errorf("backup %s: %w", file, err)
	}
	fmt.Fprintf(stdout, "backed up %d keys from the %s to %s\n", n, st.Where(), file)
	return nil
}

// restore writes the keys of the backup in file into st.
func restore(ctx context.Context, st *store.Store, file string, force bool, stdout io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	res, err := st.Restore(ctx, f, force)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, file)
	}
	fmt.Fprintf(stdout, "restored %d keys from %s into the %s", res.Restored, file, st.Where())
	if res.Deleted > 0 {
		fmt.Fprintf(stdout, ", after deleting the %d keys it held", res.Deleted)
	}
	fmt.Fprintln(stdout)
	return nil
}
