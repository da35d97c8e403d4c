package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
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

// TestEvalLLM checks that the benchmark puts to the model exactly the
// test lines the matcher would ask to clarify: of testdata/eval_clarify.jsonl,
// "setup at home" and "the setup at home" (the router or the TV), not the
// line it answers nor the one nothing matches.
func TestEvalLLM(t *testing.T) {
	// grey_from and grey_to are ignored: they once made every line asked.
	config := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(config, []byte("llm:\n  grey_from: 0\n  grey_to: 1\n  timeout: 2s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unsure := []string{"setup at home", "the setup at home"}
	tests := []struct {
		name  string
		reply func(openaitest.Request) openaitest.Reply
		check func(t *testing.T, l *kb.EvalLLM)
	}{
		{
			// Choosing the right intent keeps every in-scope line right.
			name: "chooses",
			reply: func(r openaitest.Request) openaitest.Reply {
				if strings.Contains(r.User, "\nthe setup at home\n") {
					return openaitest.Choose("router")
				}
				return openaitest.Choose("tv")
			},
			check: func(t *testing.T, l *kb.EvalLLM) {
				if l.Used != 2 || l.Failed != 0 || l.Accuracy != 1 {
					t.Errorf("llm = %+v; want 2 used, accuracy 1", l)
				}
			},
		},
		{
			// A "none" counts as not answered: only the password line
			// stays right.
			name:  "refuses",
			reply: func(openaitest.Request) openaitest.Reply { return openaitest.Choose("none") },
			check: func(t *testing.T, l *kb.EvalLLM) {
				if l.Used != 2 || l.InScopeAccuracy > 1.0/3+1e-9 || l.OOSRecall == nil || *l.OOSRecall != 1 {
					t.Errorf("llm = %+v; want 2 used, the unsure lines unanswered", l)
				}
			},
		},
		{
			name:  "fails",
			reply: func(openaitest.Request) openaitest.Reply { return openaitest.Reply{Status: 503} },
			check: func(t *testing.T, l *kb.EvalLLM) {
				if l.Used != 0 || l.Failed != 2 {
					t.Errorf("llm = %+v; want 2 failed", l)
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
			args := []string{"eval", "--config", config, "--data", "testdata/eval_clarify.jsonl", "--lang", "en", "--json", "--llm"}
			if code := run(context.Background(), args, e); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			var res kb.EvalResult
			if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
				t.Fatalf("stdout is not JSON: %v", err)
			}
			var asked []string
			for _, r := range llm.Requests() {
				asked = append(asked, r.User)
			}
			if res.LLM == nil || res.LLM.Asked != len(unsure) || len(asked) != len(unsure) {
				t.Fatalf("llm = %+v, asked %q; want the %d unsure lines asked", res.LLM, asked, len(unsure))
			}
			for _, text := range unsure {
				if !slices.ContainsFunc(asked, func(u string) bool { return strings.Contains(u, "\n"+text+"\n") }) {
					t.Errorf("%q was not asked; asked %q", text, asked)
				}
			}
			if !strings.Contains(stderr.String(), "llm.grey_from") {
				t.Errorf("no warning about the ignored keys:\n%s", stderr.String())
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

// runEval runs firstline eval with args and returns its stdout.
func runEval(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), append([]string{"eval"}, args...), e); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	return stdout.String()
}

func TestEvalShots(t *testing.T) {
	const data = "../../kb/testdata/eval/shots.jsonl"
	shots := func(seed string) kb.ShotsResult {
		t.Helper()
		var res kb.ShotsResult
		out := runEval(t, "--data", data, "--lang", "en", "--shots", "1,3,0", "--seed", seed, "--json")
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, out)
		}
		return res
	}
	res := shots("1")
	if len(res.Rows) != 3 {
		t.Fatalf("%d rows, want 3", len(res.Rows))
	}
	for i, k := range []int{1, 3, 0} {
		r := res.Rows[i]
		if r.Right+r.Wrong+r.Options+r.None != r.InScope || r.InScope != 12 || r.OOS != 3 {
			t.Errorf("K %d: %+v; want right + wrong + options + none = 12 in scope, and 3 out of scope", k, r)
		}
		if answers := r.Right + r.Wrong + r.OOSAnswered; answers > 0 && r.Precision != r.Right/answers {
			t.Errorf("K %d: precision %v, want %v / %v", k, r.Precision, r.Right, answers)
		}
		// Each of the 4 intents has 7 train lines.
		want := float64(4 * k)
		if k == 0 {
			want = 28
		}
		if r.Shots != k || r.Intents != 4 || r.Examples != want {
			t.Errorf("K %d: %d intents, %v examples; want 4 and %v", k, r.Intents, r.Examples, want)
		}
	}
	if again := shots("1"); !reflect.DeepEqual(res, again) {
		t.Errorf("seed 1 twice:\n%+v\n%+v", res, again)
	}
	differ := false
	for _, seed := range []string{"2", "3", "4"} {
		differ = differ || !reflect.DeepEqual(res.Rows, shots(seed).Rows)
	}
	if !differ {
		t.Errorf("seeds 1 to 4 all measured %+v", res.Rows)
	}

	table := runEval(t, "--data", data, "--lang", "en", "--shots", "1,0", "--seeds", "3")
	for _, want := range []string{"asked: test split", "answer 0.67", "precision", "calibration error", "\n    1      3", "\n  all      1"} {
		if !strings.Contains(table, want) {
			t.Errorf("table has no %q:\n%s", want, table)
		}
	}
}

func TestEvalShotsUsesConfigThresholds(t *testing.T) {
	config := filepath.Join(t.TempDir(), "firstline.yaml")
	if err := os.WriteFile(config, []byte("matching:\n  answer_threshold: 1\n  clarify_threshold: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var res kb.ShotsResult
	out := runEval(t, "--config", config, "--data", "../../kb/testdata/eval/shots.jsonl", "--lang", "en", "--shots", "0", "--json")
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.AnswerThreshold != 1 || res.Rows[0].Right != 0 || res.Rows[0].Wrong != 0 || res.Rows[0].OOSAnswered != 0 {
		t.Errorf("%+v; want the config's threshold 1 and nothing answered", res)
	}
}

func TestEvalShotsUsage(t *testing.T) {
	const data = "../../kb/testdata/eval/shots.jsonl"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--shots", "5,x"}, "comma-separated list"},
		{[]string{"--shots", "-1"}, "comma-separated list"},
		{[]string{"--shots", "5", "--seeds", "0"}, "--seeds 0"},
		{[]string{"--shots", "5", "--folds", "3"}, "--shots does not go with --folds"},
		{[]string{"--seeds", "3"}, "--seeds needs --shots"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		args := append([]string{"eval", "--data", data}, tt.args...)
		if code := run(context.Background(), args, e); code != 2 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
