package kb

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/firstline-support/firstline/intents"
)

// The guard decides whether an edit of the knowledge base may be saved:
// the edited knowledge base must pass its own tests, and no intent may
// get noticeably worse at recognising its examples.
//
// An intent's accuracy is measured by GuardFolds-fold cross-validation:
// every example is matched by a matcher built without its fold, and counts
// as right when its intent is the top candidate. Matching the examples
// with a matcher built on all of them would not do: each finds itself and
// is right whatever was added elsewhere. The top candidate is used rather
// than the decision to answer, because the decision also depends on the
// calibration, which every edit refits a little and which moves borderline
// answers of every intent at once.
const (
	// GuardFolds is the number of cross-validation folds. An example's
	// fold follows from its text, so that it is the same before and after
	// an edit.
	GuardFolds = 5
	// GuardTolerance is how far an intent's cross-validated accuracy may
	// fall before the edit is blocked: 5 percentage points...
	GuardTolerance = 0.05
	// GuardSlack ...or this many of its examples, if that is more. On the
	// demo knowledge base (about 30 examples an intent), adding a test
	// message to its own intent moved some other intent by one or two
	// examples, and adding it to a wrong intent by up to four.
	GuardSlack = 2
	// GuardNoise ...or this many standard errors of the intent's accuracy,
	// if that is more. An accuracy measured on n held-out examples moves
	// by about sqrt(p(1-p)/n) when other examples are drawn: 0.14 for an
	// intent of ten examples right seven times in ten, 0.12 for one of
	// thirty right half the time. A fall within it is what another sample
	// of the same intent would show, not harm done by the edit. One rather
	// than two: before and after are measured on the same examples, which
	// moves them together, and on the test knowledge base two let an
	// intent lose three of its sixteen examples to another's.
	GuardNoise = 1
)

// GuardCase is a message the edited knowledge base gets wrong.
type GuardCase struct {
	Message string
	Lang    string      // the language it was matched in; "" when detected
	Expect  string      // the intent it should go to, or intents.ExpectEscalate
	Got     string      // what it got: an intent, "clarify: a or b", or "none"
	Pos     intents.Pos // where a test is written, before the edit if it was there; zero for an example
}

// IntentScore is one intent's cross-validated accuracy before and after
// an edit. Before and After are measured on the same held-out examples,
// those the intent has on both sides: an example the edit adds is not yet
// recognised by the others, and counting it after but not before would
// make every addition of a new wording look like a fall.
type IntentScore struct {
	Intent   string
	Examples int     // examples after the edit
	Compared int     // examples before and after the edit: Before and After are over these
	Before   float64 // -1 for an intent the edit creates
	After    float64
	// Added are the examples the edit gives the intent, and AddedRight how
	// many of them the others recognise; for a new intent, all of them.
	Added      int
	AddedRight int
	// Allowed is the largest fall that does not block: GuardTolerance,
	// GuardSlack examples' worth, or GuardNoise standard errors of Before,
	// whichever is the most.
	Allowed float64
	// Lost are the examples right before the edit and wrong after it.
	Lost []GuardCase
}

// Blocks reports whether the intent fell by more than it is allowed to.
func (s IntentScore) Blocks() bool {
	return s.Before >= 0 && s.Before-s.After > s.Allowed+epsilon
}

// GuardReport is what the guard found about an edit.
type GuardReport struct {
	Tests int // tests run on the edited knowledge base
	// Failed are the tests the edited knowledge base fails that passed
	// before it, or are new: each blocks the edit.
	Failed []GuardCase
	// AlreadyFailing are tests that fail before and after the edit: they
	// are reported, but do not block it, or no edit, not even the one that
	// fixes them, could be saved.
	AlreadyFailing []GuardCase
	// Intents are every intent's scores, worst fall first.
	Intents  []IntentScore
	Duration time.Duration
}

// Blocked reports whether the edit must not be saved.
func (r *GuardReport) Blocked() bool {
	if len(r.Failed) > 0 {
		return true
	}
	for _, s := range r.Intents {
		if s.Blocks() {
			return true
		}
	}
	return false
}

// maxSummaryItems is how many failing tests and intents Summary names.
const maxSummaryItems = 5

// Summary says in one line what blocks the edit, for the audit log of an
// edit saved over it: the tests it breaks and the intents that fall too
// far, the first few of each; "" when nothing blocks it.
func (r *GuardReport) Summary() string {
	var parts []string
	if len(r.Failed) > 0 {
		var tests []string
		for _, c := range r.Failed[:min(len(r.Failed), maxSummaryItems)] {
			tests = append(tests, fmt.Sprintf("%q want %s, got %s", c.Message, c.Expect, c.Got))
		}
		if len(r.Failed) > maxSummaryItems {
			tests = append(tests, fmt.Sprintf("%d more", len(r.Failed)-maxSummaryItems))
		}
		parts = append(parts, fmt.Sprintf("%d tests fail: %s", len(r.Failed), strings.Join(tests, "; ")))
	}
	var worse []string
	for _, s := range r.Intents {
		if s.Blocks() {
			worse = append(worse, fmt.Sprintf("%s %.2f → %.2f (allowed fall %.2f)", s.Intent, s.Before, s.After, s.Allowed))
		}
	}
	if len(worse) > 0 {
		n := len(worse)
		if n > maxSummaryItems {
			worse = append(worse[:maxSummaryItems], fmt.Sprintf("%d more", n-maxSummaryItems))
		}
		parts = append(parts, fmt.Sprintf("%d intents worse: %s", n, strings.Join(worse, "; ")))
	}
	return strings.Join(parts, "; ")
}

// Baseline is the guard's measure of a knowledge base as it is, against
// which edits of it are checked. Measuring takes about as long as checking
// an edit, so a panel keeps the baseline of the knowledge base in use and
// checks every proposed edit against it.
type Baseline struct {
	opts     Options
	measured measurement
}

// measurement is one knowledge base's test results and cross-validated
// examples.
type measurement struct {
	tests    map[string]TestResult // by testKey
	order    []string              // test keys, in file order
	examples map[string]bool       // by exampleKey: right in cross-validation
	intents  map[string][2]int     // intent → right, total
	got      map[string]string     // exampleKey → the top intent of an example that was wrong
}

// NewBaseline measures set, matching with opts.
func NewBaseline(ctx context.Context, set *intents.Set, opts Options) (*Baseline, error) {
	m, err := measure(ctx, set, opts)
	if err != nil {
		return nil, fmt.Errorf("guard: measure the knowledge base: %w", err)
	}
	return &Baseline{opts: opts, measured: m}, nil
}

// Check measures the edited knowledge base and compares it with the
// baseline.
func (b *Baseline) Check(ctx context.Context, edited *intents.Set) (*GuardReport, error) {
	start := time.Now()
	after, err := measure(ctx, edited, b.opts)
	if err != nil {
		return nil, fmt.Errorf("guard: measure the edited knowledge base: %w", err)
	}
	r := compare(b.measured, after)
	r.Duration = time.Since(start)
	return r, nil
}

// Guard checks an edit of the knowledge base before, giving after: it is
// NewBaseline and Check in one.
func Guard(ctx context.Context, before, after *intents.Set, opts Options) (*GuardReport, error) {
	start := time.Now()
	b, err := NewBaseline(ctx, before, opts)
	if err != nil {
		return nil, err
	}
	r, err := b.Check(ctx, after)
	if err != nil {
		return nil, err
	}
	r.Duration = time.Since(start)
	return r, nil
}

// compare lists what after gets wrong that before got right.
func compare(before, after measurement) *GuardReport {
	r := &GuardReport{Tests: len(after.order)}
	for _, key := range after.order {
		res := after.tests[key]
		if res.Pass {
			continue
		}
		c := testCase(res)
		was, ok := before.tests[key]
		if ok {
			// Where the test is written in the files as they are: the
			// edit may move it down, but is not saved yet.
			c.Pos = was.Case.Pos
		}
		if ok && !was.Pass {
			r.AlreadyFailing = append(r.AlreadyFailing, c)
		} else {
			r.Failed = append(r.Failed, c)
		}
	}
	// Before and after over the examples an intent has on both sides.
	type counts struct{ before, after, compared, added, addedRight int }
	per := map[string]*counts{}
	for id := range after.intents {
		per[id] = &counts{}
	}
	for key, right := range after.examples {
		id, _, _ := splitExampleKey(key)
		n := per[id]
		was, ok := before.examples[key]
		if !ok {
			n.added++
			if right {
				n.addedRight++
			}
			continue
		}
		n.compared++
		if was {
			n.before++
		}
		if right {
			n.after++
		}
	}
	for id, n := range per {
		s := IntentScore{
			Intent:     id,
			Examples:   after.intents[id][1],
			Compared:   n.compared,
			Before:     -1,
			After:      ratio(n.addedRight, n.added),
			Added:      n.added,
			AddedRight: n.addedRight,
			Allowed:    GuardTolerance,
		}
		if _, ok := before.intents[id]; ok && n.compared > 0 {
			s.Before = ratio(n.before, n.compared)
			s.After = ratio(n.after, n.compared)
			s.Allowed = allowedFall(s.Before, n.compared)
		}
		r.Intents = append(r.Intents, s)
	}
	for key, right := range after.examples {
		if right || !before.examples[key] {
			continue
		}
		id, lang, text := splitExampleKey(key)
		for i := range r.Intents {
			if r.Intents[i].Intent == id {
				r.Intents[i].Lost = append(r.Intents[i].Lost, GuardCase{
					Message: text, Lang: lang, Expect: id, Got: after.got[key],
				})
			}
		}
	}
	for i := range r.Intents {
		slices.SortFunc(r.Intents[i].Lost, func(a, b GuardCase) int { return cmp.Compare(a.Message, b.Message) })
	}
	slices.SortFunc(r.Intents, func(a, b IntentScore) int {
		return cmp.Or(cmp.Compare(b.Before-b.After, a.Before-a.After), cmp.Compare(a.Intent, b.Intent))
	})
	return r
}

// allowedFall is how far an accuracy p measured on n held-out examples
// may fall before it blocks: GuardTolerance, GuardSlack examples, or
// GuardNoise binomial standard errors, whichever is the most.
func allowedFall(p float64, n int) float64 {
	stderr := math.Sqrt(p * (1 - p) / float64(n))
	return max(GuardTolerance, float64(GuardSlack)/float64(n), GuardNoise*stderr)
}

// measure runs set's tests on a matcher built from all of it, and matches
// every example with a matcher built without the example's fold. The
// matchers are built side by side, as many at once as there are CPUs.
func measure(ctx context.Context, set *intents.Set, opts Options) (measurement, error) {
	m := measurement{
		tests:    map[string]TestResult{},
		examples: map[string]bool{},
		intents:  map[string][2]int{},
		got:      map[string]string{},
	}
	type foldResult struct {
		tests []TestResult
		got   map[string]string // exampleKey → top intent
		err   error
	}
	// Job 0 builds on everything and runs the tests; job f+1 is fold f.
	results := make([]foldResult, GuardFolds+1)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(results)) {
		wg.Go(func() {
			for j := range jobs {
				results[j].tests, results[j].got, results[j].err = runJob(ctx, set, opts, j-1)
			}
		})
	}
	for j := range results {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	for j, res := range results {
		if res.err != nil {
			if j == 0 {
				return m, res.err
			}
			return m, fmt.Errorf("fold %d: %w", j, res.err)
		}
	}
	if err := ctx.Err(); err != nil {
		return m, err
	}
	for _, res := range results[0].tests {
		key := testKey(res.Case)
		m.tests[key] = res
		m.order = append(m.order, key)
	}
	for _, in := range set.Intents {
		for _, lang := range intents.Languages {
			for _, text := range in.Examples[lang] {
				key := exampleKey(in.ID, lang, text)
				got := results[foldOf(text)+1].got[key]
				right := got == in.ID
				m.examples[key] = right
				n := m.intents[in.ID]
				n[1]++
				if right {
					n[0]++
				} else {
					m.got[key] = cmp.Or(got, "none")
				}
				m.intents[in.ID] = n
			}
		}
	}
	return m, nil
}

// runJob builds one matcher: with fold < 0 on all of set, to run its tests;
// otherwise without fold's examples, to match them.
func runJob(ctx context.Context, set *intents.Set, opts Options, fold int) ([]TestResult, map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if fold < 0 {
		if len(set.Tests) == 0 {
			return nil, nil, nil
		}
		k, err := New(set, opts)
		if err != nil {
			return nil, nil, err
		}
		defer k.Close()
		return RunTests(ctx, k), nil, nil
	}
	k, err := New(foldSet(set, fold), opts)
	if err != nil {
		return nil, nil, err
	}
	defer k.Close()
	got := map[string]string{}
	for _, in := range set.Intents {
		for _, lang := range intents.Languages {
			for _, text := range in.Examples[lang] {
				if foldOf(text) == fold {
					got[exampleKey(in.ID, lang, text)] = k.Match(ctx, text, lang).Top().Intent
				}
			}
		}
	}
	return nil, got, nil
}

// foldSet returns set without the examples of fold f. An intent left with
// no examples is left out.
func foldSet(set *intents.Set, f int) *intents.Set {
	var ins []*intents.Intent
	for _, in := range set.Intents {
		c := *in
		c.Examples = map[string][]string{}
		n := 0
		for lang, list := range in.Examples {
			for _, text := range list {
				if foldOf(text) != f {
					c.Examples[lang] = append(c.Examples[lang], text)
					n++
				}
			}
		}
		if n > 0 {
			ins = append(ins, &c)
		}
	}
	return intents.NewSet(ins, nil, nil)
}

// foldOf returns the fold of an example, from its text as compared for
// duplicates, so that it does not move when other examples are added.
func foldOf(text string) int {
	h := fnv.New32a()
	h.Write([]byte(intents.NormalizeExample(text)))
	return int(h.Sum32() % GuardFolds)
}

// testCase turns a failed test into a GuardCase.
func testCase(res TestResult) GuardCase {
	return GuardCase{
		Message: res.Case.Message,
		Lang:    res.Case.Lang,
		Expect:  res.Case.Expect,
		Got:     outcome(res.Got),
		Pos:     res.Case.Pos,
	}
}

// outcome says what a match decided, in a word or two.
func outcome(r Result) string {
	switch r.Decision {
	case DecisionAnswer:
		return r.Intent
	case DecisionClarify:
		if len(r.Offer) > 1 {
			return "clarify: " + strings.Join(r.Offer, " or ")
		}
	}
	return string(r.Decision)
}

// testKey identifies a test across an edit, which moves its line.
func testKey(c intents.TestCase) string {
	return c.Message + "\x00" + c.Lang + "\x00" + c.Expect
}

// exampleKey identifies an example across an edit.
func exampleKey(id, lang, text string) string {
	return id + "\x00" + lang + "\x00" + text
}

func splitExampleKey(key string) (id, lang, text string) {
	id, rest, _ := strings.Cut(key, "\x00")
	lang, text, _ = strings.Cut(rest, "\x00")
	return id, lang, text
}
