package kb

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
)

// checkShotsRow fails when row's outcomes do not add up.
func checkShotsRow(t *testing.T, row ShotsRow) {
	t.Helper()
	if sum := row.Right + row.Wrong + row.Options + row.None; math.Abs(sum-row.InScope) > 1e-9 {
		t.Errorf("K %d: right %v + wrong %v + options %v + none %v = %v, want in scope %v",
			row.Shots, row.Right, row.Wrong, row.Options, row.None, sum, row.InScope)
	}
	if answers := row.Right + row.Wrong + row.OOSAnswered; answers > 0 && math.Abs(row.Precision-row.Right/answers) > 1e-9 {
		t.Errorf("K %d: precision %v, want right %v over answers %v", row.Shots, row.Precision, row.Right, answers)
	}
	if row.CalibrationError <= 0 || row.CalibrationError > 1 {
		t.Errorf("K %d: calibration error %v", row.Shots, row.CalibrationError)
	}
}

func TestEvaluateShots(t *testing.T) {
	lines := readEvalFixture(t, "shots.jsonl")
	res, err := EvaluateShots(context.Background(), lines, ShotsOptions{Lang: "en", Shots: []int{1, 3, 0}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Test != SplitTest || len(res.Rows) != 3 || res.AnswerThreshold != DefaultOptions.AnswerThreshold {
		t.Fatalf("result %+v: want 3 rows on the test split at the default thresholds", res)
	}
	// Every intent has 7 train lines, so K of them are used for K 1 and
	// 3, and all 28 for K 0.
	for i, examples := range []float64{4, 12, 28} {
		row := res.Rows[i]
		checkShotsRow(t, row)
		if row.Intents != 4 || row.Examples != examples || row.InScope != 12 || row.OOS != 3 || row.Seeds != 1 {
			t.Errorf("row %+v: want 4 intents, %v examples, 12 in scope, 3 out of scope, 1 seed", row, examples)
		}
	}
	if all := res.Rows[2]; all.Right != 12 {
		t.Errorf("with all examples, %v of 12 right", all.Right)
	}
	if few := res.Rows[0]; few.Right >= 12 {
		t.Errorf("with one example per intent, %v of 12 right: the fixture does not tell K apart", few.Right)
	}
}

func TestEvaluateShotsSeeds(t *testing.T) {
	lines := readEvalFixture(t, "shots.jsonl")
	run := func(seed uint64, seeds int) ShotsRow {
		t.Helper()
		res, err := EvaluateShots(context.Background(), lines, ShotsOptions{Lang: "en", Shots: []int{1}, Seed: seed, Seeds: seeds})
		if err != nil {
			t.Fatal(err)
		}
		return res.Rows[0]
	}
	if a, b := run(1, 1), run(1, 1); a != b {
		t.Errorf("seed 1 twice: %+v and %+v", a, b)
	}
	rows := []ShotsRow{run(1, 1), run(2, 1), run(3, 1)}
	if rows[0] == rows[1] && rows[1] == rows[2] {
		t.Errorf("seeds 1, 2 and 3 measured the same: %+v", rows[0])
	}
	mean := run(1, 3)
	checkShotsRow(t, mean)
	want := (rows[0].Right + rows[1].Right + rows[2].Right) / 3
	if mean.Seeds != 3 || math.Abs(mean.Right-want) > 1e-9 {
		t.Errorf("3 seeds: %+v, want right %v, the mean of %+v", mean, want, rows)
	}
}

func TestEvaluateShotsWithoutTestSplit(t *testing.T) {
	lines := withoutSplit(readEvalFixture(t, "shots.jsonl"), SplitTest)
	res, err := EvaluateShots(context.Background(), lines, ShotsOptions{Lang: "en", Shots: []int{1, 3}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Test != SplitTrain {
		t.Errorf("asked %q, want the rest of train", res.Test)
	}
	// The rest of train: 7 - K lines of each of 4 intents, and the one
	// out-of-scope train line.
	for i, k := range []int{1, 3} {
		row := res.Rows[i]
		checkShotsRow(t, row)
		if row.InScope != float64(4*(7-k)) || row.OOS != 1 || row.Examples != float64(4*k) {
			t.Errorf("K %d: %+v; want %d in scope, 1 out of scope, %d examples", k, row, 4*(7-k), 4*k)
		}
	}
	_, err = EvaluateShots(context.Background(), lines, ShotsOptions{Lang: "en", Shots: []int{0}})
	if err == nil || !strings.Contains(err.Error(), "nothing is left to ask") {
		t.Errorf("K 0 without a test split: %v", err)
	}
}

func TestEvaluateShotsUsesThresholds(t *testing.T) {
	// At an answer threshold of 1 nothing is answered here:
	// the decisions are the matcher's at the options given.
	opts := Options{AnswerThreshold: 1, ClarifyThreshold: 1, ClarifyMargin: 0, DefaultLanguage: "en"}
	res, err := EvaluateShots(context.Background(), readEvalFixture(t, "shots.jsonl"), ShotsOptions{Lang: "en", Shots: []int{0}, Matching: opts})
	if err != nil {
		t.Fatal(err)
	}
	row := res.Rows[0]
	checkShotsRow(t, row)
	if row.Right != 0 || row.Wrong != 0 || row.OOSAnswered != 0 || row.Precision != 0 || res.AnswerThreshold != 1 {
		t.Errorf("row %+v, threshold %v; want nothing answered at 1", row, res.AnswerThreshold)
	}
}

func TestChooseShotsNested(t *testing.T) {
	var train []evalItem
	for _, l := range readEvalFixture(t, "shots.jsonl") {
		if l.Split == SplitTrain {
			train = append(train, newEvalItem(l, "en"))
		}
	}
	texts := func(items []evalItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.text)
		}
		return out
	}
	three, rest := chooseShots(slices.Clone(train), 3, 5)
	one, _ := chooseShots(slices.Clone(train), 1, 5)
	if len(three)+len(rest) != len(train) {
		t.Fatalf("%d chosen and %d left of %d", len(three), len(rest), len(train))
	}
	for _, text := range texts(one) {
		if !slices.Contains(texts(three), text) {
			t.Errorf("%q is among seed 5's 1 example per intent but not its 3", text)
		}
	}
}

func TestEvaluateShotsRejects(t *testing.T) {
	lines := readEvalFixture(t, "shots.jsonl")
	for _, opts := range []ShotsOptions{
		{Shots: nil},
		{Shots: []int{-1}},
		{Shots: []int{1}, Seeds: -1},
		{Shots: []int{1}, Lang: "de"},
	} {
		if _, err := EvaluateShots(context.Background(), lines, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
}
