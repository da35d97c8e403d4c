package intents

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pickUpWithin is how soon the watcher must apply an edit.
const pickUpWithin = time.Second

// helloFile returns a one-intent file whose answer is answer.
func helloFile(answer string) string {
	return "intents:\n" +
		"  - id: hello\n" +
		"    examples: {ru: [привет]}\n" +
		"    answer: {ru: \"" + answer + "\"}\n"
}

// brokenHello has one problem, at line 5.
var brokenHello = helloFile("v3") + "    escalate: maybe\n"

// writeFile replaces path in one step, as careful editors do, so that a
// poll never sees half a file. The temporary name is hidden and ignored.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// logRecorder is a slog.Handler that passes the text of every record to a
// channel, so that a test can wait for what the watcher logs.
type logRecorder struct {
	lines chan string
}

func newLogRecorder() *logRecorder {
	return &logRecorder{lines: make(chan string, 1000)}
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	select {
	case h.lines <- b.String():
	default: // a test that stopped reading must not block the watcher
	}
	return nil
}

func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logRecorder) WithGroup(string) slog.Handler      { return h }

// waitLog returns the lines logged up to and including the first one that
// contains want, failing the test if none does within d.
func (h *logRecorder) waitLog(t *testing.T, want string, d time.Duration) []string {
	t.Helper()
	timeout := time.After(d)
	var lines []string
	for {
		select {
		case line := <-h.lines:
			lines = append(lines, line)
			if strings.Contains(line, want) {
				return lines
			}
		case <-timeout:
			t.Fatalf("no log line with %q within %v; got:\n%s", want, d, strings.Join(lines, "\n"))
		}
	}
}

// waitApplied returns the next Set passed to apply, failing the test if
// none comes within d.
func waitApplied(t *testing.T, applied <-chan *Set, d time.Duration) *Set {
	t.Helper()
	select {
	case s := <-applied:
		return s
	case <-time.After(d):
		t.Fatalf("nothing applied within %v", d)
		return nil
	}
}

// startRun runs w until the test ends, and waits for Run to return.
func startRun(t *testing.T, w *Watcher) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// answerOf returns the Russian answer of the hello intent.
func answerOf(t *testing.T, s *Set) string {
	t.Helper()
	in := s.Intent("hello")
	if in == nil {
		t.Fatalf("no intent hello in %v", s.IDs())
	}
	return in.Answer[LangRU]
}

func TestWatcherReload(t *testing.T) {
	errApply := errors.New("index is read-only")
	tests := []struct {
		name      string
		content   string // of hello.yaml; "" means no directory at all
		applyErr  error
		wantApply bool   // apply is called
		wantErr   string // part of the returned error; "" for none
		wantLog   string // part of a logged line
	}{
		{name: "valid", content: helloFile("v1"), wantApply: true,
			wantLog: "knowledge base reloaded dir=DIR intents=1 files=1"},
		{name: "problems", content: brokenHello,
			wantErr: "hello.yaml:5: escalate must be true or false", wantLog: "problem=DIR/hello.yaml:5: escalate must be"},
		{name: "no directory",
			wantErr: "no such file", wantLog: "knowledge base not reloaded, keeping the previous one dir=DIR err="},
		{name: "apply fails", content: helloFile("v1"), applyErr: errApply, wantApply: true,
			wantErr: errApply.Error(), wantLog: "knowledge base not reloaded, keeping the previous one dir=DIR err=" + errApply.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "intents")
			if tt.content != "" {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(dir, "hello.yaml"), tt.content)
			}
			rec := newLogRecorder()
			applied := 0
			w := NewWatcher(dir, slog.New(rec), func(s *Set) error {
				applied++
				return tt.applyErr
			})

			err := w.Reload()

			if tt.wantErr == "" && err != nil {
				t.Errorf("Reload: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Reload error = %v, want one containing %q", err, tt.wantErr)
			}
			if tt.applyErr != nil && !errors.Is(err, tt.applyErr) {
				t.Errorf("Reload error %v does not wrap the apply error", err)
			}
			if want := map[bool]int{true: 1, false: 0}[tt.wantApply]; applied != want {
				t.Errorf("apply called %d times, want %d", applied, want)
			}
			rec.waitLog(t, strings.ReplaceAll(tt.wantLog, "DIR", dir), time.Second)
		})
	}
}

func TestWatcherAppliesEdit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hello.yaml")
	writeFile(t, path, helloFile("v1"))
	applied := make(chan *Set, 10)
	w := NewWatcher(dir, slog.New(newLogRecorder()), func(s *Set) error {
		applied <- s
		return nil
	})
	if err := w.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if got := answerOf(t, <-applied); got != "v1" {
		t.Fatalf("first answer %q, want v1", got)
	}
	startRun(t, w)

	writeFile(t, path, helloFile("v2"))
	if got := answerOf(t, waitApplied(t, applied, pickUpWithin)); got != "v2" {
		t.Errorf("answer after the edit %q, want v2", got)
	}

	// A new file is seen too.
	writeFile(t, filepath.Join(dir, "bye.yaml"), strings.ReplaceAll(strings.ReplaceAll(helloFile("v2"), "hello", "bye"), "привет", "пока"))
	if s := waitApplied(t, applied, pickUpWithin); s.Intent("bye") == nil {
		t.Errorf("new file not loaded: intents %v", s.IDs())
	}
}

// TestWatcherRunLoadsFirst checks that Run without an earlier Reload loads
// the directory on its first poll.
func TestWatcherRunLoadsFirst(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "hello.yaml"), helloFile("v1"))
	applied := make(chan *Set, 10)
	w := NewWatcher(dir, slog.New(newLogRecorder()), func(s *Set) error {
		applied <- s
		return nil
	})
	startRun(t, w)
	if got := answerOf(t, waitApplied(t, applied, pickUpWithin)); got != "v1" {
		t.Errorf("answer %q, want v1", got)
	}
}

func TestWatcherKeepsPreviousOnInvalidEdit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hello.yaml")
	writeFile(t, path, helloFile("v1"))
	rec := newLogRecorder()
	applied := make(chan *Set, 10)
	w := NewWatcher(dir, slog.New(rec), func(s *Set) error {
		applied <- s
		return nil
	})
	if err := w.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	<-applied
	startRun(t, w)

	writeFile(t, path, brokenHello)
	lines := rec.waitLog(t, "knowledge base not reloaded", pickUpWithin)
	wantProblem := "problem=" + path + ":5: escalate must be true or false"
	found := false
	for _, line := range lines {
		found = found || strings.Contains(line, wantProblem)
	}
	if !found {
		t.Errorf("no log line with %q in:\n%s", wantProblem, strings.Join(lines, "\n"))
	}
	// Load fails before apply would be called, so by now it would have been.
	select {
	case s := <-applied:
		t.Fatalf("an invalid edit was applied: answer %q", answerOf(t, s))
	default:
	}

	// Fixing the file is picked up as usual.
	writeFile(t, path, helloFile("v4"))
	if got := answerOf(t, waitApplied(t, applied, pickUpWithin)); got != "v4" {
		t.Errorf("answer after the fix %q, want v4", got)
	}
}

// TestWatcherReloadDuringRun calls Reload from several goroutines while Run
// polls and the file changes; with -race it shows that apply is never
// called twice at once and that the watcher's state is guarded.
func TestWatcherReloadDuringRun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hello.yaml")
	writeFile(t, path, helloFile("v0"))
	var (
		inApply atomic.Bool
		current *Set // written only by apply, with no lock of its own
		applies int
	)
	w := NewWatcher(dir, slog.New(newLogRecorder()), func(s *Set) error {
		if !inApply.CompareAndSwap(false, true) {
			t.Error("apply called while another apply was running")
		}
		current = s
		applies++
		inApply.Store(false)
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		w.Run(ctx)
	}()

	const reloaders, reloads = 4, 10
	var wg sync.WaitGroup
	for range reloaders {
		wg.Go(func() {
			for range reloads {
				if err := w.Reload(); err != nil {
					t.Errorf("Reload: %v", err)
				}
			}
		})
	}
	for i := range 10 {
		writeFile(t, path, helloFile(fmt.Sprintf("v%d", i)))
	}
	wg.Wait()
	cancel()
	<-runDone

	if applies < reloaders*reloads {
		t.Errorf("apply called %d times, want at least %d", applies, reloaders*reloads)
	}
	if current == nil || current.Intent("hello") == nil {
		t.Errorf("last applied set has no hello intent")
	}
}

// TestFingerprint checks that the fingerprint changes with any edit, even
// one that keeps the size and the modification time, and only then.
func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hello.yaml")
	writeFile(t, path, helloFile("v1"))
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	first := fingerprint(dir)
	if again := fingerprint(dir); again != first {
		t.Fatal("fingerprint changed without an edit")
	}

	writeFile(t, path, helloFile("v2")) // same size
	if err := os.Chtimes(path, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if fingerprint(dir) == first {
		t.Error("fingerprint missed a same-size edit with the same mtime")
	}

	writeFile(t, path, helloFile("v1"))
	if err := os.Chtimes(path, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if fingerprint(dir) != first {
		t.Error("fingerprint differs for the same content and times")
	}

	writeFile(t, filepath.Join(dir, ".hello.yaml.swp"), "editor state")
	if fingerprint(dir) != first {
		t.Error("fingerprint changed for a hidden file")
	}
}

func BenchmarkFingerprint(b *testing.B) {
	for b.Loop() {
		fingerprint("testdata/valid")
	}
}
