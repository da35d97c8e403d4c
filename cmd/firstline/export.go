package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/postgres"
	"github.com/firstline-support/firstline/dialog/sqlite"
)

// exportStore is a store that can write all its data out and read it back
// in: both stores can, so data moves from SQLite to PostgreSQL and back.
type exportStore interface {
	Export(ctx context.Context, w io.Writer) error
	Import(ctx context.Context, r io.Reader) error
}

// asExportStore returns the export side of the store openStore opened.
func asExportStore(store dialog.Store) (exportStore, error) {
	switch s := store.(type) {
	case *sqlite.DB:
		return s, nil
	case *postgres.DB:
		return s, nil
	}
	return nil, fmt.Errorf("a %T cannot export or import", store)
}

// cmdExport writes every conversation, message, ticket, user and the rest
// of the configured store to a file (or stdout), for "firstline import".
func cmdExport(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("export", e)
	out := fs.String("out", "", "write to `file` (default stdout)")
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, s, newLogger(e))
	if err != nil {
		return err
	}
	defer store.Close()
	es, err := asExportStore(store)
	if err != nil {
		return err
	}
	if *out == "" {
		w := bufio.NewWriter(e.stdout)
		if err := es.Export(ctx, w); err != nil {
			return err
		}
		return w.Flush()
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", *out, err)
	}
	w := bufio.NewWriter(f)
	if err := es.Export(ctx, w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", *out, err)
	}
	// A file that did not reach the disk is no backup: Close reports it.
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	fmt.Fprintf(e.stderr, "exported to %s\n", *out)
	return nil
}

// cmdImport reads a file written by "firstline export" into the configured
// store, which must be empty; migrations are applied first.
func cmdImport(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("import", e)
	in := fs.String("in", "", "read the export from `file`")
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	if *in == "" {
		return usageError{fmt.Errorf("--in is required")}
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("open %s: %w", *in, err)
	}
	defer f.Close()
	store, err := openStore(ctx, s, newLogger(e))
	if err != nil {
		return err
	}
	defer store.Close()
	es, err := asExportStore(store)
	if err != nil {
		return err
	}
	if err := es.Import(ctx, bufio.NewReader(f)); err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	fmt.Fprintf(e.stdout, "imported %s\n", *in)
	return nil
}
