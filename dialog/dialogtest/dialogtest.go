// Package dialogtest builds engines for tests: a knowledge base loaded
// from YAML and a fresh SQLite store in the test's temporary directory,
// both closed when the test ends.
package dialogtest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// Env is an engine with what it runs on.
type Env struct {
	Engine *dialog.Engine
	Store  *sqlite.DB
	KB     *kb.Holder
}

// New returns an engine over a fresh store, answering from the intents in
// dir with the default thresholds, configured by cfg and telling pub
// (which may be nil) about changes. A nil log discards logging.
func New(t testing.TB, dir string, cfg dialog.Config, pub dialog.Publisher, log *slog.Logger) *Env {
	t.Helper()
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	holder := KB(t, dir)
	store := Store(t, log)
	return &Env{Engine: dialog.NewEngine(store, holder, pub, cfg, log), Store: store, KB: holder}
}

// KB loads the intents in dir into a knowledge base.
func KB(t testing.TB, dir string) *kb.Holder {
	t.Helper()
	set, err := intents.Load(dir)
	if err != nil {
		t.Fatalf("load intents %s: %v", dir, err)
	}
	k, err := kb.New(set, kb.DefaultOptions)
	if err != nil {
		t.Fatalf("build knowledge base: %v", err)
	}
	holder := kb.NewHolder(k)
	t.Cleanup(func() { holder.Close() })
	return holder
}

// Store opens an empty SQLite store in the test's temporary directory.
func Store(t testing.TB, log *slog.Logger) *sqlite.DB {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "firstline.db"), log)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}
