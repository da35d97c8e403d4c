package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestScriptedIntentTests checks that `firstline test` runs a test's
// answers through the questions before the handoff and compares the
// fields of the ticket, and that each way a script can go wrong fails at
// the test's FILE:LINE.
func TestScriptedIntentTests(t *testing.T) {
	dir := filepath.Join("testdata", "scripted")
	code, stdout, stderr := runIn(t, t.TempDir(), "", nil, "test", "--intents", dir, "--advice=false")
	if code != 0 || !strings.Contains(stdout, "3 passed, 0 failed\n") {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}

	b, err := os.ReadFile(filepath.Join(dir, "intents.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	failing := t.TempDir()
	lines := strings.Count(string(b), "\n")
	b = append(b, `  - message: "не работает интернет"
    expect: no_internet
    answers: ["1234567", "ул. Ленина, 1", "Вчера"]
    fields: {contract: "7654321", address: "ул. Ленина, 1", since: ""}
  - message: "не работает интернет"
    expect: no_internet
    answers: ["1234567"]
  - message: "не работает интернет"
    expect: no_internet
    answers: ["1234567", "Пропустить", "Вчера", "ещё одно"]
`...)
	if err := os.WriteFile(filepath.Join(failing, "intents.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runIn(t, t.TempDir(), "", nil, "test", "--intents", failing, "--advice=false")
	file := filepath.Join(failing, "intents.yaml")
	want := []string{
		file + ":" + strconv.Itoa(lines+1) + `: "не работает интернет" and its answers: field contract = "1234567", want "7654321"; field since = "Вчера", want ""`,
		file + ":" + strconv.Itoa(lines+5) + `: "не работает интернет" and its answers: no ticket after the last answer; the bot said "Адрес подключения?"`,
		file + ":" + strconv.Itoa(lines+8) + `: "не работает интернет" and its answers: the ticket was created before answer 4 ("ещё одно")`,
		"3 passed, 3 failed\n",
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, w := range want {
		if !strings.Contains(stdout, w) {
			t.Errorf("output lacks %q:\n%s%s", w, stdout, stderr)
		}
	}
}
