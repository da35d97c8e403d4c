package intents

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// LearnedFile is the file, in the intents directory, that new intents go
// to when no other file is chosen. It is created on first use.
const LearnedFile = "learned.yaml"

// learnedHeader opens a file created for new intents.
const learnedHeader = "# Intents started from customers' messages (\"firstline learn\" or the panel).\n" +
	"# Edit this file like any other: later additions only insert lines.\n"

// Kinds of edit.
const (
	EditAddExample = "add_example" // a message added as an example of an existing intent
	EditNewIntent  = "new_intent"  // an intent started from a group of messages
)

// Errors of an edit that is refused before anything is written. Problems
// that only show when the edited directory is loaded come as an Errors
// with their FILE:LINE instead.
var (
	// ErrInvalidEdit: a bad id, language or text, or an unknown intent.
	ErrInvalidEdit = errors.New("invalid edit")
	// ErrDuplicate: the example or intent id is already in the knowledge base.
	ErrDuplicate = errors.New("already in the knowledge base")
	// ErrStale: the file changed after the edit was prepared; prepare it again.
	ErrStale = errors.New("the intents file changed since the edit was prepared")
)

// NewExample is a customer's message to add as an example of an intent.
type NewExample struct {
	Intent string // an existing intent id
	Lang   string // LangRU or LangEN
	Text   string
}

// NewIntent is an intent to start from a group of messages.
type NewIntent struct {
	ID       string
	Title    Text                // optional, per language
	Examples map[string][]string // language → examples; at least one
	Answer   Text                // required for every language with examples
}

// Edit is a change to one intents file, prepared and checked but not yet
// written: the file's text before and after, and the knowledge base
// before and with it. Writer.Apply writes it.
type Edit struct {
	Kind   string // EditAddExample or EditNewIntent
	Dir    string // the intents directory
	File   string // the file changed, as Load names it (Dir joined with its path in Dir)
	Intent string // the intent added to, or created
	Added  map[string][]string
	Title  Text   // a new intent's title
	Answer Text   // a new intent's answer
	Before []byte // the file's text; nil when the edit creates it
	After  []byte
	Old    *Set // the knowledge base before the edit
	New    *Set // the knowledge base with the edit, loaded and checked
	// Version is the directory's fingerprint when Old was read from it:
	// Writer.Apply refuses the edit once any file has changed, so that
	// what was checked is what gets written.
	Version [sha256.Size]byte
	// Reason is why the edit is saved although the checks warned against
	// it, in the words of whoever saves it, and Warning what they warned
	// of; both "" when nothing warned. Writer.Apply records them.
	Reason  string
	Warning string
}

// PrepareExample prepares adding ex.Text as the last example in ex.Lang of
// the intent ex.Intent, in the file that defines it. It refuses an example
// already in the knowledge base (compared as NormalizeExample does), and
// an edit after which the directory does not load; then the error is an
// Errors with the problems at their lines in the edited text. Nothing is
// written.
func PrepareExample(dir string, ex NewExample) (*Edit, error) {
	return PrepareExamples(dir, ex.Intent, ex.Lang, []string{ex.Text})
}

// PrepareExamples is PrepareExample for several wordings of one intent in
// one language, added in order as its last examples. Two texts that are
// the same example are refused like one already in the knowledge base.
func PrepareExamples(dir, intent, lang string, texts []string) (*Edit, error) {
	version := fingerprint(dir) // before reading: a change in between makes the edit stale, not wrong
	old, err := loadCurrent(dir)
	if err != nil {
		return nil, err
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("%w: no example to add", ErrInvalidEdit)
	}
	var added []string
	seen := map[string]string{}
	for _, t := range texts {
		text, err := checkExample(old, lang, t)
		if err != nil {
			return nil, err
		}
		key := NormalizeExample(text)
		if first, ok := seen[key]; ok {
			return nil, fmt.Errorf("%w: %q and %q are the same example", ErrDuplicate, first, text)
		}
		seen[key] = text
		added = append(added, text)
	}
	in := old.Intent(intent)
	if in == nil {
		return nil, fmt.Errorf("%w: unknown intent %q", ErrInvalidEdit, intent)
	}
	before, err := os.ReadFile(in.Pos.File)
	if err != nil {
		return nil, fmt.Errorf("read intents %s: %w", in.Pos.File, err)
	}
	after := before
	for _, text := range added {
		if after, err = InsertExample(after, in.ID, lang, text); err != nil {
			return nil, fmt.Errorf("add an example to %s: %w", in.Pos.File, err)
		}
	}
	e := &Edit{
		Kind:    EditAddExample,
		Dir:     dir,
		File:    in.Pos.File,
		Intent:  in.ID,
		Added:   map[string][]string{lang: added},
		Before:  before,
		After:   after,
		Old:     old,
		Version: version,
	}
	if err := e.load(); err != nil {
		return nil, err
	}
	return e, nil
}

// PrepareIntent prepares adding the intent in at the end of file, a path
// inside dir ("" means LearnedFile), which is created if it does not
// exist. It refuses an id that is malformed or taken, examples already in
// the knowledge base, and a language with examples but no answer; and an
// edit after which the directory does not load, with an Errors. Nothing is
// written.
func PrepareIntent(dir, file string, in NewIntent) (*Edit, error) {
	version := fingerprint(dir) // before reading: a change in between makes the edit stale, not wrong
	old, err := loadCurrent(dir)
	if err != nil {
		return nil, err
	}
	in, err = checkNewIntent(old, in)
	if err != nil {
		return nil, err
	}
	path, err := editPath(dir, file)
	if err != nil {
		return nil, err
	}
	before, err := os.ReadFile(path)
	src := before
	switch {
	case errors.Is(err, fs.ErrNotExist):
		before, src = nil, []byte(learnedHeader)
		if info, err := os.Stat(filepath.Dir(path)); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("%w: no folder %s for %s", ErrInvalidEdit, filepath.Dir(path), path)
		}
	case err != nil:
		return nil, fmt.Errorf("read intents %s: %w", path, err)
	}
	after, err := InsertIntent(src, in)
	if err != nil {
		return nil, fmt.Errorf("add intent %s to %s: %w", in.ID, path, err)
	}
	e := &Edit{
		Kind:    EditNewIntent,
		Dir:     dir,
		File:    path,
		Intent:  in.ID,
		Added:   in.Examples,
		Title:   in.Title,
		Answer:  in.Answer,
		Before:  before,
		After:   after,
		Old:     old,
		Version: version,
	}
	if err := e.load(); err != nil {
		return nil, err
	}
	return e, nil
}

// loadCurrent loads the directory as it is. An edit starts from a valid
// knowledge base: otherwise its own problems could not be told from those
// already there.
func loadCurrent(dir string) (*Set, error) {
	set, err := Load(dir)
	if errors.As(err, new(Errors)) {
		return nil, fmt.Errorf("the knowledge base in %s has problems; fix them first:\n%w", dir, err)
	}
	return set, err
}

// load loads the directory with the edited file and checks that it reads
// back as the old knowledge base plus exactly the change.
func (e *Edit) load() error {
	set, err := LoadWith(e.Dir, map[string][]byte{e.File: e.After})
	if err != nil {
		return fmt.Errorf("the edited %s does not load:\n%w", e.File, err)
	}
	if err := e.readsBack(set); err != nil {
		return fmt.Errorf("the edited %s does not read back as the change (nothing was written): %w", e.File, err)
	}
	e.New = set
	return nil
}

// readsBack compares the loaded set with the old one and the change: the
// last safety net under the text splicing, which must never alter
// anything it was not asked to.
func (e *Edit) readsBack(set *Set) error {
	want := len(e.Old.Intents)
	if e.Kind == EditNewIntent {
		want++
	}
	if len(set.Intents) != want {
		return fmt.Errorf("%d intents, want %d", len(set.Intents), want)
	}
	for _, was := range e.Old.Intents {
		is := set.Intent(was.ID)
		if is == nil {
			return fmt.Errorf("intent %q is gone", was.ID)
		}
		expect := *was
		if was.ID == e.Intent {
			expect.Examples = maps.Clone(was.Examples)
			for lang, added := range e.Added {
				expect.Examples[lang] = append(slices.Clone(was.Examples[lang]), added...)
			}
		}
		if !sameIntent(&expect, is) {
			return fmt.Errorf("intent %q changed beyond the edit", was.ID)
		}
	}
	if e.Kind == EditNewIntent {
		is := set.Intent(e.Intent)
		if is == nil {
			return fmt.Errorf("the new intent %q is missing", e.Intent)
		}
		expect := &Intent{ID: e.Intent, Title: e.Title, Examples: e.Added, Answer: e.Answer}
		if len(expect.Title) == 0 {
			expect.Title = nil
		}
		if !sameIntent(expect, is) {
			return fmt.Errorf("the new intent %q reads back as %+v", e.Intent, *is)
		}
	}
	if !reflect.DeepEqual(testSummary(e.Old.Tests), testSummary(set.Tests)) {
		return errors.New("the tests changed")
	}
	if !reflect.DeepEqual(messageSummary(e.Old.Messages), messageSummary(set.Messages)) {
		return errors.New("the shared messages changed")
	}
	if !reflect.DeepEqual(cannedSummary(e.Old.Canned), cannedSummary(set.Canned)) {
		return errors.New("the canned replies changed")
	}
	return nil
}

// sameIntent compares what two intents say, not where they are written.
func sameIntent(a, b *Intent) bool {
	x, y := *a, *b
	x.Pos, y.Pos = Pos{}, Pos{}
	x.Templates, y.Templates = nil, nil
	for _, in := range []*Intent{&x, &y} {
		if len(in.Title) == 0 {
			in.Title = nil
		}
		if len(in.Answer) == 0 {
			in.Answer = nil
		}
		if len(in.Buttons) == 0 {
			in.Buttons = nil
		}
	}
	return reflect.DeepEqual(x, y)
}

func testSummary(tests []TestCase) []string {
	out := make([]string, len(tests))
	for i, t := range tests {
		out[i] = t.Message + "\x00" + t.Lang + "\x00" + t.Expect
	}
	return out
}

func messageSummary(m Messages) map[string]string {
	out := map[string]string{}
	for name, byLang := range m {
		for lang, t := range byLang {
			out[name+"."+lang] = t.src
		}
	}
	return out
}

func cannedSummary(cs []*Canned) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprint(c.Shortcut, c.Title, c.Text)
	}
	return out
}

// checkExample checks a new example's language and text, and that the
// knowledge base does not have it yet. It returns the text trimmed of
// surrounding space.
func checkExample(set *Set, lang, text string) (string, error) {
	if !slices.Contains(Languages, lang) {
		return "", fmt.Errorf("%w: unknown language %q (want %s)", ErrInvalidEdit, lang, joinOr(Languages))
	}
	text = strings.TrimSpace(text)
	switch {
	case !utf8.ValidString(text):
		return "", fmt.Errorf("%w: the example is not valid UTF-8 text", ErrInvalidEdit)
	case text == "":
		return "", fmt.Errorf("%w: the example is empty", ErrInvalidEdit)
	case NormalizeExample(text) == "":
		return "", fmt.Errorf("%w: the example %q has no words, only punctuation", ErrInvalidEdit, text)
	}
	key := NormalizeExample(text)
	for _, in := range set.Intents {
		for _, l := range Languages {
			for _, ex := range in.Examples[l] {
				if NormalizeExample(ex) == key {
					return "", fmt.Errorf("%w: %q is the same as example %q of intent %q (%s)",
						ErrDuplicate, text, ex, in.ID, in.Pos)
				}
			}
		}
	}
	return text, nil
}

// checkNewIntent checks an intent to create and returns it with its texts
// trimmed and empty titles dropped.
func checkNewIntent(set *Set, in NewIntent) (NewIntent, error) {
	switch {
	case in.ID == "":
		return in, fmt.Errorf("%w: the intent has no id", ErrInvalidEdit)
	case !isName(in.ID):
		return in, fmt.Errorf("%w: malformed intent id %q: use lower-case letters, digits and \"_\"", ErrInvalidEdit, in.ID)
	case in.ID == ExpectEscalate:
		return in, fmt.Errorf("%w: intent id %q is reserved: tests use it to expect an escalation", ErrInvalidEdit, in.ID)
	case in.ID == NoIntent:
		return in, fmt.Errorf("%w: intent id %q is reserved: a language model answers it when no intent fits", ErrInvalidEdit, in.ID)
	}
	if was := set.Intent(in.ID); was != nil {
		return in, fmt.Errorf("%w: intent %q already exists (%s)", ErrDuplicate, in.ID, was.Pos)
	}
	for _, what := range []struct {
		name  string
		langs []string
	}{
		{"title", slices.Sorted(maps.Keys(in.Title))},
		{"examples", slices.Sorted(maps.Keys(in.Examples))},
		{"answer", slices.Sorted(maps.Keys(in.Answer))},
	} {
		for _, lang := range what.langs {
			if !slices.Contains(Languages, lang) {
				return in, fmt.Errorf("%w: %s in unknown language %q (want %s)", ErrInvalidEdit, what.name, lang, joinOr(Languages))
			}
		}
	}
	out := NewIntent{ID: in.ID, Title: Text{}, Examples: map[string][]string{}, Answer: Text{}}
	seen := map[string]string{}
	for _, lang := range Languages {
		for what, s := range map[string]string{"title": in.Title[lang], "answer": in.Answer[lang]} {
			if !utf8.ValidString(s) {
				return in, fmt.Errorf("%w: %s.%s is not valid UTF-8 text", ErrInvalidEdit, what, lang)
			}
		}
		if s := strings.TrimSpace(in.Title[lang]); s != "" {
			out.Title[lang] = s
		}
		if s := strings.TrimSpace(in.Answer[lang]); s != "" {
			out.Answer[lang] = s
		}
		for _, ex := range in.Examples[lang] {
			text, err := checkExample(set, lang, ex)
			if err != nil {
				return in, err
			}
			key := NormalizeExample(text)
			if first, ok := seen[key]; ok {
				return in, fmt.Errorf("%w: %q and %q are the same example", ErrDuplicate, first, text)
			}
			seen[key] = text
			out.Examples[lang] = append(out.Examples[lang], text)
		}
		if len(out.Examples[lang]) > 0 && out.Answer[lang] == "" {
			return in, fmt.Errorf("%w: examples in %s need an answer in %s", ErrInvalidEdit, lang, lang)
		}
	}
	if len(seen) == 0 {
		return in, fmt.Errorf("%w: the intent has no examples", ErrInvalidEdit)
	}
	return out, nil
}

// editPath returns where a new intent goes: file inside dir, given
// relative to it (or with dir in front), or LearnedFile when file is "".
func editPath(dir, file string) (string, error) {
	if file == "" {
		return filepath.Join(dir, LearnedFile), nil
	}
	// No file system takes one, and the error of trying is no help.
	if strings.IndexByte(file, 0) >= 0 {
		return "", fmt.Errorf("%w: file %q: a file name cannot contain the NUL character (U+0000)", ErrInvalidEdit, file)
	}
	rel := filepath.Clean(file)
	if r, ok := strings.CutPrefix(rel, filepath.Clean(dir)+string(filepath.Separator)); ok {
		rel = r
	} else if filepath.IsAbs(rel) {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("intents directory %s: %w", dir, err)
		}
		if rel, err = filepath.Rel(abs, rel); err != nil {
			rel = file
		}
	}
	path := filepath.Join(dir, rel)
	if !filepath.IsLocal(rel) || !isIntentsFile(dir, path) {
		return "", fmt.Errorf("%w: file %q: give a .yaml file inside the intents directory %s, with no name starting with \".\"",
			ErrInvalidEdit, file, dir)
	}
	// A link could lead out of the directory, where the loader never
	// looks, and renaming over it would replace the link, not its target.
	if err := insideReally(dir, path); err != nil {
		return "", fmt.Errorf("%w: file %q: %v", ErrInvalidEdit, file, err)
	}
	return path, nil
}

// insideReally checks that path, a file inside dir by its name, is not a
// symbolic link and is in a folder of dir once links are resolved.
func insideReally(dir, path string) error {
	if info, err := os.Lstat(path); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("it is a symbolic link")
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	folder, err := filepath.EvalSymlinks(filepath.Dir(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no folder: PrepareIntent says so
	} else if err != nil {
		return err
	}
	if rel, err := filepath.Rel(root, folder); err != nil || !filepath.IsLocal(rel) && rel != "." {
		return fmt.Errorf("its folder leads out of the intents directory")
	}
	return nil
}

// Diff returns the change as lines removed (-) and added (+), after the
// file and line where they start. An example added to a flow list shows as
// its line replaced; anything else as lines added.
func (e *Edit) Diff() string {
	old, cur := splitLines(e.Before), splitLines(e.After)
	p := 0
	for p < len(old) && p < len(cur) && old[p] == cur[p] {
		p++
	}
	s := 0
	for s < len(old)-p && s < len(cur)-p && old[len(old)-1-s] == cur[len(cur)-1-s] {
		s++
	}
	var b strings.Builder
	if e.Before == nil {
		fmt.Fprintf(&b, "%s (new file)\n", e.File)
	} else {
		fmt.Fprintf(&b, "%s:%d\n", e.File, p+1)
	}
	for _, l := range old[p : len(old)-s] {
		b.WriteString("-" + l + "\n")
	}
	for _, l := range cur[p : len(cur)-s] {
		b.WriteString("+" + l + "\n")
	}
	return b.String()
}

// splitLines splits text into lines without their line breaks.
func splitLines(src []byte) []string {
	if len(src) == 0 {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}
