package intents

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden files of the edit tests")

// editDir copies testdata/edit/kb, a small valid knowledge base written in
// every style an edit must keep, to a directory of the test's own.
func editDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "intents")
	if err := os.CopyFS(dir, os.DirFS("testdata/edit/kb")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshot returns every file under dir with a hash of its content, to
// show that a refused edit changed nothing.
func snapshot(t *testing.T, dir string) map[string][sha256.Size]byte {
	t.Helper()
	out := map[string][sha256.Size]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == lockFile {
			return err // the lock file is empty and says nothing
		}
		data, err := os.ReadFile(path)
		out[path] = sha256.Sum256(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// golden compares got with testdata/edit/golden/name, or rewrites that
// file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "edit", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("edited text differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// onlyInserted checks that after is before with bytes inserted and none
// changed or removed: after minus its inserted runs is before.
func onlyInserted(t *testing.T, before, after []byte) {
	t.Helper()
	i := 0
	for _, c := range after {
		if i < len(before) && before[i] == c {
			i++
		}
	}
	if i != len(before) {
		t.Errorf("the edit changed or removed bytes of the file, not only inserted (kept %d of %d)", i, len(before))
	}
}

func TestPrepareExample(t *testing.T) {
	tests := []struct {
		name   string
		ex     NewExample
		file   string // that the edit changes
		golden string
	}{
		{"block list, after an inline comment and before a comment line",
			NewExample{"reset_password", LangRU, "не могу вспомнить пароль"}, "block.yaml", "block_ru.yaml"},
		{"block list with the dash at the key's column and extra space",
			NewExample{"reset_password", LangEN, `password "reset" link\path`}, "block.yaml", "block_en.yaml"},
		{"block list ending with a folded scalar",
			NewExample{"change_email", LangRU, "новый e-mail"}, "block.yaml", "block_folded.yaml"},
		{"an intent with no examples in the language yet",
			NewExample{"change_email", LangEN, "change my e-mail"}, "block.yaml", "block_new_lang.yaml"},
		{"flow list with a comment after it",
			NewExample{"balance", LangRU, "баланс\tсчёта"}, "flow.yaml", "flow_ru.yaml"},
		{"flow list inside a flow mapping",
			NewExample{"tariffs", LangEN, "cheapest plan"}, "flow.yaml", "flow_in_flow.yaml"},
		{"multi-line flow list",
			NewExample{"outage", LangRU, "интернет отключился"}, "flow.yaml", "flow_multiline.yaml"},
		{"multi-line flow list with a trailing comma",
			NewExample{"outage", LangEN, "connection lost"}, "flow.yaml", "flow_multiline_comma.yaml"},
		{"a language added to a flow mapping",
			NewExample{"hours", LangEN, "opening hours"}, "flow.yaml", "flow_new_lang.yaml"},
		{"CRLF line endings",
			NewExample{"greeting", LangRU, "здравствуйте"}, "crlf.yaml", "crlf.yaml"},
		{"no line break at the end of the file",
			NewExample{"thanks", LangEN, "thanks a lot"}, "noeol.yaml", "noeol.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := editDir(t)
			was := snapshot(t, dir)
			e, err := PrepareExample(dir, tc.ex)
			if err != nil {
				t.Fatalf("PrepareExample: %v", err)
			}
			if want := filepath.Join(dir, tc.file); e.File != want {
				t.Errorf("File = %s, want %s", e.File, want)
			}
			before, _ := os.ReadFile(filepath.Join(dir, tc.file))
			if !bytes.Equal(e.Before, before) {
				t.Errorf("Before is not the file's text")
			}
			golden(t, tc.golden, e.After)
			onlyInserted(t, e.Before, e.After)
			if got := e.New.Intent(tc.ex.Intent).Examples[tc.ex.Lang]; len(got) == 0 || got[len(got)-1] != tc.ex.Text {
				t.Errorf("examples.%s after the edit = %q, want %q last", tc.ex.Lang, got, tc.ex.Text)
			}
			if e.Old.Intent(tc.ex.Intent) == nil || e.Kind != EditAddExample || e.Intent != tc.ex.Intent ||
				!reflect.DeepEqual(e.Added, map[string][]string{tc.ex.Lang: {tc.ex.Text}}) {
				t.Errorf("edit = %+v", e)
			}
			if !reflect.DeepEqual(snapshot(t, dir), was) {
				t.Errorf("PrepareExample wrote to the directory")
			}
		})
	}
}

func TestPrepareIntent(t *testing.T) {
	wifi := NewIntent{
		ID:    "wifi_range",
		Title: Text{LangRU: "Дальность Wi-Fi", LangEN: "Wi-Fi range"},
		Examples: map[string][]string{
			LangRU: {"вайфай не добивает до кухни", "слабый сигнал в дальней комнате"},
			LangEN: {"wifi doesn't reach the kitchen"},
		},
		Answer: Text{LangRU: "Поставьте репитер:\n{{.first_name}}, он усилит сигнал.", LangEN: "Add a repeater."},
	}
	short := NewIntent{
		ID:       "router_reboot",
		Examples: map[string][]string{LangRU: {"  как перезагрузить роутер  "}},
		Answer:   Text{LangRU: "Выключите роутер на 10 секунд."},
	}
	tests := []struct {
		name   string
		file   string // as given
		in     NewIntent
		path   string // the file changed, under the directory
		golden string
	}{
		{"a new learned.yaml", "", wifi, LearnedFile, "learned_new.yaml"},
		{"the end of an intents list, before the tests", "block.yaml", wifi, "block.yaml", "block_new_intent.yaml"},
		{"a list of intents not set apart by blank lines", "flow.yaml", short, "flow.yaml", "flow_new_intent.yaml"},
		{"a file without an intents section", "messages.yaml", short, "messages.yaml", "messages_new_intent.yaml"},
		{"a CRLF file", "crlf.yaml", short, "crlf.yaml", "crlf_new_intent.yaml"},
		{"a new file in a folder", "more/routers.yml", short, "more/routers.yml", "more_routers.yml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := editDir(t)
			if err := os.Mkdir(filepath.Join(dir, "more"), 0o755); err != nil {
				t.Fatal(err)
			}
			was := snapshot(t, dir)
			e, err := PrepareIntent(dir, tc.file, tc.in)
			if err != nil {
				t.Fatalf("PrepareIntent: %v", err)
			}
			if want := filepath.Join(dir, tc.path); e.File != want {
				t.Errorf("File = %s, want %s", e.File, want)
			}
			golden(t, tc.golden, e.After)
			onlyInserted(t, e.Before, e.After)
			in := e.New.Intent(tc.in.ID)
			if in == nil || in.Pos.File != e.File {
				t.Fatalf("the new intent is %+v, want it in %s", in, e.File)
			}
			for lang, list := range tc.in.Examples {
				for i, ex := range list {
					if got := in.Examples[lang][i]; got != strings.TrimSpace(ex) {
						t.Errorf("examples.%s[%d] = %q, want %q", lang, i, got, strings.TrimSpace(ex))
					}
				}
			}
			if !reflect.DeepEqual(in.Answer, tc.in.Answer) {
				t.Errorf("answer = %q, want %q", in.Answer, tc.in.Answer)
			}
			if len(e.New.Intents) != len(e.Old.Intents)+1 {
				t.Errorf("%d intents after, %d before", len(e.New.Intents), len(e.Old.Intents))
			}
			if !reflect.DeepEqual(snapshot(t, dir), was) {
				t.Errorf("PrepareIntent wrote to the directory")
			}
		})
	}
}

// TestEditRefused checks that a bad edit is refused with a clear error,
// before or after the edited directory is loaded, and changes nothing.
func TestEditRefused(t *testing.T) {
	ok := NewIntent{ID: "wifi_range", Examples: map[string][]string{LangRU: {"вайфай не добивает"}}, Answer: Text{LangRU: "Репитер."}}
	with := func(f func(*NewIntent)) NewIntent {
		in := ok
		in.Examples = map[string][]string{LangRU: {"вайфай не добивает"}}
		in.Answer = Text{LangRU: "Репитер."}
		f(&in)
		return in
	}
	tests := []struct {
		name string
		ex   *NewExample
		in   *NewIntent
		file string
		is   error  // the error it wraps, or nil for an Errors
		at   string // for an Errors: the file:line of its one problem, under the directory
		want string // part of the message
	}{
		{name: "the same example, in other case and spacing", ex: &NewExample{"reset_password", LangRU, "  ЗАБЫЛ   пароль! "},
			is: ErrDuplicate, want: `"ЗАБЫЛ   пароль!" is the same as example "забыл пароль" of intent "reset_password"`},
		{name: "another intent's example", ex: &NewExample{"change_email", LangRU, "Не помню пароль"},
			is: ErrDuplicate, want: `of intent "reset_password"`},
		{name: "unknown intent", ex: &NewExample{"nope", LangRU, "что-то новое"}, is: ErrInvalidEdit, want: `unknown intent "nope"`},
		{name: "unknown language", ex: &NewExample{"reset_password", "de", "Passwort vergessen"}, is: ErrInvalidEdit, want: `unknown language "de"`},
		{name: "empty text", ex: &NewExample{"reset_password", LangRU, " \n "}, is: ErrInvalidEdit, want: "the example is empty"},
		{name: "punctuation only", ex: &NewExample{"reset_password", LangRU, "?!"}, is: ErrInvalidEdit, want: "no words"},
		{name: "a language without an answer", ex: &NewExample{"greeting", LangEN, "hello"},
			at: "crlf.yaml:2", want: `intent "greeting" has examples in en but no answer.en`},

		{name: "malformed id", in: ptr(with(func(in *NewIntent) { in.ID = "Wi-Fi" })), is: ErrInvalidEdit, want: `malformed intent id "Wi-Fi"`},
		{name: "reserved id", in: ptr(with(func(in *NewIntent) { in.ID = "escalate" })), is: ErrInvalidEdit, want: "reserved"},
		{name: "the classifier's none", in: ptr(with(func(in *NewIntent) { in.ID = NoIntent })), is: ErrInvalidEdit, want: "reserved"},
		{name: "no id", in: ptr(with(func(in *NewIntent) { in.ID = "" })), is: ErrInvalidEdit, want: "no id"},
		{name: "id taken", in: ptr(with(func(in *NewIntent) { in.ID = "balance" })), is: ErrDuplicate, want: `intent "balance" already exists`},
		{name: "no examples", in: ptr(with(func(in *NewIntent) { in.Examples = nil })), is: ErrInvalidEdit, want: "no examples"},
		{name: "no answer", in: ptr(with(func(in *NewIntent) { in.Answer = Text{LangEN: "Repeater."} })),
			is: ErrInvalidEdit, want: "examples in ru need an answer in ru"},
		{name: "an example twice", in: ptr(with(func(in *NewIntent) { in.Examples[LangRU] = []string{"вайфай", "Вайфай!"} })),
			is: ErrDuplicate, want: "are the same example"},
		{name: "an existing example", in: ptr(with(func(in *NewIntent) { in.Examples[LangEN] = []string{"No connection"} })),
			is: ErrDuplicate, want: `of intent "outage"`},
		{name: "examples in an unknown language", in: ptr(with(func(in *NewIntent) { in.Examples["de"] = []string{"WLAN zu schwach"} })),
			is: ErrInvalidEdit, want: `examples in unknown language "de"`},
		{name: "title in an unknown language", in: ptr(with(func(in *NewIntent) { in.Title = Text{"de": "WLAN"} })),
			is: ErrInvalidEdit, want: `title in unknown language "de"`},
		{name: "file outside the directory", in: &ok, file: "../elsewhere.yaml", is: ErrInvalidEdit, want: "inside the intents directory"},
		{name: "hidden file", in: &ok, file: ".draft.yaml", is: ErrInvalidEdit, want: "inside the intents directory"},
		{name: "not a YAML file", in: &ok, file: "notes.txt", is: ErrInvalidEdit, want: "inside the intents directory"},
		{name: "no such folder", in: &ok, file: "missing/x.yaml", is: ErrInvalidEdit, want: "no folder"},
		{name: "a NUL in the file name", in: &ok, file: "a\x00.yaml", is: ErrInvalidEdit, want: "NUL character"},
		{name: "an answer that does not parse", in: ptr(with(func(in *NewIntent) { in.Answer[LangRU] = "Привет, {{.surname}}" })),
			at: "learned.yaml:9", want: `answer.ru: template: map has no entry for key "surname"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := editDir(t)
			was := snapshot(t, dir)
			var e *Edit
			var err error
			if tc.ex != nil {
				e, err = PrepareExample(dir, *tc.ex)
			} else {
				e, err = PrepareIntent(dir, tc.file, *tc.in)
			}
			if err == nil {
				t.Fatalf("the edit was accepted:\n%s", e.Diff())
			}
			if e != nil {
				t.Errorf("an Edit came with the error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %q", err, tc.is)
			}
			if tc.is == nil {
				var probs Errors
				if !errors.As(err, &probs) || len(probs) != 1 {
					t.Fatalf("error %v: want an Errors with one problem", err)
				}
				if got, want := probs[0].Pos.String(), filepath.Join(dir, tc.at); got != want {
					t.Errorf("problem at %s, want %s", got, want)
				}
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if !reflect.DeepEqual(snapshot(t, dir), was) {
				t.Errorf("the refused edit changed the directory")
			}
		})
	}
}

// TestEditBrokenDirectory checks that nothing is added to a knowledge
// base that does not load: its own problems come first.
func TestEditBrokenDirectory(t *testing.T) {
	dir := editDir(t)
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("intents:\n  - id: Bad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := PrepareExample(dir, NewExample{"reset_password", LangRU, "новый пароль"})
	if !errors.As(err, new(Errors)) || !strings.Contains(err.Error(), "fix them first") ||
		!strings.Contains(err.Error(), "broken.yaml:2") {
		t.Errorf("PrepareExample on a broken directory: %v", err)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"забыл пароль", `"забыл пароль"`},
		{`say "hi" \ bye`, `"say \"hi\" \\ bye"`},
		{"two\nlines\r\tand tab", `"two\nlines\r\tand tab"`},
		{"bell\a del\x7f", `"bell\x07 del\x7f"`},
		{"nbsp\u00a0ls\u2028ps\u2029nel\u0085bom\ufeff", `"nbsp\_ls\Lps\Pnel\Nbom\ufeff"`},
		{"# not a comment: [x], {y}, *z &w !t", `"# not a comment: [x], {y}, *z &w !t"`},
	}
	for _, tc := range tests {
		got := quote(tc.in)
		if got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
		var back struct{ V string }
		if err := yaml.Unmarshal([]byte("v: "+got), &back); err != nil || back.V != tc.in {
			t.Errorf("quote(%q) reads back as %q (%v)", tc.in, back.V, err)
		}
	}
}

func TestEditDiff(t *testing.T) {
	dir := editDir(t)
	e, err := PrepareExample(dir, NewExample{"balance", LangEN, "my balance"})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "flow.yaml") + ":5\n" +
		`-      en: ["check my balance"]` + "\n" +
		`+      en: ["check my balance", "my balance"]` + "\n"
	if got := e.Diff(); got != want {
		t.Errorf("Diff() =\n%s\nwant\n%s", got, want)
	}
	e, err = PrepareIntent(dir, "", NewIntent{ID: "x", Examples: map[string][]string{LangEN: {"xyz"}}, Answer: Text{LangEN: "X."}})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(e.Diff(), "\n"), "\n")
	if lines[0] != filepath.Join(dir, LearnedFile)+" (new file)" || len(lines) != 1+len(splitLines(e.After)) ||
		!slices.ContainsFunc(lines, func(l string) bool { return l == `+        - "xyz"` }) {
		t.Errorf("Diff() of a new file =\n%s", e.Diff())
	}
}

func ptr[T any](v T) *T { return &v }

// TestEditReadsBack checks the last safety net: an edited text that loads
// but says more than the change is refused.
func TestEditReadsBack(t *testing.T) {
	dir := editDir(t)
	e, err := PrepareExample(dir, NewExample{"reset_password", LangRU, "не могу вспомнить пароль"})
	if err != nil {
		t.Fatal(err)
	}
	for name, after := range map[string][]byte{
		"another example changed": bytes.Replace(e.After, []byte("сменить почту"), []byte("сменить адрес"), 1),
		"an answer changed":       bytes.Replace(e.After, []byte("затем «Профиль»"), []byte("затем «Почта»"), 1),
		"a test changed":          bytes.Replace(e.After, []byte("expect: reset_password"), []byte("expect: change_email"), 1),
		"the example left out":    e.Before,
	} {
		bad := *e
		bad.After, bad.New = after, nil
		if err := bad.load(); err == nil || !strings.Contains(err.Error(), "does not read back") {
			t.Errorf("%s: load() = %v, want it refused", name, err)
		}
	}
}

// FuzzQuote checks that any valid text, quoted, reads back as itself.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"забыл пароль", `a "b" \c`, "x\n\ty", "\u2028\u0085\ufeff", "'single'", "# [x]: {y}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		q := quote(s)
		if strings.ContainsAny(q, "\n\r") {
			t.Fatalf("quote(%q) = %s spans lines", s, q)
		}
		var back struct{ V string }
		if err := yaml.Unmarshal([]byte("v: "+q), &back); err != nil || back.V != s {
			t.Fatalf("quote(%q) = %s reads back as %q (%v)", s, q, back.V, err)
		}
	})
}

// TestInsertExampleText covers texts PrepareExample never gets, because
// they do not load, and those InsertExample must refuse.
func TestInsertExampleText(t *testing.T) {
	tests := []struct {
		name, src, want, err string
	}{
		{name: "an empty flow list", src: "intents:\n  - id: a\n    examples:\n      ru: []\n",
			want: "intents:\n  - id: a\n    examples:\n      ru: [\"x\"]\n"},
		{name: "an anchored flow list", src: "intents:\n  - id: a\n    examples:\n      ru: &list [\"b\"] # c\n",
			want: "intents:\n  - id: a\n    examples:\n      ru: &list [\"b\", \"x\"] # c\n"},
		{name: "nested brackets and quotes", src: "intents:\n  - id: a\n    examples: {ru: ['a]', \"b}\\\"\", c#d]}\n",
			want: "intents:\n  - id: a\n    examples: {ru: ['a]', \"b}\\\"\", c#d, \"x\"]}\n"},
		{name: "an alias", src: "x: &l [\"b\"]\nintents:\n  - id: a\n    examples:\n      ru: *l\n", err: "examples.ru is not a list"},
		{name: "no such intent", src: "intents:\n  - id: b\n    examples: {ru: [\"b\"]}\n", err: `no intent "a"`},
		{name: "no intents", src: "messages: {}\n", err: `no intent "a"`},
		{name: "examples not a mapping", src: "intents:\n  - id: a\n    examples: [\"b\"]\n", err: "examples is not a mapping"},
		{name: "not YAML", src: "intents: [\n", err: "not valid YAML"},
		{name: "two documents", src: "intents: []\n---\nx: 1\n", err: "not a single YAML document"},
		{name: "not UTF-8", src: "intents: \xff\n", err: "not valid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := InsertExample([]byte(tc.src), "a", LangRU, "x")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("InsertExample = %q, %v; want an error saying %q", got, err, tc.err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("InsertExample =\n%s(%v)\nwant\n%s", got, err, tc.want)
			}
		})
	}
}

// TestPrepareExamples adds several wordings to one intent at once, in a
// block list and in a flow list, and refuses two that are the same
// example or none at all.
func TestPrepareExamples(t *testing.T) {
	dir := editDir(t)
	was := snapshot(t, dir)
	for _, c := range []struct{ id, lang string }{{"reset_password", LangRU}, {"balance", LangRU}} {
		texts := []string{"никак не вспомню пароль", "  пароль потерялся ", "какой у меня был пароль"}
		e, err := PrepareExamples(dir, c.id, c.lang, texts)
		if err != nil {
			t.Fatalf("%s: %v", c.id, err)
		}
		want := []string{"никак не вспомню пароль", "пароль потерялся", "какой у меня был пароль"}
		if got := e.New.Intent(c.id).Examples[c.lang]; len(got) < 3 || !slices.Equal(got[len(got)-3:], want) {
			t.Errorf("%s: examples after the edit %q, want %q last", c.id, got, want)
		}
		if !reflect.DeepEqual(e.Added, map[string][]string{c.lang: want}) {
			t.Errorf("%s: Added = %v", c.id, e.Added)
		}
		onlyInserted(t, e.Before, e.After)
	}
	if _, err := PrepareExamples(dir, "balance", LangRU, []string{"никак не вспомню пароль", "Никак не вспомню пароль!"}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("two of the same: %v, want ErrDuplicate", err)
	}
	if _, err := PrepareExamples(dir, "balance", LangRU, nil); !errors.Is(err, ErrInvalidEdit) {
		t.Errorf("none: %v, want ErrInvalidEdit", err)
	}
	if !reflect.DeepEqual(snapshot(t, dir), was) {
		t.Errorf("PrepareExamples wrote to the directory")
	}
}
