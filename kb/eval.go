package kb

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/firstline-support/firstline/intents"
)

// EvalOOS is the intent of a labelled message that no intent covers.
const EvalOOS = "oos"

// Splits of a labelled message.
const (
	SplitTrain = "train"
	SplitVal   = "val"
	SplitTest  = "test"
)

// Report modes: where the reported figures were measured.
const (
	EvalModeTest = "test" // on the test split, with a matcher built on all of train
	EvalModeCV   = "cv"   // by k-fold cross-validation on train (the data has no test split)
)

// EvalLine is one labelled message of a benchmark.
type EvalLine struct {
	Text   string
	Intent string // an intent id, or EvalOOS
	Split  string // SplitTrain, SplitVal or SplitTest
	Line   int    // 1-based line in the data file, for errors
}

// EvalOptions say how to run a benchmark.
type EvalOptions struct {
	// Lang is "ru" or "en" to treat every message as that language; ""
	// or "auto" detects each message's language with DetectLanguage.
	Lang string
	// HoldoutIntents is the share of intents, in [0, 1), removed from
	// training and counted as out of scope in every split.
	HoldoutIntents float64
	// Seed makes the held-out intents and the folds repeatable.
	Seed uint64
	// Folds is the number of cross-validation folds; 0 means 5.
	Folds int
	// Logger receives progress; nil means none.
	Logger *slog.Logger
	// SecondOpinion, when not nil, is asked about the reported messages the
	// matcher would ask to clarify, and EvalResult.LLM says what it changed.
	SecondOpinion *SecondOpinion
}

// EvalCounts are the sizes of a benchmark.
type EvalCounts struct {
	Train    int `json:"train"`     // train lines, held-out intents' included
	Val      int `json:"val"`       // val lines
	Test     int `json:"test"`      // test lines
	Intents  int `json:"intents"`   // intents the final matcher was built with
	HeldOut  int `json:"held_out"`  // intents held out as out of scope
	OOSLines int `json:"oos_lines"` // reported lines that are out of scope
}

// EvalResult is what a benchmark measured. Accuracies are over the
// in-scope reported lines; a message counts as answered when its top
// candidate's confidence reaches Threshold.
type EvalResult struct {
	Mode string `json:"mode"` // EvalModeTest or EvalModeCV
	// ThresholdFrom says what the threshold was chosen on: "val" or "cv".
	ThresholdFrom string `json:"threshold_from"`
	// Accuracy: the top intent is the right one, whatever its confidence.
	Accuracy float64 `json:"accuracy"`
	// InScopeAccuracy: the top intent is right and reaches the threshold.
	InScopeAccuracy float64 `json:"in_scope_accuracy"`
	// OOSRecall: out-of-scope lines left unanswered; nil when there are none.
	OOSRecall *float64 `json:"oos_recall"`
	Threshold float64  `json:"threshold"`
	// MacroF1 averages the F1 of every in-scope intent of the reported
	// lines, with unanswered messages predicted as EvalOOS.
	MacroF1 float64 `json:"macro_f1"`
	// CalibrationError is the expected calibration error of the top
	// candidate's confidence on the in-scope reported lines: the lines are
	// put in ten bins by confidence, and the gaps between each bin's mean
	// confidence and its share of right intents are averaged, weighted by
	// the bins' sizes. 0 means a confidence of 0.9 is right 90 % of the
	// time.
	CalibrationError float64 `json:"calibration_error"`
	// Reliability lists the non-empty bins behind CalibrationError.
	Reliability          []ReliabilityBin `json:"reliability"`
	BuildSeconds         float64          `json:"build_seconds"`
	ClassifyPerSecond    float64          `json:"classify_per_second"`
	P99ClassifyMicros    float64          `json:"p99_classify_microseconds"`
	HeapMB               float64          `json:"heap_mb"`
	Counts               EvalCounts       `json:"counts"`
	HeldOutIntents       []string         `json:"held_out_intents"`
	CrossValidationFolds int              `json:"folds"`
	// LLM is what the second opinion changed; nil without one.
	LLM *EvalLLM `json:"llm,omitempty"`
}

// EvalLLM is the benchmark with a second opinion: the reported messages
// the matcher would ask to clarify are put to the classifier, and
// the figures are recomputed at the same threshold. A message the
// classifier gave an intent counts as answered with it, one it said none
// of counts as not answered, and one it failed on keeps the matcher's
// prediction.
type EvalLLM struct {
	Asked           int      `json:"asked"`  // messages put to the classifier
	Used            int      `json:"used"`   // answers used, an intent or none
	Failed          int      `json:"failed"` // timeouts, errors and answers outside the candidates
	MedianMillis    float64  `json:"median_ms"`
	P99Millis       float64  `json:"p99_ms"`
	Accuracy        float64  `json:"accuracy"`
	InScopeAccuracy float64  `json:"in_scope_accuracy"`
	OOSRecall       *float64 `json:"oos_recall"`
	MacroF1         float64  `json:"macro_f1"`
}

// ReliabilityBin is the lines whose top confidence falls in [From, To).
type ReliabilityBin struct {
	From           float64 `json:"from"`
	To             float64 `json:"to"`
	Lines          int     `json:"lines"`
	MeanConfidence float64 `json:"mean_confidence"`
	Accuracy       float64 `json:"accuracy"`
}

// evalItem is a labelled message ready to match: its language is decided
// and a held-out intent is already EvalOOS.
type evalItem struct {
	text, intent, lang string
}

// prediction is the matcher's top candidate for one item.
type prediction struct {
	gold       string
	top        string
	confidence float64
	opinion    *Opinion // the second opinion, when one was asked
}

// Evaluate benchmarks the matcher on labelled messages. It builds a
// matcher from the train lines as if they were the examples of a YAML
// knowledge base, with DefaultOptions, and scores each message by its top
// candidate and that candidate's confidence; the matcher's clarify rule is
// not used.
//
// The answer threshold is chosen on the val lines (and the train lines of
// held-out intents) when there are val lines, and otherwise on k-fold
// cross-validation of train; never on test. It maximises the mean of
// in-scope accuracy and out-of-scope recall when that data has
// out-of-scope messages, taking the middle of the best thresholds. When it
// has none, it maximises in-scope accuracy alone, which never rises with
// the threshold, so the lowest threshold, 0, wins: without out-of-scope
// examples there is nothing to trade.
//
// The figures are measured on the test lines, or, when there are none, by
// cross-validation on train (Mode says which).
func Evaluate(ctx context.Context, lines []EvalLine, opts EvalOptions) (EvalResult, error) {
	opts, err := checkEvalOptions(opts)
	if err != nil {
		return EvalResult{}, err
	}
	log := opts.Logger

	held := holdOut(lines, opts.HoldoutIntents, opts.Seed)
	var train, val, test []evalItem
	res := EvalResult{HeldOutIntents: slices.Sorted(maps.Keys(held)), CrossValidationFolds: opts.Folds}
	if res.HeldOutIntents == nil {
		res.HeldOutIntents = []string{} // [] rather than null in JSON
	}
	for _, l := range lines {
		if l.Text == "" || l.Intent == "" {
			return EvalResult{}, fmt.Errorf("line %d: text and intent are required", l.Line)
		}
		it := newEvalItem(l, opts.Lang)
		if held[it.intent] {
			it.intent = EvalOOS
		}
		switch l.Split {
		case SplitTrain:
			train = append(train, it)
		case SplitVal:
			val = append(val, it)
		case SplitTest:
			test = append(test, it)
		default:
			return EvalResult{}, fmt.Errorf("line %d: unknown split %q (want train, val or test)", l.Line, l.Split)
		}
	}
	res.Counts = EvalCounts{Train: len(train), Val: len(val), Test: len(test), HeldOut: len(held)}
	if countInScope(train) == 0 {
		return EvalResult{}, fmt.Errorf("no in-scope train lines to build the matcher from")
	}

	// Cross-validation predictions are needed to choose the threshold
	// without val lines, and to report without test lines.
	var cv []prediction
	if len(val) == 0 || len(test) == 0 {
		// The second opinion is asked only about the messages reported on.
		var so *SecondOpinion
		if len(test) == 0 {
			so = opts.SecondOpinion
		}
		cv, err = crossValidate(ctx, train, opts.Folds, opts.Seed, so, log)
		if err != nil {
			return EvalResult{}, err
		}
	}

	log.Info("building the matcher", "examples", countInScope(train))
	runtime.GC()
	start := time.Now()
	k, err := buildEvalKB(train, DefaultOptions)
	if err != nil {
		return EvalResult{}, err
	}
	defer k.Close()
	res.BuildSeconds = time.Since(start).Seconds()
	res.Counts.Intents = len(k.Set().Intents)
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	res.HeapMB = float64(mem.HeapAlloc) / (1 << 20)

	choice := cv
	res.ThresholdFrom = EvalModeCV
	if len(val) > 0 {
		// Held-out intents' train lines were never trained on: they are
		// out-of-scope material for the threshold too.
		tune := val
		for _, it := range train {
			if it.intent == EvalOOS {
				tune = append(tune, it)
			}
		}
		choice, _ = predict(ctx, k, tune, nil, log)
		res.ThresholdFrom = SplitVal
	}
	res.Threshold = chooseThreshold(choice)

	report := cv
	res.Mode = EvalModeCV
	var durations []time.Duration
	var elapsed time.Duration
	if len(test) > 0 {
		res.Mode = EvalModeTest
		start := time.Now()
		report, durations = predict(ctx, k, test, opts.SecondOpinion, log)
		elapsed = time.Since(start)
	} else {
		// Time the full matcher on the train texts: the figures are the
		// cross-validation ones, the speed is the real matcher's.
		start := time.Now()
		_, durations = predict(ctx, k, train, nil, log)
		elapsed = time.Since(start)
	}
	if err := ctx.Err(); err != nil {
		return EvalResult{}, err
	}
	if elapsed > 0 {
		res.ClassifyPerSecond = float64(len(durations)) / elapsed.Seconds()
	}
	res.P99ClassifyMicros = p99(durations)
	fillScores(&res, report)
	if opts.SecondOpinion != nil {
		res.LLM = llmScores(report, res.Threshold)
	}
	log.Info("evaluated", "mode", res.Mode, "threshold", res.Threshold, "accuracy", res.Accuracy)
	return res, nil
}

// checkEvalOptions fills in defaults and rejects values out of range.
func checkEvalOptions(opts EvalOptions) (EvalOptions, error) {
	if opts.Lang == "auto" {
		opts.Lang = ""
	}
	if opts.Lang != "" && !slices.Contains(intents.Languages, opts.Lang) {
		return opts, fmt.Errorf("language %q is not auto or one of %v", opts.Lang, intents.Languages)
	}
	if opts.HoldoutIntents < 0 || opts.HoldoutIntents >= 1 {
		return opts, fmt.Errorf("held-out share %v is not in [0, 1)", opts.HoldoutIntents)
	}
	if opts.Folds == 0 {
		opts.Folds = 5
	}
	if opts.Folds < 2 {
		return opts, fmt.Errorf("folds %d: need at least 2", opts.Folds)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return opts, nil
}

// holdOut chooses ceil(share × intents) of the in-scope intents at random:
// the ids are sorted, shuffled with a generator seeded by seed, and the
// first ones taken, so a seed always holds out the same intents.
func holdOut(lines []EvalLine, share float64, seed uint64) map[string]bool {
	seen := map[string]bool{}
	for _, l := range lines {
		if l.Intent != EvalOOS && l.Intent != "" {
			seen[l.Intent] = true
		}
	}
	ids := slices.Sorted(maps.Keys(seen))
	r := rand.New(rand.NewPCG(seed, seed))
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	n := int(math.Ceil(share * float64(len(ids))))
	held := map[string]bool{}
	for _, id := range ids[:n] {
		held[id] = true
	}
	return held
}

// buildEvalKB builds a matcher whose intents are the in-scope items, each
// with its items as examples in their languages and a placeholder answer
// in each of those languages, so that the set is like a valid YAML one.
// opts are the matcher's thresholds.
func buildEvalKB(items []evalItem, opts Options) (*KB, error) {
	byID := map[string]*intents.Intent{}
	var ins []*intents.Intent
	for _, it := range items {
		if it.intent == EvalOOS {
			continue
		}
		in := byID[it.intent]
		if in == nil {
			in = &intents.Intent{
				ID:        it.intent,
				Examples:  map[string][]string{},
				Answer:    intents.Text{},
				Templates: map[string]*intents.Template{},
			}
			byID[it.intent] = in
			ins = append(ins, in)
		}
		in.Examples[it.lang] = append(in.Examples[it.lang], it.text)
		if in.Templates[it.lang] == nil {
			t, err := intents.ParseTemplate(it.intent, "Answer.")
			if err != nil {
				return nil, fmt.Errorf("answer of intent %s: %w", it.intent, err)
			}
			in.Answer[it.lang] = "Answer."
			in.Templates[it.lang] = t
		}
	}
	k, err := New(intents.NewSet(ins, nil, nil), opts)
	if err != nil {
		return nil, fmt.Errorf("build matcher from train lines: %w", err)
	}
	return k, nil
}

// predict matches every item, one at a time, and returns the top
// candidates and how long each match took. With so, the items it wants
// are put to its classifier too; that time is not in the durations.
func predict(ctx context.Context, k *KB, items []evalItem, so *SecondOpinion, log *slog.Logger) ([]prediction, []time.Duration) {
	preds := make([]prediction, len(items))
	durations := make([]time.Duration, len(items))
	asked := 0
	for i, it := range items {
		start := time.Now()
		res := k.Match(ctx, it.text, it.lang)
		durations[i] = time.Since(start)
		top := res.Top()
		preds[i] = prediction{gold: it.intent, top: top.Intent, confidence: top.Confidence}
		if so != nil && so.Wants(res) {
			preds[i].opinion = k.Consult(ctx, it.text, res, *so).Opinion
			if asked++; asked%100 == 0 {
				log.Info("second opinions", "asked", asked, "of messages", i+1)
			}
		}
	}
	return preds, durations
}

// crossValidate splits train into folds, builds a matcher on all folds but
// one and predicts that one, for each fold in turn. Items are shuffled by
// seed and then dealt out intent by intent, so that every fold has about
// the same share of each intent.
func crossValidate(ctx context.Context, train []evalItem, folds int, seed uint64, so *SecondOpinion, log *slog.Logger) ([]prediction, error) {
	order := make([]int, len(train))
	for i := range order {
		order[i] = i
	}
	r := rand.New(rand.NewPCG(seed, seed))
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(train[a].intent, train[b].intent) })
	fold := make([]int, len(train))
	for pos, i := range order {
		fold[i] = pos % folds
	}

	var preds []prediction
	for f := range folds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var fit, held []evalItem
		for i, it := range train {
			if fold[i] == f {
				held = append(held, it)
			} else {
				fit = append(fit, it)
			}
		}
		if len(held) == 0 {
			continue
		}
		log.Info("cross-validation", "fold", f+1, "of", folds, "train", len(fit), "held", len(held))
		k, err := buildEvalKB(fit, DefaultOptions)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		p, _ := predict(ctx, k, held, so, log)
		k.Close()
		preds = append(preds, p...)
	}
	return preds, nil
}

// chooseThreshold tries 0.00, 0.01, ..., 1.00 and returns the one with the
// best objective (see Evaluate). With out-of-scope predictions it returns
// the middle of the first run of best thresholds, the one furthest from
// both kinds of mistake; without, the lowest, as in-scope accuracy can only
// fall as the threshold rises.
func chooseThreshold(preds []prediction) float64 {
	const steps = 100
	first, last, bestScore := 0, 0, -1.0
	oos := false
	for i := 0; i <= steps; i++ {
		acc, recall, hasOOS := scoresAt(preds, float64(i)/steps)
		oos = hasOOS
		score := acc
		if hasOOS {
			score = (acc + recall) / 2
		}
		switch {
		case score > bestScore+epsilon:
			first, last, bestScore = i, i, score
		case score > bestScore-epsilon && last == i-1:
			last = i // the run of best thresholds goes on
		}
	}
	if !oos {
		return float64(first) / steps
	}
	return float64((first+last)/2) / steps
}

// answered reports whether a prediction reaches threshold t.
func answered(p prediction, t float64) bool {
	return p.top != "" && p.confidence >= t-epsilon
}

// scoresAt returns in-scope accuracy and out-of-scope recall at threshold
// t, and whether there are out-of-scope predictions at all.
func scoresAt(preds []prediction, t float64) (acc, recall float64, hasOOS bool) {
	in, right, oos, refused := 0, 0, 0, 0
	for _, p := range preds {
		if p.gold == EvalOOS {
			oos++
			if !answered(p, t) {
				refused++
			}
			continue
		}
		in++
		if p.top == p.gold && answered(p, t) {
			right++
		}
	}
	return ratio(right, in), ratio(refused, oos), oos > 0
}

// fillScores sets the quality figures of res from the reported predictions.
func fillScores(res *EvalResult, preds []prediction) {
	in, top, oos := 0, 0, 0
	for _, p := range preds {
		if p.gold == EvalOOS {
			oos++
			continue
		}
		in++
		if p.top == p.gold {
			top++
		}
	}
	res.Accuracy = ratio(top, in)
	acc, recall, hasOOS := scoresAt(preds, res.Threshold)
	res.InScopeAccuracy = acc
	if hasOOS {
		res.OOSRecall = &recall
	}
	res.Counts.OOSLines = oos
	res.MacroF1 = macroF1(preds, res.Threshold)
	res.CalibrationError, res.Reliability = calibration(preds)
}

// llmScores recomputes the quality figures with the second opinions
// taken, at threshold t.
func llmScores(preds []prediction, t float64) *EvalLLM {
	out := &EvalLLM{}
	var waits []time.Duration
	taken := make([]prediction, len(preds))
	for i, p := range preds {
		taken[i] = p
		op := p.opinion
		if op == nil {
			continue
		}
		out.Asked++
		waits = append(waits, op.Duration)
		if !op.Used {
			out.Failed++
			continue
		}
		out.Used++
		taken[i].top, taken[i].confidence = op.Intent, 1
		if op.Intent == "" {
			taken[i].confidence = 0
		}
	}
	var res EvalResult
	res.Threshold = t
	fillScores(&res, taken)
	out.Accuracy, out.InScopeAccuracy, out.OOSRecall, out.MacroF1 = res.Accuracy, res.InScopeAccuracy, res.OOSRecall, res.MacroF1
	if len(waits) > 0 {
		slices.Sort(waits)
		out.MedianMillis = float64(waits[len(waits)/2]) / float64(time.Millisecond)
		out.P99Millis = p99(waits) / 1000
	}
	return out
}

// calibration returns the expected calibration error of the in-scope
// predictions over ten equal bins of confidence, and the bins.
func calibration(preds []prediction) (float64, []ReliabilityBin) {
	const bins = 10
	var count, right [bins]int
	var conf [bins]float64
	total := 0
	for _, p := range preds {
		if p.gold == EvalOOS {
			continue
		}
		b := min(int(p.confidence*bins), bins-1)
		count[b]++
		conf[b] += p.confidence
		if p.top == p.gold {
			right[b]++
		}
		total++
	}
	out := []ReliabilityBin{}
	ece := 0.0
	for b := range bins {
		if count[b] == 0 {
			continue
		}
		bin := ReliabilityBin{
			From:           float64(b) / bins,
			To:             float64(b+1) / bins,
			Lines:          count[b],
			MeanConfidence: conf[b] / float64(count[b]),
			Accuracy:       ratio(right[b], count[b]),
		}
		out = append(out, bin)
		ece += float64(count[b]) / float64(total) * math.Abs(bin.MeanConfidence-bin.Accuracy)
	}
	return ece, out
}

// macroF1 is the mean F1 over the in-scope intents of the gold labels,
// predicting EvalOOS for a message below the threshold.
func macroF1(preds []prediction, t float64) float64 {
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	classes := map[string]bool{}
	for _, p := range preds {
		got := EvalOOS
		if answered(p, t) {
			got = p.top
		}
		if p.gold != EvalOOS {
			classes[p.gold] = true
		}
		if got == p.gold {
			tp[got]++
			continue
		}
		fp[got]++
		fn[p.gold]++
	}
	if len(classes) == 0 {
		return 0
	}
	sum := 0.0
	for c := range classes {
		if tp[c] > 0 {
			sum += 2 * float64(tp[c]) / float64(2*tp[c]+fp[c]+fn[c])
		}
	}
	return sum / float64(len(classes))
}

// p99 returns the 99th percentile of durations in microseconds.
func p99(durations []time.Duration) float64 {
	if len(durations) == 0 {
		return 0
	}
	sorted := slices.Clone(durations)
	slices.Sort(sorted)
	i := int(math.Ceil(0.99*float64(len(sorted)))) - 1
	return float64(sorted[max(i, 0)]) / float64(time.Microsecond)
}

// countInScope returns how many items have an intent.
func countInScope(items []evalItem) int {
	n := 0
	for _, it := range items {
		if it.intent != EvalOOS {
			n++
		}
	}
	return n
}

// ratio returns a/b, or 0 when b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
