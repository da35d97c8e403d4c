package kb

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"

	"github.com/firstline-support/firstline/intents"
)

// ShotsOptions say how to run a few-shot benchmark.
type ShotsOptions struct {
	// Lang is "ru" or "en" to treat every message as that language; ""
	// or "auto" detects each message's language.
	Lang string
	// Shots lists the examples per intent to build with, one row each; 0
	// means all of an intent's train lines.
	Shots []int
	// Seed chooses the examples; Seeds runs Seed, Seed+1, ... and
	// averages them. Seeds 0 means 1.
	Seed  uint64
	Seeds int
	// Matching are the thresholds the matcher decides with; a zero value
	// means DefaultOptions.
	Matching Options
}

// ShotsRow is what a few-shot benchmark measured for one K. The counts
// are means over the seeds; right + wrong + options + none = in scope.
type ShotsRow struct {
	Shots int `json:"shots"` // examples per intent; 0 means all
	Seeds int `json:"seeds"` // seeds averaged
	// Intents and Examples are the size of the knowledge base built.
	Intents  int     `json:"intents"`
	Examples float64 `json:"examples"`
	// InScope is the number of in-scope messages asked.
	InScope float64 `json:"in_scope"`
	// Right and Wrong: the decision was to answer, with the right intent
	// or another one.
	Right float64 `json:"right"`
	Wrong float64 `json:"wrong"`
	// Options: the decision was to ask which of the first two candidates
	// was meant, and the right intent was one of them.
	Options float64 `json:"options"`
	// None: no answer, or a question offering only wrong intents.
	None float64 `json:"none"`
	// OOS is the number of out-of-scope messages asked, OOSAnswered how
	// many of them got an answer.
	OOS         float64 `json:"oos"`
	OOSAnswered float64 `json:"oos_answered"`
	// Precision is right answers over all answers, out-of-scope ones
	// included, over all seeds together; 0 when nothing was answered.
	Precision float64 `json:"precision"`
	// CalibrationError is that of Evaluate, on the in-scope messages,
	// averaged over the seeds.
	CalibrationError float64 `json:"calibration_error"`
}

// ShotsResult is a few-shot benchmark.
type ShotsResult struct {
	// Test says what was asked: "test" for the test split, "train" for
	// the train lines not chosen as examples (the data has no test split).
	Test string `json:"test"`
	Seed uint64 `json:"seed"`
	// The thresholds the matcher decided with.
	AnswerThreshold  float64    `json:"answer_threshold"`
	ClarifyThreshold float64    `json:"clarify_threshold"`
	ClarifyMargin    float64    `json:"clarify_margin"`
	Rows             []ShotsRow `json:"rows"`
}

// EvaluateShots measures the matcher built on few examples per intent. For
// each K of opts.Shots and each seed, it builds a knowledge base from K
// train lines of every intent (all of an intent's lines when it has no
// more than K, or when K is 0), chosen at random with the seed, and asks
// it the test lines; without test lines, it asks the train lines not
// chosen, so K 0 is refused then. Val lines are not used. A message's
// outcome is the matcher's own Decision at opts.Matching: nothing is tuned.
// The examples for K are the first K of the same shuffle for every K, so
// a seed's 5 examples are among its 10. K 0 does not depend on the seed and
// is measured once.
func EvaluateShots(ctx context.Context, lines []EvalLine, opts ShotsOptions) (ShotsResult, error) {
	if opts.Lang == "auto" {
		opts.Lang = ""
	}
	if opts.Lang != "" && !slices.Contains(intents.Languages, opts.Lang) {
		return ShotsResult{}, fmt.Errorf("language %q is not auto or one of %v", opts.Lang, intents.Languages)
	}
	if opts.Seeds == 0 {
		opts.Seeds = 1
	}
	if opts.Seeds < 0 {
		return ShotsResult{}, fmt.Errorf("seeds %d: need at least 1", opts.Seeds)
	}
	if len(opts.Shots) == 0 {
		return ShotsResult{}, fmt.Errorf("no shots to measure")
	}
	if opts.Matching == (Options{}) {
		opts.Matching = DefaultOptions
	}
	var train, test []evalItem
	for _, l := range lines {
		if l.Text == "" || l.Intent == "" {
			return ShotsResult{}, fmt.Errorf("line %d: text and intent are required", l.Line)
		}
		it := newEvalItem(l, opts.Lang)
		switch l.Split {
		case SplitTrain:
			train = append(train, it)
		case SplitTest:
			test = append(test, it)
		case SplitVal:
		default:
			return ShotsResult{}, fmt.Errorf("line %d: unknown split %q (want train, val or test)", l.Line, l.Split)
		}
	}
	if countInScope(train) == 0 {
		return ShotsResult{}, fmt.Errorf("no in-scope train lines to build the matcher from")
	}
	res := ShotsResult{
		Test:             SplitTest,
		Seed:             opts.Seed,
		AnswerThreshold:  opts.Matching.AnswerThreshold,
		ClarifyThreshold: opts.Matching.ClarifyThreshold,
		ClarifyMargin:    opts.Matching.ClarifyMargin,
	}
	if len(test) == 0 {
		res.Test = SplitTrain
	}
	for _, k := range opts.Shots {
		if k < 0 {
			return ShotsResult{}, fmt.Errorf("shots %d: need 0 or more", k)
		}
		if k == 0 && len(test) == 0 {
			return ShotsResult{}, fmt.Errorf("shots 0 uses all of train, and without a test split nothing is left to ask")
		}
	}
	for _, k := range opts.Shots {
		seeds := opts.Seeds
		if k == 0 {
			seeds = 1
		}
		var sum shotsCounts
		cal := 0.0
		row := ShotsRow{Shots: k, Seeds: seeds}
		for i := range seeds {
			if err := ctx.Err(); err != nil {
				return ShotsResult{}, err
			}
			examples, rest := chooseShots(train, k, opts.Seed+uint64(i))
			asked := test
			if len(test) == 0 {
				asked = rest
			}
			c, err := runShots(ctx, examples, asked, opts.Matching)
			if err != nil {
				return ShotsResult{}, fmt.Errorf("shots %d, seed %d: %w", k, opts.Seed+uint64(i), err)
			}
			row.Intents = c.intents
			sum.add(c)
			cal += c.calibration
		}
		n := float64(seeds)
		row.Examples = float64(sum.examples) / n
		row.InScope = float64(sum.inScope) / n
		row.Right = float64(sum.right) / n
		row.Wrong = float64(sum.wrong) / n
		row.Options = float64(sum.options) / n
		row.None = float64(sum.none) / n
		row.OOS = float64(sum.oos) / n
		row.OOSAnswered = float64(sum.oosAnswered) / n
		row.Precision = ratio(sum.right, sum.right+sum.wrong+sum.oosAnswered)
		row.CalibrationError = cal / n
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// newEvalItem returns line as an item in lang, or in its detected
// language when lang is "".
func newEvalItem(l EvalLine, lang string) evalItem {
	it := evalItem{text: l.Text, intent: l.Intent, lang: lang}
	if it.lang == "" {
		it.lang = DetectLanguage(Normalize(l.Text), DefaultOptions.DefaultLanguage)
	}
	return it
}

// chooseShots returns k in-scope items of every intent of train, and the
// rest of train. Each intent's items are shuffled by a generator seeded
// with seed, the intents taken in the order of their ids; k 0 takes all.
func chooseShots(train []evalItem, k int, seed uint64) (chosen, rest []evalItem) {
	byIntent := map[string][]evalItem{}
	for _, it := range train {
		if it.intent == EvalOOS {
			rest = append(rest, it)
			continue
		}
		byIntent[it.intent] = append(byIntent[it.intent], it)
	}
	r := rand.New(rand.NewPCG(seed, seed))
	for _, id := range slices.Sorted(maps.Keys(byIntent)) {
		items := byIntent[id]
		r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		n := len(items)
		if k > 0 {
			n = min(k, n)
		}
		chosen = append(chosen, items[:n]...)
		rest = append(rest, items[n:]...)
	}
	return chosen, rest
}

// shotsCounts are the outcomes of one knowledge base on its messages.
type shotsCounts struct {
	intents, examples                    int
	inScope, right, wrong, options, none int
	oos, oosAnswered                     int
	calibration                          float64
}

// add adds the counts of c, not its intents and calibration.
func (s *shotsCounts) add(c shotsCounts) {
	s.examples += c.examples
	s.inScope += c.inScope
	s.right += c.right
	s.wrong += c.wrong
	s.options += c.options
	s.none += c.none
	s.oos += c.oos
	s.oosAnswered += c.oosAnswered
}

// runShots builds a knowledge base from examples and sorts each asked
// message by the matcher's decision.
func runShots(ctx context.Context, examples, asked []evalItem, opts Options) (shotsCounts, error) {
	k, err := buildEvalKB(examples, opts)
	if err != nil {
		return shotsCounts{}, err
	}
	defer k.Close()
	c := shotsCounts{intents: len(k.Set().Intents), examples: countInScope(examples)}
	preds := make([]prediction, 0, len(asked))
	for _, it := range asked {
		res := k.Match(ctx, it.text, it.lang)
		top := res.Top()
		preds = append(preds, prediction{gold: it.intent, top: top.Intent, confidence: top.Confidence})
		if it.intent == EvalOOS {
			c.oos++
			if res.Decision == DecisionAnswer {
				c.oosAnswered++
			}
			continue
		}
		c.inScope++
		switch {
		case res.Decision == DecisionAnswer && res.Intent == it.intent:
			c.right++
		case res.Decision == DecisionAnswer:
			c.wrong++
		case res.Decision == DecisionClarify && offered(res, it.intent):
			c.options++
		default:
			c.none++
		}
	}
	c.calibration, _ = calibration(preds)
	return c, nil
}

// offered reports whether intent is one of the options offered.
func offered(res Result, intent string) bool {
	return slices.Contains(res.Offer, intent)
}
