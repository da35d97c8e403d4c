package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	args := []string{"eval", "--data", "../../kb/testdata/eval/small.jsonl", "--lang", "en", "--json"}
	if code := run(context.Background(), args, e); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var got map[string]any
	dec := json.NewDecoder(&stdout)
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	if dec.More() {
		t.Errorf("stdout has more than one JSON value")
	}
	for _, key := range []string{"mode", "accuracy", "in_scope_accuracy", "oos_recall", "threshold", "macro_f1",
		"build_seconds", "classify_per_second", "p99_classify_microseconds", "heap_mb", "counts"} {
		if _, ok := got[key]; !ok {
			t.Errorf("no %q in %v", key, got)
		}
	}
	counts, _ := got["counts"].(map[string]any)
	for _, key := range []string{"train", "val", "test", "intents"} {
		if _, ok := counts[key]; !ok {
			t.Errorf("no counts.%s in %v", key, counts)
		}
	}
	if got["mode"] != "test" || got["accuracy"] != 1.0 {
		t.Errorf("mode %v, accuracy %v; want test, 1", got["mode"], got["accuracy"])
	}
}

func TestEvalTable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	args := []string{"eval", "--data", "../../kb/testdata/eval/train_only.jsonl"}
	if code := run(context.Background(), args, e); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "5-fold cross-validation on train") {
		t.Errorf("table does not say it is cross-validated:\n%s", stdout.String())
	}
}

func TestEvalRejectsBadLines(t *testing.T) {
	good := `{"text": "reset my password", "intent": "password", "split": "train"}` + "\n"
	tests := []struct {
		name, data, want string
	}{
		{"not JSON", good + "\nnot json\n", "line 3: not a JSON object"},
		{"missing intent", good + `{"text": "x", "split": "train"}` + "\n", `line 2: missing "intent"`},
		{"missing split", good + `{"text": "x", "intent": "a"}` + "\n", `line 2: missing "split"`},
		{"unknown split", good + `{"text": "x", "intent": "a", "split": "dev"}` + "\n", `line 2: unknown split "dev"`},
		{"no train lines", `{"text": "x", "intent": "a", "split": "test"}` + "\n", "no in-scope train lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "data.jsonl")
			if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
			if code := run(context.Background(), []string{"eval", "--data", path}, e); code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.want)
			}
		})
	}
}
