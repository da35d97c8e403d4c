package kb

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// readEvalFixture reads a JSONL fixture of testdata/eval.
func readEvalFixture(t *testing.T, name string) []EvalLine {
	t.Helper()
	f, err := os.Open("testdata/eval/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []EvalLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var rec struct{ Text, Intent, Split string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s:%d: %v", name, n, err)
		}
		lines = append(lines, EvalLine{Text: rec.Text, Intent: rec.Intent, Split: rec.Split, Line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// withoutSplit returns lines minus those of split.
func withoutSplit(lines []EvalLine, split string) []EvalLine {
	return slices.DeleteFunc(slices.Clone(lines), func(l EvalLine) bool { return l.Split == split })
}

func TestEvaluate(t *testing.T) {
	small := readEvalFixture(t, "small.jsonl")
	tests := []struct {
		name          string
		lines         []EvalLine
		mode          string
		thresholdFrom string
		minAccuracy   float64
		oos           bool // the reported lines have out-of-scope ones
		counts        EvalCounts
	}{
		{"test split, threshold on val", small, EvalModeTest, SplitVal, 1, true,
			EvalCounts{Train: 12, Val: 5, Test: 5, Intents: 3, OOSLines: 2}},
		{"no val: threshold by cross-validation", withoutSplit(small, SplitVal), EvalModeTest, EvalModeCV, 1, true,
			EvalCounts{Train: 12, Test: 5, Intents: 3, OOSLines: 2}},
		{"no test: cross-validation report", withoutSplit(small, SplitTest), EvalModeCV, SplitVal, 0.75, false,
			EvalCounts{Train: 12, Val: 5, Intents: 3}},
		{"train only, with out-of-scope lines", readEvalFixture(t, "train_only.jsonl"), EvalModeCV, EvalModeCV, 0.75, true,
			EvalCounts{Train: 17, Intents: 3, OOSLines: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Evaluate(context.Background(), tt.lines, EvalOptions{Lang: "auto", Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if res.Mode != tt.mode || res.ThresholdFrom != tt.thresholdFrom {
				t.Errorf("mode %s, threshold from %s; want %s, %s", res.Mode, res.ThresholdFrom, tt.mode, tt.thresholdFrom)
			}
			if res.Accuracy < tt.minAccuracy {
				t.Errorf("accuracy %v, want at least %v", res.Accuracy, tt.minAccuracy)
			}
			if res.Counts != tt.counts {
				t.Errorf("counts %+v, want %+v", res.Counts, tt.counts)
			}
			if tt.oos != (res.OOSRecall != nil) {
				t.Errorf("oos recall %v, want one: %v", res.OOSRecall, tt.oos)
			}
			if res.CrossValidationFolds != 5 || res.ClassifyPerSecond <= 0 || res.HeapMB <= 0 {
				t.Errorf("folds %d, classify/s %v, heap %v MB", res.CrossValidationFolds, res.ClassifyPerSecond, res.HeapMB)
			}
		})
	}
}

func TestEvaluateThresholdSeparatesOOS(t *testing.T) {
	res, err := Evaluate(context.Background(), readEvalFixture(t, "small.jsonl"), EvalOptions{Lang: "en", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Threshold <= 0 {
		t.Errorf("threshold %v: with out-of-scope val lines it must be above 0", res.Threshold)
	}
	if res.InScopeAccuracy != 1 || res.OOSRecall == nil || *res.OOSRecall != 1 || res.MacroF1 != 1 {
		t.Errorf("in-scope accuracy %v, oos recall %v, macro F1 %v; want all 1", res.InScopeAccuracy, res.OOSRecall, res.MacroF1)
	}
}

func TestEvaluateWithoutOOSChoosesLowestThreshold(t *testing.T) {
	lines := slices.DeleteFunc(readEvalFixture(t, "small.jsonl"), func(l EvalLine) bool { return l.Intent == EvalOOS })
	res, err := Evaluate(context.Background(), lines, EvalOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Threshold != 0 || res.OOSRecall != nil {
		t.Errorf("threshold %v, oos recall %v; want 0 and none", res.Threshold, res.OOSRecall)
	}
}

func TestEvaluateHoldout(t *testing.T) {
	lines := readEvalFixture(t, "small.jsonl")
	run := func(seed uint64) EvalResult {
		t.Helper()
		res, err := Evaluate(context.Background(), lines, EvalOptions{HoldoutIntents: 0.25, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(7), run(7)
	if !slices.Equal(a.HeldOutIntents, b.HeldOutIntents) || a.Threshold != b.Threshold || a.Accuracy != b.Accuracy {
		t.Errorf("seed 7 held out %v, then %v", a.HeldOutIntents, b.HeldOutIntents)
	}
	// ceil(0.25 × 3) = 1 intent: its 4 train lines leave training, and its
	// test line joins the 2 out-of-scope ones.
	if len(a.HeldOutIntents) != 1 || a.Counts.HeldOut != 1 || a.Counts.Intents != 2 || a.Counts.OOSLines != 3 {
		t.Errorf("held out %v, counts %+v", a.HeldOutIntents, a.Counts)
	}
	if a.Accuracy != 1 || a.OOSRecall == nil || *a.OOSRecall != 1 {
		t.Errorf("accuracy %v, oos recall %v; want 1 and 1", a.Accuracy, a.OOSRecall)
	}

	var seen []string
	for seed := range uint64(20) {
		held := holdOut(lines, 0.25, seed)
		for id := range held {
			if !slices.Contains(seen, id) {
				seen = append(seen, id)
			}
		}
	}
	if len(seen) < 2 {
		t.Errorf("20 seeds all held out %v: the seed is not used", seen)
	}
}

func TestEvaluateRejects(t *testing.T) {
	good := EvalLine{Text: "reset my password", Intent: "password", Split: SplitTrain, Line: 1}
	tests := []struct {
		name  string
		lines []EvalLine
		opts  EvalOptions
		want  string
	}{
		{"unknown split", []EvalLine{good, {Text: "x", Intent: "a", Split: "dev", Line: 2}}, EvalOptions{}, "line 2: unknown split"},
		{"missing text", []EvalLine{good, {Intent: "a", Split: SplitTest, Line: 3}}, EvalOptions{}, "line 3: text and intent are required"},
		{"no train lines", []EvalLine{{Text: "x", Intent: "a", Split: SplitTest, Line: 1}}, EvalOptions{}, "no in-scope train lines"},
		{"bad language", []EvalLine{good}, EvalOptions{Lang: "de"}, "language"},
		{"bad holdout", []EvalLine{good}, EvalOptions{HoldoutIntents: 1}, "held-out share"},
		{"one fold", []EvalLine{good}, EvalOptions{Folds: 1}, "folds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Evaluate(context.Background(), tt.lines, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
