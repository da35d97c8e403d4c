package intents

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// lockFile is locked while an edit is applied, so that two processes
// (the server and `firstline learn`, or two replicas sharing the folder)
// never apply edits at the same time.
const lockFile = ".history.lock"

// HistoryFile is the audit log of edits made through a Writer, one JSON
// object a line, in the intents directory. Its name starts with "." so
// that Load and the Watcher leave it alone.
const HistoryFile = ".history.jsonl"

// MaxReasonLength is the longest reason for saving over a warning, in
// characters: a sentence or two for the log, not a document.
const MaxReasonLength = 1000

// Change is one line of the audit log: an edit as it was applied.
type Change struct {
	Time   time.Time           `json:"time"`
	By     string              `json:"by"`
	Kind   string              `json:"kind"` // EditAddExample or EditNewIntent
	File   string              `json:"file"` // relative to the intents directory, with "/"
	Intent string              `json:"intent"`
	Added  map[string][]string `json:"added"` // language → examples
	Title  Text                `json:"title,omitempty"`
	Answer Text                `json:"answer,omitempty"`
	// Reason is why the edit was saved over the checks' warning, and
	// Warning what they warned of; "" when nothing warned.
	Reason  string `json:"reason,omitempty"`
	Warning string `json:"warning,omitempty"`
	// The file's SHA-256 before ("" when the edit created it) and after,
	// so that a log line can be matched with a version of the file.
	SHA256Before string `json:"sha256_before"`
	SHA256After  string `json:"sha256_after"`
}

// Writer applies prepared edits to one intents directory, one at a time,
// and records each in the directory's audit log. The running server picks
// the new file up through its Watcher like any other edit.
type Writer struct {
	dir string
	mu  sync.Mutex // one edit at a time, so that the stale check holds
}

// NewWriter returns a Writer for the intents directory dir.
func NewWriter(dir string) *Writer {
	return &Writer{dir: dir}
}

// Apply writes an edit made with PrepareExample or PrepareIntent on w's
// directory, then appends it, made by by, to HistoryFile. It refuses,
// with ErrStale, an edit prepared before any intents file of the directory
// last changed: the edit was checked against the knowledge base it was
// prepared on, and another edit applied since could make the two together
// fail what each passed alone. Edits are applied one at a time, across
// processes too (a lock on .history.lock). The file is replaced
// atomically: written to a hidden temporary file in the same folder,
// synced, renamed over it, and the folder synced,
// so a reader sees the old file or the new one, never a part. If the audit
// line cannot be written, the file is put back as it was and the error
// returned.
func (w *Writer) Apply(e *Edit, by string) (Change, error) {
	if filepath.Clean(e.Dir) != filepath.Clean(w.dir) {
		return Change{}, fmt.Errorf("apply edit: it was prepared for %s, not %s", e.Dir, w.dir)
	}
	if by == "" {
		return Change{}, fmt.Errorf("%w: say who makes the edit", ErrInvalidEdit)
	}
	reason := strings.TrimSpace(e.Reason)
	switch {
	case e.Warning != "" && reason == "":
		return Change{}, fmt.Errorf("%w: say why the edit is saved over the warning: %s", ErrInvalidEdit, e.Warning)
	case !utf8.ValidString(reason) || strings.ContainsRune(reason, 0):
		return Change{}, fmt.Errorf("%w: the reason is not valid text", ErrInvalidEdit)
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		return Change{}, fmt.Errorf("%w: the reason is longer than %d characters", ErrInvalidEdit, MaxReasonLength)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	unlock, err := lockDir(w.dir)
	if err != nil {
		return Change{}, fmt.Errorf("apply edit to %s: %w", e.File, err)
	}
	defer unlock()

	// The files are as they were when the edit was prepared, loaded with
	// it and checked: nothing needs loading again.
	if fingerprint(w.dir) != e.Version {
		return Change{}, fmt.Errorf("apply edit to %s: %w", e.File, ErrStale)
	}

	rel, err := filepath.Rel(w.dir, e.File)
	if err != nil {
		return Change{}, fmt.Errorf("apply edit to %s: %w", e.File, err)
	}
	c := Change{
		Time:        time.Now().UTC(),
		By:          by,
		Kind:        e.Kind,
		File:        filepath.ToSlash(rel),
		Intent:      e.Intent,
		Added:       e.Added,
		Title:       e.Title,
		Answer:      e.Answer,
		Reason:      reason,
		Warning:     e.Warning,
		SHA256After: sum(e.After),
	}
	if e.Before != nil {
		c.SHA256Before = sum(e.Before)
	}
	line, err := json.Marshal(c)
	if err != nil {
		return Change{}, fmt.Errorf("apply edit to %s: %w", e.File, err)
	}

	if err := writeAtomic(e.File, e.After); err != nil {
		return Change{}, fmt.Errorf("apply edit to %s: %w", e.File, err)
	}
	if err := appendLine(filepath.Join(w.dir, HistoryFile), line); err != nil {
		undo := writeAtomic(e.File, e.Before)
		if e.Before == nil {
			undo = os.Remove(e.File)
		}
		if undo != nil {
			return Change{}, fmt.Errorf("apply edit to %s: audit log: %w; and the file could not be put back: %v", e.File, err, undo)
		}
		return Change{}, fmt.Errorf("apply edit to %s: audit log (the file was put back): %w", e.File, err)
	}
	return c, nil
}

// ReadHistory returns the audit log of dir, oldest first; none when there
// is no log yet.
func ReadHistory(dir string) ([]Change, error) {
	path := filepath.Join(dir, HistoryFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history %s: %w", path, err)
	}
	defer f.Close()
	var out []Change
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var c Change
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("read history %s:%d: %w", path, n, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read history %s: %w", path, err)
	}
	return out, nil
}

// writeAtomic replaces path with data, keeping the old file's permissions
// (0644 for a new one).
func writeAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	dir := filepath.Dir(path)
	// Hidden, so that a reload in the middle never reads it as intents.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// appendLine appends line and a line break to the file at path, creating
// it if need be, and syncs it (and the folder, when it was created). A
// line written in part is cut off again, so that the log stays readable.
func appendLine(path string, line []byte) error {
	info, err := os.Stat(path)
	created := errors.Is(err, fs.ErrNotExist)
	var size int64
	if err == nil {
		size = info.Size()
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Truncate(size)
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if created {
		return syncDir(filepath.Dir(path))
	}
	return nil
}

// lockDir takes the directory's edit lock, waiting for another process
// that holds it, and returns its release.
func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// sum returns the hex SHA-256 of data.
func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}
