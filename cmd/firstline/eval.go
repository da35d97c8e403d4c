package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/firstline-support/firstline/kb"
)

// cmdEval benchmarks the matcher on a labelled JSONL file: one
// {"text", "intent", "split"} object a line, intent "oos" for a message no
// intent covers. See kb.Evaluate for what is measured; with --shots, see
// kb.EvaluateShots.
func cmdEval(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("eval", e)
	data := fs.String("data", "", "labelled messages, one JSON object a line (`file`)")
	lang := fs.String("lang", "auto", "language of the messages: auto, ru or en")
	holdout := fs.Float64("holdout-intents", 0, "share of intents to hold out as out of scope")
	seed := fs.Uint64("seed", 1, "seed for the held-out intents and the folds")
	folds := fs.Int("folds", 5, "cross-validation folds, used without val or test lines")
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	useLLM := fs.Bool("llm", false, "also ask the language model of the config's llm section about the messages the bot would ask to clarify")
	shots := fs.String("shots", "", "few-shot mode: build with K train lines per intent, for each K of a comma-separated `list` (0: all)")
	seeds := fs.Int("seeds", 1, "few-shot mode: average this many seeds, --seed and the next ones")
	s, err := parseSettings(fs, args, 0, e.getenv)
	if err != nil {
		return err
	}
	if *data == "" {
		return usageError{fmt.Errorf("--data is required")}
	}
	var ks []int
	if *shots != "" {
		if ks, err = parseShots(*shots); err != nil {
			return usageError{err}
		}
		if *seeds < 1 {
			return usageError{fmt.Errorf("--seeds %d: need at least 1", *seeds)}
		}
		var clash []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "holdout-intents" || f.Name == "folds" || f.Name == "llm" {
				clash = append(clash, "--"+f.Name)
			}
		})
		if len(clash) > 0 {
			return usageError{fmt.Errorf("--shots does not go with %s", strings.Join(clash, ", "))}
		}
	} else {
		var only []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "seeds" {
				only = append(only, "--"+f.Name)
			}
		})
		if len(only) > 0 {
			return usageError{fmt.Errorf("%s needs --shots", strings.Join(only, ", "))}
		}
	}
	log := newLogger(e)
	var so *kb.SecondOpinion
	if *useLLM {
		if !s.LLM.Enabled() {
			return usageError{fmt.Errorf("--llm needs llm.base_url and llm.model in the config (or FIRSTLINE_LLM_BASE_URL and FIRSTLINE_LLM_MODEL)")}
		}
		if so, err = secondOpinion(s.LLM, log, nil); err != nil {
			return err
		}
	}
	f, err := os.Open(*data)
	if err != nil {
		return fmt.Errorf("open %s: %w", *data, err)
	}
	defer f.Close()
	lines, err := readEvalLines(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", *data, err)
	}
	if ks != nil {
		return evalShots(ctx, e, lines, *data, kb.ShotsOptions{Lang: *lang, Shots: ks, Seed: *seed, Seeds: *seeds, Matching: s.matchOptions()}, *asJSON)
	}
	res, err := kb.Evaluate(ctx, lines, kb.EvalOptions{
		Lang:           *lang,
		HoldoutIntents: *holdout,
		Seed:           *seed,
		Folds:          *folds,
		Logger:         log,
		SecondOpinion:  so,
	})
	if err != nil {
		return fmt.Errorf("evaluate %s: %w", *data, err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		return enc.Encode(res)
	}
	printEval(e.stdout, res)
	return nil
}

// evalRecord is one line of the data file as written. Pointers tell a
// missing field from an empty one.
type evalRecord struct {
	Text   *string `json:"text"`
	Intent *string `json:"intent"`
	Split  *string `json:"split"`
}

// readEvalLines parses the data file; blank lines are skipped, and any
// other line that is not a complete record is an error naming it.
func readEvalLines(r io.Reader) ([]kb.EvalLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var lines []kb.EvalLine
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		var rec evalRecord
		if err := json.Unmarshal([]byte(raw), &rec); err != nil {
			return nil, fmt.Errorf("line %d: not a JSON object: %w", n, err)
		}
		for _, field := range []struct {
			name  string
			value *string
		}{{"text", rec.Text}, {"intent", rec.Intent}, {"split", rec.Split}} {
			if field.value == nil || strings.TrimSpace(*field.value) == "" {
				return nil, fmt.Errorf("line %d: missing %q", n, field.name)
			}
		}
		switch *rec.Split {
		case kb.SplitTrain, kb.SplitVal, kb.SplitTest:
		default:
			return nil, fmt.Errorf("line %d: unknown split %q (want train, val or test)", n, *rec.Split)
		}
		lines = append(lines, kb.EvalLine{Text: *rec.Text, Intent: *rec.Intent, Split: *rec.Split, Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return lines, nil
}

// printEval prints a benchmark's figures as a table for people.
func printEval(w io.Writer, res kb.EvalResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	mode := "test split"
	if res.Mode == kb.EvalModeCV {
		mode = fmt.Sprintf("%d-fold cross-validation on train (no test split)", res.CrossValidationFolds)
	}
	oos := "n/a (no out-of-scope lines)"
	if res.OOSRecall != nil {
		oos = fmt.Sprintf("%.4f", *res.OOSRecall)
	}
	held := "none"
	if len(res.HeldOutIntents) > 0 {
		held = strings.Join(res.HeldOutIntents, ", ")
	}
	c := res.Counts
	fmt.Fprintf(tw, "measured on\t%s\n", mode)
	fmt.Fprintf(tw, "lines\ttrain %d, val %d, test %d (out of scope reported: %d)\n", c.Train, c.Val, c.Test, c.OOSLines)
	fmt.Fprintf(tw, "intents\t%d trained, %d held out: %s\n", c.Intents, c.HeldOut, held)
	fmt.Fprintf(tw, "threshold\t%.2f (chosen on %s)\n", res.Threshold, res.ThresholdFrom)
	fmt.Fprintf(tw, "accuracy (top intent)\t%.4f\n", res.Accuracy)
	fmt.Fprintf(tw, "in-scope accuracy\t%.4f\n", res.InScopeAccuracy)
	fmt.Fprintf(tw, "out-of-scope recall\t%s\n", oos)
	fmt.Fprintf(tw, "macro F1\t%.4f\n", res.MacroF1)
	fmt.Fprintf(tw, "calibration error\t%.4f\n", res.CalibrationError)
	for _, b := range res.Reliability {
		fmt.Fprintf(tw, "  confidence %.1f-%.1f\t%d lines, mean confidence %.3f, right %.3f\n", b.From, b.To, b.Lines, b.MeanConfidence, b.Accuracy)
	}
	fmt.Fprintf(tw, "build\t%.2f s\n", res.BuildSeconds)
	fmt.Fprintf(tw, "classify\t%.0f messages/s, p99 %.0f µs\n", res.ClassifyPerSecond, res.P99ClassifyMicros)
	fmt.Fprintf(tw, "heap\t%.1f MB\n", res.HeapMB)
	if l := res.LLM; l != nil {
		oos := "n/a"
		if l.OOSRecall != nil {
			oos = fmt.Sprintf("%.4f", *l.OOSRecall)
		}
		fmt.Fprintf(tw, "with the language model\t%d asked, %d answers used, %d failed; median %.0f ms, p99 %.0f ms\n",
			l.Asked, l.Used, l.Failed, l.MedianMillis, l.P99Millis)
		fmt.Fprintf(tw, "  accuracy (top intent)\t%.4f\n", l.Accuracy)
		fmt.Fprintf(tw, "  in-scope accuracy\t%.4f\n", l.InScopeAccuracy)
		fmt.Fprintf(tw, "  out-of-scope recall\t%s\n", oos)
		fmt.Fprintf(tw, "  macro F1\t%.4f\n", l.MacroF1)
	}
	tw.Flush()
}

// evalShots runs and prints a few-shot benchmark.
func evalShots(ctx context.Context, e env, lines []kb.EvalLine, data string, opts kb.ShotsOptions, asJSON bool) error {
	res, err := kb.EvaluateShots(ctx, lines, opts)
	if err != nil {
		return fmt.Errorf("evaluate %s: %w", data, err)
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(res)
	}
	printShots(e.stdout, res)
	return nil
}

// parseShots parses a comma-separated list of examples per intent.
func parseShots(list string) ([]int, error) {
	var ks []int
	for _, f := range strings.Split(list, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 0 {
			return nil, fmt.Errorf("--shots %q: want a comma-separated list of whole numbers, 0 or more", list)
		}
		ks = append(ks, k)
	}
	return ks, nil
}

// printShots prints a few-shot benchmark as a table, one row per K.
// Counts are means over the seeds, so they get a decimal with several.
func printShots(w io.Writer, res kb.ShotsResult) {
	asked := "test split"
	if res.Test == kb.SplitTrain {
		asked = "train lines not chosen as examples (no test split)"
	}
	fmt.Fprintf(w, "asked: %s; thresholds: answer %.2f, clarify %.2f, margin %.2f\n",
		asked, res.AnswerThreshold, res.ClarifyThreshold, res.ClarifyMargin)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "K\tseeds\tintents\texamples\tin scope\tright\twrong\toptions\tnone\tout of scope\tanswered\tprecision\tcalibration error\t\n")
	for _, r := range res.Rows {
		k := strconv.Itoa(r.Shots)
		if r.Shots == 0 {
			k = "all"
		}
		n := func(v float64) string {
			if r.Seeds == 1 {
				return strconv.FormatFloat(v, 'f', 0, 64)
			}
			return strconv.FormatFloat(v, 'f', 1, 64)
		}
		oos, answered := n(r.OOS), n(r.OOSAnswered)
		if r.OOS == 0 {
			oos, answered = "-", "-"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.4f\t%.4f\t\n",
			k, r.Seeds, r.Intents, n(r.Examples), n(r.InScope), n(r.Right), n(r.Wrong), n(r.Options), n(r.None),
			oos, answered, r.Precision, r.CalibrationError)
	}
	tw.Flush()
}
