package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// TestLearnCommands runs the learn subcommands one after another on a copy
// of the knowledge base tests' FAQ.
func TestLearnCommands(t *testing.T) {
	dir, faq := learnDir(t)
	learned := filepath.Join(dir, intents.LearnedFile)
	add := func(args ...string) []string {
		return append([]string{"learn", "add-example", "--intents", dir}, args...)
	}
	newIntent := func(args ...string) []string {
		return append([]string{"learn", "new-intent", "--intents", dir}, args...)
	}
	for _, c := range []struct {
		name    string
		args    []string
		user    string // $USER
		code    int
		out     []string // in stdout
		errOut  string   // in stderr
		changed bool     // faq.yaml changes
		history int      // changes in the log afterwards
	}{
		{name: "a harmless example", args: add("--intent", "reset_password", "--lang", "ru", "--text", "не могу вспомнить свой пароль", "--by", "olga"),
			out:     []string{"faq.yaml:19\n+        - \"не могу вспомнить свой пароль\"\n", "guard: OK", "saved " + faq, "made by olga"},
			changed: true, history: 1},
		{name: "a test message of another intent", args: add("--intent", "reset_password", "--lang", "ru", "--text", "у меня не работает интернет", "--by", "olga"),
			code: 1, out: []string{"guard: BLOCKED", `FAIL ` + faq + `:234: "у меня не работает интернет": want outage, got `},
			errOut: "blocked and was not saved (failing tests: 1", history: 1},
		{name: "a duplicate", args: add("--intent", "billing", "--lang", "ru", "--text", "НЕ МОГУ вспомнить свой пароль!", "--by", "olga"),
			code: 1, errOut: `is the same as example "не могу вспомнить свой пароль" of intent "reset_password"`, history: 1},
		{name: "a dry run", args: add("--intent", "reset_password", "--lang", "en", "--text", "password forgotten", "--dry-run"),
			out: []string{`+        - "password forgotten"`, "guard: OK", "dry run: not saved"}, history: 1},
		{name: "the editor from $USER", args: add("--intent", "reset_password", "--lang", "en", "--text", "password forgotten"), user: "anna",
			out: []string{"saved", "made by anna"}, changed: true, history: 2},
		{name: "a new intent", args: newIntent("--id", "wifi_range", "--title-ru", "Дальность Wi-Fi",
			"--example-ru", "вайфай не добивает до кухни", "--example-ru", "слабый сигнал вайфая в дальней комнате",
			"--answer-ru", "Поставьте репитер.", "--by", "olga"),
			out:     []string{learned + " (new file)", `+        - "слабый сигнал вайфая в дальней комнате"`, "new intent wifi_range", "saved " + learned},
			history: 3},
		{name: "a new intent that does not load", args: newIntent("--id", "router_reboot", "--example-ru", "перезагрузить роутер",
			"--answer-ru", "Привет, {{.surname}}", "--file", "more.yaml", "--by", "olga"),
			code: 1, errOut: filepath.Join(dir, "more.yaml") + `:9: answer.ru: template: map has no entry for key "surname"`, history: 3},
		{name: "a taken id", args: newIntent("--id", "billing", "--example-ru", "что-то новое", "--answer-ru", "Ответ.", "--by", "olga"),
			code: 1, errOut: `intent "billing" already exists`, history: 3},
		{name: "no intent", args: add("--lang", "ru", "--text", "x"), code: 2, errOut: "--intent is required", history: 3},
		{name: "no examples", args: newIntent("--id", "x", "--by", "olga"), code: 2, errOut: "at least one --example-ru", history: 3},
		{name: "no editor", args: add("--intent", "billing", "--lang", "ru", "--text", "счёт за май"), code: 2, errOut: "--by is required", history: 3},
		{name: "unknown subcommand", args: []string{"learn", "forget"}, code: 2, errOut: `unknown subcommand "forget"`, history: 3},
		{name: "history", args: []string{"learn", "history", "--intents", dir},
			out: []string{"olga  add_example  faq.yaml", `ru: "не могу вспомнить свой пароль"`, "anna", "new_intent   learned.yaml  wifi_range"}, history: 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, err := os.ReadFile(faq)
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runIn(t, t.TempDir(), "", map[string]string{"USER": c.user}, c.args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
			}
			for _, want := range c.out {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout does not contain %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, c.errOut) {
				t.Errorf("stderr does not contain %q:\n%s", c.errOut, stderr)
			}
			after, err := os.ReadFile(faq)
			if err != nil {
				t.Fatal(err)
			}
			if changed := !bytes.Equal(before, after); changed != c.changed {
				t.Errorf("faq.yaml changed: %v, want %v", changed, c.changed)
			}
			history, err := intents.ReadHistory(dir)
			if err != nil || len(history) != c.history {
				t.Errorf("%d changes in the log (%v), want %d", len(history), err, c.history)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "more.yaml")); !os.IsNotExist(err) {
		t.Errorf("a refused new file was created: %v", err)
	}
	if code, stdout, stderr := runIn(t, t.TempDir(), "", nil, "test", "--intents", dir); code != 0 {
		t.Errorf("the learned knowledge base fails its tests:\n%s%s", stdout, stderr)
	}
}

// learnDir copies the knowledge base tests' FAQ into an intents directory
// of the test's, and returns the directory and the file.
func learnDir(t *testing.T) (dir, faq string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "intents")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	faq = filepath.Join(dir, "faq.yaml")
	src, err := os.ReadFile("../../kb/testdata/faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(faq, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, faq
}

// TestLearnWordingsAndForce adds several wordings at once, from flags and
// a file, and saves an edit the guard warns against only with --force and
// a reason, which the audit log keeps; an edit that does not load is
// refused whatever the flags.
func TestLearnWordingsAndForce(t *testing.T) {
	dir, faq := learnDir(t)
	list := filepath.Join(t.TempDir(), "wordings.txt")
	if err := os.WriteFile(list, []byte("# more wordings\nпароль потерялся\n\n  какой у меня был пароль  \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	learn := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		return runIn(t, t.TempDir(), stdin, map[string]string{"USER": "olga"}, append([]string{"learn"}, append(args, "--intents", dir)...)...)
	}
	code, out, errOut := learn("", "add-example", "--intent", "reset_password", "--lang", "ru",
		"--text", "никак не вспомню пароль", "--examples", list)
	if code != 0 {
		t.Fatalf("add-example of three wordings: %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{`+        - "никак не вспомню пароль"`, `+        - "пароль потерялся"`, `+        - "какой у меня был пароль"`,
		"reset_password: 3 of its 3 new examples recognised by the others; on the 16 it had, 0.81 → 0.88", "guard: OK", "saved"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}

	// A new intent from standard input, each line in its language.
	code, out, errOut = learn("вайфай не добивает до кухни\nwifi does not reach the kitchen\nслабый сигнал вайфая в дальней комнате\n",
		"new-intent", "--id", "wifi_range", "--answer-ru", "Поставьте репитер.", "--answer-en", "Add a repeater.", "--examples", "-")
	if code != 0 {
		t.Fatalf("new-intent from standard input: %d\n%s%s", code, out, errOut)
	}
	history, err := intents.ReadHistory(dir)
	if err != nil || len(history) != 2 {
		t.Fatalf("history %+v (%v), want two lines", history, err)
	}
	if got := history[1].Added; len(got["ru"]) != 2 || len(got["en"]) != 1 || got["en"][0] != "wifi does not reach the kitchen" {
		t.Errorf("new intent's examples %v", got)
	}

	// A test message of another intent: blocked; --force alone or
	// --reason alone is a usage error; both save it.
	bad := []string{"add-example", "--intent", "reset_password", "--lang", "ru", "--text", "у меня не работает интернет"}
	before, _ := os.ReadFile(faq)
	for _, c := range []struct {
		extra  []string
		code   int
		errOut string
	}{
		{nil, 1, "to save it anyway, give --force --reason WHY"},
		{[]string{"--force"}, 2, "--force needs --reason"},
		{[]string{"--force", "--reason", "  "}, 2, "--force needs --reason"},
		{[]string{"--reason", "because"}, 2, "--reason is for --force"},
	} {
		code, out, errOut := learn("", append(slices.Clone(bad), c.extra...)...)
		if code != c.code || !strings.Contains(errOut, c.errOut) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q\n%s", c.extra, code, errOut, c.code, c.errOut, out)
		}
	}
	if after, _ := os.ReadFile(faq); !bytes.Equal(before, after) {
		t.Fatal("a refused edit was written")
	}
	code, out, errOut = learn("", append(slices.Clone(bad), "--force", "--reason", "так пишут о личном кабинете")...)
	if code != 0 || !strings.Contains(out, "guard: BLOCKED") || !strings.Contains(out, "saving over the warning: так пишут о личном кабинете") {
		t.Fatalf("a forced edit: %d\n%s%s", code, out, errOut)
	}
	history, _ = intents.ReadHistory(dir)
	if len(history) != 3 || history[2].By != "olga" || history[2].Reason != "так пишут о личном кабинете" ||
		!strings.Contains(history[2].Warning, `"у меня не работает интернет" want outage`) {
		t.Errorf("the forced edit's log line: %+v", history[len(history)-1])
	}
	_, out, _ = learn("", "history")
	if !strings.Contains(out, `"так пишут о личном кабинете" (over: 1 tests fail`) {
		t.Errorf("history does not show the reason:\n%s", out)
	}

	// An edit that does not load is not saved, even forced.
	code, _, errOut = learn("", "new-intent", "--id", "router_reboot", "--example-ru", "перезагрузить роутер",
		"--answer-ru", "Привет, {{.surname}}", "--force", "--reason", "надо")
	if code != 1 || !strings.Contains(errOut, `map has no entry for key "surname"`) {
		t.Errorf("a forced edit that does not load: %d, %q", code, errOut)
	}
	if history, _ := intents.ReadHistory(dir); len(history) != 3 {
		t.Errorf("%d lines in the log after a refused edit, want 3", len(history))
	}
}
