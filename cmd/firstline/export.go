package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
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
	if err := exportToFile(ctx, es, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "exported to %s\n", *out)
	return nil
}

// exportToFile writes the export to a temporary file next to name, flushes
// it to the disk and only then renames it to name: a failed export leaves
// neither a partial file nor a temporary one, and the file that was at name
// before (yesterday's backup) stays as it was.
//
// A name that is a link is followed, so the link stays; a name that is not
// a regular file (a pipe, /dev/stdout) is written to directly.
func exportToFile(ctx context.Context, es exportStore, name string) (err error) {
	if real, err := filepath.EvalSymlinks(name); err == nil {
		fi, err := os.Stat(real)
		if err != nil {
			return fmt.Errorf("export to %s: %w", name, err)
		}
		if !fi.Mode().IsRegular() {
			return exportToStream(ctx, es, real)
		}
		name = real
	}
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriter(f)
	if err := es.Export(ctx, w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	// A file that did not reach the disk is no backup.
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	// The rename is durable once the directory is. The export is in
	// place by now (the clean-up finds no temporary file to remove).
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("exported to %s, but could not flush its directory to the disk: %w", name, err)
	}
	return nil
}

// exportToStream writes the export to a file that is not a regular one,
// such as a pipe, as it comes.
func exportToStream(ctx context.Context, es exportStore, name string) error {
	f, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("export to %s: %w", name, err)
	}
	w := bufio.NewWriter(f)
	if err := es.Export(ctx, w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// syncDir flushes a directory's entries to the disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
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
