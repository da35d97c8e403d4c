package intents

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// pollInterval is how often Run looks at the directory. Polling keeps the
// watcher free of platform-specific file events and still picks up an edit
// well within a second.
const pollInterval = 250 * time.Millisecond

// Watcher keeps a running knowledge base in step with its directory. It
// loads the directory when asked (Reload) or when its files change (Run)
// and hands every valid Set to apply. A change that does not load, or that
// apply rejects, is logged and the previous knowledge base stays in use.
type Watcher struct {
	dir   string
	log   *slog.Logger
	apply func(*Set) error

	mu   sync.Mutex        // one reload at a time, so apply never runs twice at once
	seen [sha256.Size]byte // the directory's fingerprint at the last reload
}

// NewWatcher returns a watcher of dir that passes every newly loaded Set to
// apply. It does nothing until Reload or Run is called.
func NewWatcher(dir string, log *slog.Logger, apply func(*Set) error) *Watcher {
	return &Watcher{dir: dir, log: log, apply: apply}
}

// Run polls the directory and reloads it whenever its files change, until
// ctx is done. If Reload was not called before, the first poll loads the
// directory. A change that fails to load is reported once; the next edit
// is tried again.
func (w *Watcher) Run(ctx context.Context) {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			w.reloadIfChanged()
		}
	}
}

// Reload loads the directory now and, if it is valid, passes it to apply.
// On a problem it logs every FILE:LINE, keeps the previous knowledge base
// and returns the error (an Errors for problems in the files).
func (w *Watcher) Reload() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reloadLocked(fingerprint(w.dir))
}

// reloadIfChanged reloads when the directory differs from the last reload.
func (w *Watcher) reloadIfChanged() {
	w.mu.Lock()
	defer w.mu.Unlock()
	fp := fingerprint(w.dir)
	if fp == w.seen {
		return
	}
	_ = w.reloadLocked(fp) // logged; Run has no one to return it to
}

// reloadLocked loads and applies the directory; w.mu must be held. fp is
// taken before loading, so that an edit made during the load differs from
// it and is picked up by the next poll.
func (w *Watcher) reloadLocked(fp [sha256.Size]byte) error {
	// Remember the attempt even if it fails, so that a broken file is
	// reported once rather than on every poll.
	w.seen = fp
	set, err := Load(w.dir)
	if err != nil {
		w.logLoadError(err)
		return err
	}
	if err := w.apply(set); err != nil {
		w.log.Error("knowledge base not reloaded, keeping the previous one", "dir", w.dir, "err", err)
		return fmt.Errorf("apply intents %s: %w", w.dir, err)
	}
	w.log.Info("knowledge base reloaded", "dir", w.dir, "intents", len(set.Intents), "files", len(set.Files))
	return nil
}

// logLoadError logs why the directory did not load: each problem on its
// own, so that every FILE:LINE is easy to find in the log.
func (w *Watcher) logLoadError(err error) {
	var probs Errors
	if !errors.As(err, &probs) {
		w.log.Error("knowledge base not reloaded, keeping the previous one", "dir", w.dir, "err", err)
		return
	}
	for _, p := range probs {
		w.log.Error("intents problem", "problem", p.String())
	}
	w.log.Error("knowledge base not reloaded, keeping the previous one", "dir", w.dir, "problems", len(probs))
}
