package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/kb"
	"github.com/firstline-support/firstline/kb/openai/openaitest"
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

func TestEvalLLM(t *testing.T) {
	// The grey zone is everything, so that every test line is asked.
	config := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(config, []byte("llm:\n  grey_from: 0\n  grey_to: 1\n  timeout: 2s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		reply func(openaitest.Request) openaitest.Reply
		check func(t *testing.T, l *kb.EvalLLM)
	}{
		{
			// Agreeing with the matcher's best answers every line with
			// it: the in-scope lines stay right, the out-of-scope ones
			// are now answered.
			name:  "agrees",
			reply: func(r openaitest.Request) openaitest.Reply { return openaitest.Choose(r.Enum[0]) },
			check: func(t *testing.T, l *kb.EvalLLM) {
				if l.Used != 5 || l.Failed != 0 || l.Accuracy != 1 || l.InScopeAccuracy != 1 || l.OOSRecall == nil || *l.OOSRecall != 0 {
					t.Errorf("llm = %+v, oos recall %v; want 5 used, accuracy 1, oos recall 0", l, deref64(l.OOSRecall))
				}
			},
		},
		{
			name:  "refuses",
			reply: func(openaitest.Request) openaitest.Reply { return openaitest.Choose("none") },
			check: func(t *testing.T, l *kb.EvalLLM) {
				if l.Used != 5 || l.Accuracy != 0 || l.InScopeAccuracy != 0 || l.OOSRecall == nil || *l.OOSRecall != 1 {
					t.Errorf("llm = %+v; want 5 used, nothing answered", l)
				}
			},
		},
		{
			name:  "fails",
			reply: func(openaitest.Request) openaitest.Reply { return openaitest.Reply{Status: 503} },
			check: func(t *testing.T, l *kb.EvalLLM) {
				if l.Used != 0 || l.Failed != 5 || l.Accuracy != 1 || l.InScopeAccuracy != 1 || l.OOSRecall == nil || *l.OOSRecall != 1 {
					t.Errorf("llm = %+v; want 5 failed and the matcher's figures", l)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			llm := openaitest.NewServer(tt.reply)
			defer llm.Close()
			getenv := func(k string) string {
				return map[string]string{"FIRSTLINE_LLM_BASE_URL": llm.URL, "FIRSTLINE_LLM_MODEL": "m"}[k]
			}
			var stdout, stderr bytes.Buffer
			e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: getenv}
			args := []string{"eval", "--config", config, "--data", "../../kb/testdata/eval/small.jsonl", "--lang", "en", "--json", "--llm"}
			if code := run(context.Background(), args, e); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			var res kb.EvalResult
			if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
				t.Fatalf("stdout is not JSON: %v", err)
			}
			if res.LLM == nil || res.LLM.Asked != 5 || len(llm.Requests()) != 5 {
				t.Fatalf("llm = %+v, %d requests; want 5 asked", res.LLM, len(llm.Requests()))
			}
			tt.check(t, res.LLM)
		})
	}
}

func TestEvalLLMNeedsAServer(t *testing.T) {
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	args := []string{"eval", "--data", "../../kb/testdata/eval/small.jsonl", "--llm"}
	if code := run(context.Background(), args, e); code != 2 || !strings.Contains(stderr.String(), "llm.base_url") {
		t.Errorf("exit %d, stderr %q; want 2 and what to configure", code, stderr.String())
	}
}

func deref64(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
