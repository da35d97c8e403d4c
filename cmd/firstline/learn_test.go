package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// TestLearnCommands runs the learn subcommands one after another on a copy
// of the knowledge base tests' FAQ.
func TestLearnCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "intents")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	faq := filepath.Join(dir, "faq.yaml")
	src, err := os.ReadFile("../../kb/testdata/faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(faq, src, 0o644); err != nil {
		t.Fatal(err)
	}
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
