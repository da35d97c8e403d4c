package intents

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWriterApply(t *testing.T) {
	dir := editDir(t)
	flow := filepath.Join(dir, "flow.yaml")
	if err := os.Chmod(flow, 0o600); err != nil {
		t.Fatal(err)
	}
	var applied []*Set
	watcher := NewWatcher(dir, slog.New(slog.NewTextHandler(io.Discard, nil)), func(s *Set) error {
		applied = append(applied, s)
		return nil
	})
	if err := watcher.Reload(); err != nil {
		t.Fatal(err)
	}
	w := NewWriter(dir)

	start := time.Now().UTC()
	e, err := PrepareExample(dir, NewExample{"balance", LangRU, "остаток на счёте"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Apply(e, "olga")
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got, _ := os.ReadFile(flow); !bytes.Equal(got, e.After) {
		t.Errorf("the file is not the edited text")
	}
	if info, err := os.Stat(flow); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("mode after the edit: %v, %v; want 0600 kept", info.Mode(), err)
	}
	if c.By != "olga" || c.Kind != EditAddExample || c.File != "flow.yaml" || c.Intent != "balance" ||
		!reflect.DeepEqual(c.Added, map[string][]string{LangRU: {"остаток на счёте"}}) ||
		c.SHA256Before != sum(e.Before) || c.SHA256After != sum(e.After) ||
		c.Time.Before(start) || c.Time.After(time.Now().UTC()) {
		t.Errorf("change = %+v", c)
	}

	// The running knowledge base picks the edit up like any other.
	watcher.reloadIfChanged()
	if len(applied) != 2 || !slices.Contains(applied[1].Intent("balance").Examples[LangRU], "остаток на счёте") {
		t.Errorf("the watcher did not reload the edited knowledge base (%d loads)", len(applied))
	}

	// A new intent, in a new file.
	e2, err := PrepareIntent(dir, "", NewIntent{
		ID:       "router_reboot",
		Title:    Text{LangRU: "Перезагрузка роутера"},
		Examples: map[string][]string{LangRU: {"как перезагрузить роутер"}},
		Answer:   Text{LangRU: "Выключите его на 10 секунд."},
	})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := w.Apply(e2, "anna")
	if err != nil {
		t.Fatalf("Apply a new file: %v", err)
	}
	learned := filepath.Join(dir, LearnedFile)
	if info, err := os.Stat(learned); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("new file: %v, %v; want mode 0644", info, err)
	}
	if c2.SHA256Before != "" || c2.File != LearnedFile || c2.Title[LangRU] != "Перезагрузка роутера" || c2.Answer[LangRU] == "" {
		t.Errorf("change = %+v", c2)
	}

	history, err := ReadHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || !history[0].Time.Equal(c.Time) || !reflect.DeepEqual(history[1], c2) {
		t.Errorf("history = %+v, want the two changes", history)
	}
	// The log and the temporary files are hidden from the knowledge base.
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range set.Files {
		if strings.HasPrefix(filepath.Base(f), ".") {
			t.Errorf("Load reads %s", f)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, d := range entries {
		if strings.HasSuffix(d.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", d.Name())
		}
	}
}

// TestWriterRefuses checks that an edit is not applied over a file that
// changed since it was prepared, nor when the directory no longer takes
// it, nor without a name.
func TestWriterRefuses(t *testing.T) {
	dir := editDir(t)
	w := NewWriter(dir)
	e, err := PrepareExample(dir, NewExample{"balance", LangRU, "остаток на счёте"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Apply(e, ""); !errors.Is(err, ErrInvalidEdit) {
		t.Errorf("Apply without a name: %v, want ErrInvalidEdit", err)
	}
	if _, err := NewWriter(t.TempDir()).Apply(e, "olga"); err == nil {
		t.Errorf("Apply with a writer of another directory succeeded")
	}

	// Someone else adds the same example to another file meanwhile: the
	// edit was checked against a knowledge base that is no more.
	other, err := PrepareExample(dir, NewExample{"reset_password", LangRU, "Остаток на счёте"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Apply(other, "anna"); err != nil {
		t.Fatal(err)
	}
	was := snapshot(t, dir)
	_, err = w.Apply(e, "olga")
	if !errors.Is(err, ErrStale) {
		t.Errorf("Apply after another file changed: %v, want ErrStale", err)
	}
	if !reflect.DeepEqual(snapshot(t, dir), was) {
		t.Errorf("a refused Apply changed the directory")
	}

	// And then edits the same file.
	e2, err := PrepareExample(dir, NewExample{"balance", LangEN, "money left"})
	if err != nil {
		t.Fatal(err)
	}
	e3, err := PrepareExample(dir, NewExample{"balance", LangEN, "how much do I have"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Apply(e2, "anna"); err != nil {
		t.Fatal(err)
	}
	was = snapshot(t, dir)
	if _, err := w.Apply(e3, "olga"); !errors.Is(err, ErrStale) {
		t.Errorf("Apply over a changed file: %v, want ErrStale", err)
	}
	if !reflect.DeepEqual(snapshot(t, dir), was) {
		t.Errorf("a refused Apply changed the directory")
	}
	// A file that was to be created and now exists is stale too.
	e4, err := PrepareIntent(dir, "", NewIntent{ID: "x", Examples: map[string][]string{LangEN: {"xyz"}}, Answer: Text{LangEN: "X."}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, LearnedFile), []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	was = snapshot(t, dir)
	if _, err := w.Apply(e4, "olga"); !errors.Is(err, ErrStale) {
		t.Errorf("Apply creating a file that appeared: %v, want ErrStale", err)
	}
	if !reflect.DeepEqual(snapshot(t, dir), was) {
		t.Errorf("a refused Apply changed the directory")
	}
	history, err := ReadHistory(dir)
	if err != nil || len(history) != 2 {
		t.Errorf("history has %d changes (%v), want the 2 applied", len(history), err)
	}
}

// TestWriterAuditFails checks that an edit whose audit line cannot be
// written is taken back.
func TestWriterAuditFails(t *testing.T) {
	dir := editDir(t)
	if err := os.Mkdir(filepath.Join(dir, HistoryFile), 0o755); err != nil {
		t.Fatal(err)
	}
	was := snapshot(t, dir)
	for _, prepare := range []func() (*Edit, error){
		func() (*Edit, error) {
			return PrepareExample(dir, NewExample{"balance", LangRU, "остаток на счёте"})
		},
		func() (*Edit, error) {
			return PrepareIntent(dir, "", NewIntent{ID: "x", Examples: map[string][]string{LangEN: {"xyz"}}, Answer: Text{LangEN: "X."}})
		},
	} {
		e, err := prepare()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewWriter(dir).Apply(e, "olga"); err == nil || !strings.Contains(err.Error(), "put back") {
			t.Errorf("Apply with no audit log: %v, want the file put back", err)
		}
		if !reflect.DeepEqual(snapshot(t, dir), was) {
			t.Errorf("the directory changed although the audit failed")
		}
	}
}

func TestReadHistory(t *testing.T) {
	dir := t.TempDir()
	if h, err := ReadHistory(dir); h != nil || err != nil {
		t.Errorf("ReadHistory with no log = %v, %v; want nothing", h, err)
	}
	if err := os.WriteFile(filepath.Join(dir, HistoryFile), []byte("{\"by\":\"olga\"}\nnot json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadHistory(dir); err == nil || !strings.Contains(err.Error(), HistoryFile+":2") {
		t.Errorf("ReadHistory of a bad line: %v, want its line number", err)
	}
}

// Another process applying an edit holds the directory's lock: Apply
// waits for it.
func TestWriterWaitsForTheLock(t *testing.T) {
	dir := editDir(t)
	e, err := PrepareExample(dir, NewExample{"balance", LangRU, "остаток на счёте"})
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := NewWriter(dir).Apply(e, "olga")
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Apply returned while another held the lock: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatalf("Apply after the lock was released: %v", err)
	}
}

// A folder that is a link out of the intents directory is refused: the
// loader would never see the intent.
func TestPrepareIntentRefusesLinks(t *testing.T) {
	dir := editDir(t)
	outside := t.TempDir()
	target := filepath.Join(outside, "x.yaml")
	if err := os.WriteFile(target, []byte("intents: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "linked.yaml")); err != nil {
		t.Fatal(err)
	}
	was := snapshot(t, outside)
	in := NewIntent{ID: "gift", Examples: map[string][]string{LangEN: {"gift card"}}, Answer: Text{LangEN: "Gift cards."}}
	for _, file := range []string{"elsewhere/gift.yaml", "linked.yaml"} {
		if _, err := PrepareIntent(dir, file, in); !errors.Is(err, ErrInvalidEdit) {
			t.Errorf("PrepareIntent into %s: %v, want ErrInvalidEdit", file, err)
		}
	}
	if !reflect.DeepEqual(snapshot(t, outside), was) {
		t.Errorf("something was written outside")
	}
}

// TestWriterRecordsReason checks that an edit saved over a warning is
// recorded with the reason given and the warning, and that one without a
// reason, or with a reason that is not text, is refused with nothing
// written.
func TestWriterRecordsReason(t *testing.T) {
	dir := editDir(t)
	w := NewWriter(dir)
	e, err := PrepareExample(dir, NewExample{"balance", LangRU, "остаток на счёте"})
	if err != nil {
		t.Fatal(err)
	}
	e.Warning = "intents worse: reset_password 90% → 70%"
	was := snapshot(t, dir)
	for _, reason := range []string{"", "  ", "a\x00b", "\xff", strings.Repeat("я", MaxReasonLength+1)} {
		e.Reason = reason
		if _, err := w.Apply(e, "olga"); !errors.Is(err, ErrInvalidEdit) {
			t.Errorf("Apply with the reason %q: %v, want ErrInvalidEdit", reason, err)
		}
	}
	if !reflect.DeepEqual(snapshot(t, dir), was) {
		t.Fatal("a refused Apply changed the directory")
	}
	e.Reason = " a customer's wording, checked by hand \n"
	c, err := w.Apply(e, "olga")
	if err != nil {
		t.Fatal(err)
	}
	history, err := ReadHistory(dir)
	if err != nil || len(history) != 1 {
		t.Fatalf("history %+v, %v", history, err)
	}
	for _, got := range []Change{c, history[0]} {
		if got.By != "olga" || got.Reason != "a customer's wording, checked by hand" || got.Warning != e.Warning {
			t.Errorf("change = %+v, want olga's with the reason and the warning", got)
		}
	}
	line, err := os.ReadFile(filepath.Join(dir, HistoryFile))
	if err != nil || !strings.Contains(string(line), `"reason":"a customer's wording, checked by hand"`) {
		t.Errorf("the log line does not hold the reason: %s (%v)", line, err)
	}
}
