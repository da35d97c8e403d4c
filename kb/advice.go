package kb

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/firstline-support/firstline/intents"
)

// Advise tells the admin of a knowledge base which intents need work,
// from cross-validation: every example is matched, at the thresholds in
// use, by a matcher built without it, as a customer's question the
// knowledge base does not have word for word. What happens to an intent's
// held-out examples is what to expect of its customers' questions.
//
// The folds are stratified: the examples of each intent and language go
// round the folds in file order, so an intent with no more examples in a
// language than there are folds is left out one example at a time, as in
// leave-one-out, and every fold keeps most of every intent. The number of
// folds is at most AdviceFolds, which bounds the cost at that many builds
// however big the knowledge base.
const (
	// AdviceFolds is the most folds Advise builds a matcher for. On the
	// demo knowledge base (35 intents, 1,140 examples) ten builds and the
	// matching take about 1.4 s of CPU, 0.7 s on two idle cores
	// (BenchmarkAdvise).
	AdviceFolds = 10
	// AdviceMinExamples: an intent with fewer examples than this in a
	// language it has is flagged. With five examples per intent the
	// matcher answers about a quarter of BANKING77's test messages right,
	// with ten about a half (README, "Few examples per intent"); below
	// five most questions go unanswered.
	AdviceMinExamples = 5
	// AdviceConfused: two intents are too alike in a language when their
	// held-out examples there were answered as each other's, or offered
	// together as "A or B?", for at least this share (one in ten) of the
	// two intents' examples together, and more than once. On the demo
	// knowledge base this names pairs such as a tariff list and a change
	// of tariff, and no pair mixed up only once or twice in thirty.
	AdviceConfused = 0.1
	// AdviceWeak: an intent whose held-out examples in a language are
	// answered right less often than this (three in ten) is flagged,
	// whatever its size. On the demo knowledge base about half of them
	// are answered right, and most of the rest not answered at all.
	AdviceWeak = 0.3
	// adviceQuotes is how many examples a finding quotes.
	adviceQuotes = 3
	// adviceTolerance absorbs floating-point noise in the shares above,
	// so that 3 of 30 counts as one in ten.
	adviceTolerance = 1e-9
)

// Advice is what cross-validation says about a knowledge base.
type Advice struct {
	Folds     int      // matchers built, each without one fold
	Examples  int      // examples in all
	Languages []string // the languages the knowledge base has examples in
	// Intents are every intent, in file order.
	Intents []IntentAdvice
	// Pairs are the intents too alike to tell apart, most confused first.
	Pairs []ConfusedPair
	// Right, Wrong, Offered and None add up the outcomes of every
	// intent's held-out examples (see LangAdvice).
	Right, Wrong, Offered, None int
	Duration                    time.Duration
}

// IntentAdvice is what cross-validation says about one intent.
type IntentAdvice struct {
	Intent string
	Pos    intents.Pos // where the intent is written
	// Langs has one entry for each language the intent has examples in,
	// in the order of intents.Languages.
	Langs []LangAdvice
	// MissingLangs are the languages the knowledge base has and the intent
	// has no examples in: questions in them are matched to it only by the
	// words the languages share.
	MissingLangs []string
	// Alike are the intents it is too alike to, in the order of Pairs.
	Alike []string
}

// Flagged reports whether the intent needs the admin's attention.
func (a IntentAdvice) Flagged() bool {
	if len(a.MissingLangs) > 0 || len(a.Alike) > 0 {
		return true
	}
	for _, l := range a.Langs {
		if l.Few || l.Weak {
			return true
		}
	}
	return false
}

// LangAdvice is what happened to an intent's held-out examples in one
// language. Right + Wrong + Offered + None = Examples.
type LangAdvice struct {
	Lang     string
	Examples int
	Right    int // answered with the intent
	Offered  int // asked "A or B?" with the intent among the options
	None     int // not answered, or asked about other intents only
	// Wrong lists the other intents answered instead, most first.
	Wrong []Confusion
	// Asked lists the other intents offered with this one, most first.
	Asked []Confusion
	// Missed are examples not answered right, in file order, at most a
	// few: the wordings nothing else in the knowledge base covers.
	Missed []string
	// Few: fewer than AdviceMinExamples examples.
	Few bool
	// Weak: answered right less often than AdviceWeak.
	Weak bool
}

// WrongCount is how many of the held-out examples were answered with
// another intent.
func (l LangAdvice) WrongCount() int {
	n := 0
	for _, c := range l.Wrong {
		n += c.Count
	}
	return n
}

// Confusion is another intent some held-out examples were answered with.
type Confusion struct {
	Intent   string
	Count    int
	Examples []string // the first few of them, in file order
}

// ConfusedPair is two intents whose examples in a language are answered
// as each other's too often to tell them apart.
type ConfusedPair struct {
	Lang string
	// A is the intent more of whose examples went to B, answered or
	// asked about, or the first by id on a tie.
	A, B      string
	AExamples int // A's examples in Lang
	BExamples int
	AasB      int // A's held-out examples answered as B
	BasA      int
	AorB      int // A's held-out examples the bot asked "A or B?" about
	BorA      int
	// AasBExamples and BasAExamples quote a few of those answered wrong.
	AasBExamples []string
	BasAExamples []string
}

// outcome kinds of a held-out example.
const (
	heldRight = iota
	heldWrong
	heldOffered
	heldNone
)

// heldOut is what the matcher built without an example did with it.
type heldOut struct {
	kind   int
	intent string   // the intent answered, for heldWrong
	offer  []string // the intents offered, for heldOffered
}

// Advise cross-validates set at opts and reports on every intent. It
// builds up to AdviceFolds matchers, as many at once as there are CPUs.
func Advise(ctx context.Context, set *intents.Set, opts Options) (*Advice, error) {
	start := time.Now()
	if set == nil {
		return nil, fmt.Errorf("advise: no intents")
	}
	a := &Advice{}
	longest := 0
	for _, lang := range intents.Languages {
		has := false
		for _, in := range set.Intents {
			n := len(in.Examples[lang])
			a.Examples += n
			longest = max(longest, n)
			has = has || n > 0
		}
		if has {
			a.Languages = append(a.Languages, lang)
		}
	}
	a.Folds = min(AdviceFolds, longest)

	got, err := adviceFolds(ctx, set, opts, a.Folds)
	if err != nil {
		return nil, fmt.Errorf("advise: %w", err)
	}
	for j, in := range set.Intents {
		ia := IntentAdvice{Intent: in.ID, Pos: in.Pos}
		for _, lang := range a.Languages {
			if len(in.Examples[lang]) == 0 {
				ia.MissingLangs = append(ia.MissingLangs, lang)
				continue
			}
			la := tally(in.ID, lang, in.Examples[lang], got[j][lang])
			a.Right += la.Right
			a.Offered += la.Offered
			a.None += la.None
			a.Wrong += la.WrongCount()
			ia.Langs = append(ia.Langs, la)
		}
		a.Intents = append(a.Intents, ia)
	}
	a.findPairs()
	a.Duration = time.Since(start)
	return a, nil
}

// tally sorts the held-out examples of one intent in one language by what
// happened to them.
func tally(id, lang string, examples []string, got []heldOut) LangAdvice {
	la := LangAdvice{Lang: lang, Examples: len(examples)}
	for i, h := range got {
		text := examples[i]
		switch h.kind {
		case heldRight:
			la.Right++
			continue
		case heldOffered:
			la.Offered++
			// The intent it was mistaken for is the best other one
			// offered; a third option says little about either.
			other := h.offer[0]
			if other == id && len(h.offer) > 1 {
				other = h.offer[1]
			}
			if other != id {
				la.Asked = addConfusion(la.Asked, other, text)
			}
		case heldNone:
			la.None++
		case heldWrong:
			la.Wrong = addConfusion(la.Wrong, h.intent, text)
		}
		if len(la.Missed) < adviceQuotes {
			la.Missed = append(la.Missed, text)
		}
	}
	sortConfusions(la.Wrong)
	sortConfusions(la.Asked)
	la.Few = la.Examples < AdviceMinExamples
	la.Weak = float64(la.Right) < AdviceWeak*float64(la.Examples)-adviceTolerance
	return la
}

// addConfusion counts example text as mixed up with intent id.
func addConfusion(list []Confusion, id, text string) []Confusion {
	k := slices.IndexFunc(list, func(c Confusion) bool { return c.Intent == id })
	if k < 0 {
		list = append(list, Confusion{Intent: id})
		k = len(list) - 1
	}
	list[k].Count++
	if len(list[k].Examples) < adviceQuotes {
		list[k].Examples = append(list[k].Examples, text)
	}
	return list
}

// sortConfusions puts the intents mixed up most often first, ties by id.
func sortConfusions(list []Confusion) {
	slices.SortStableFunc(list, func(a, b Confusion) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Intent, b.Intent))
	})
}

// findPairs lists the pairs of intents too alike in some language, and
// names each intent's partners.
func (a *Advice) findPairs() {
	type key struct{ lang, a, b string }
	seen := map[key]bool{}
	byID := map[string]*IntentAdvice{}
	for i := range a.Intents {
		byID[a.Intents[i].Intent] = &a.Intents[i]
	}
	for _, in := range a.Intents {
		for _, la := range in.Langs {
			for _, c := range slices.Concat(la.Wrong, la.Asked) {
				k := key{la.Lang, min(in.Intent, c.Intent), max(in.Intent, c.Intent)}
				if seen[k] {
					continue
				}
				seen[k] = true
				p := ConfusedPair{Lang: la.Lang, A: k.a, B: k.b}
				p.fill(byID[k.a], byID[k.b])
				if p.alike() {
					a.Pairs = append(a.Pairs, p)
				}
			}
		}
	}
	slices.SortStableFunc(a.Pairs, func(x, y ConfusedPair) int {
		return cmp.Or(cmp.Compare(y.mixups(), x.mixups()), cmp.Compare(x.Lang, y.Lang),
			cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	for _, p := range a.Pairs {
		for _, ids := range [][2]string{{p.A, p.B}, {p.B, p.A}} {
			in := byID[ids[0]]
			if !slices.Contains(in.Alike, ids[1]) {
				in.Alike = append(in.Alike, ids[1])
			}
		}
	}
}

// fill counts how a's and b's held-out examples in the pair's language
// went to each other, and puts first the one more of whose went astray.
func (p *ConfusedPair) fill(a, b *IntentAdvice) {
	if l := a.lang(p.Lang); l != nil {
		p.AExamples = l.Examples
		p.AasB, p.AasBExamples = confusedAs(l.Wrong, p.B)
		p.AorB, _ = confusedAs(l.Asked, p.B)
	}
	if l := b.lang(p.Lang); l != nil {
		p.BExamples = l.Examples
		p.BasA, p.BasAExamples = confusedAs(l.Wrong, p.A)
		p.BorA, _ = confusedAs(l.Asked, p.A)
	}
	if p.BasA+p.BorA > p.AasB+p.AorB {
		p.A, p.B = p.B, p.A
		p.AExamples, p.BExamples = p.BExamples, p.AExamples
		p.AasB, p.BasA = p.BasA, p.AasB
		p.AorB, p.BorA = p.BorA, p.AorB
		p.AasBExamples, p.BasAExamples = p.BasAExamples, p.AasBExamples
	}
}

// mixups is how many held-out examples of the two were answered as the
// other, or asked about with the other.
func (p ConfusedPair) mixups() int {
	return p.AasB + p.BasA + p.AorB + p.BorA
}

// alike reports whether the two are mixed up too often to tell apart:
// at least AdviceConfused of their examples in the language together,
// and more than once. An example offered with the other counts half: the
// bot offers two or three intents whenever it is unsure, and a held-out
// example of a small intent often leaves it unsure.
func (p ConfusedPair) alike() bool {
	n := float64(p.AasB+p.BasA) + 0.5*float64(p.AorB+p.BorA)
	return n >= 2-adviceTolerance && n >= AdviceConfused*float64(p.AExamples+p.BExamples)-adviceTolerance
}

// lang returns the intent's advice in lang, nil when it has no examples
// in it.
func (a *IntentAdvice) lang(lang string) *LangAdvice {
	for i := range a.Langs {
		if a.Langs[i].Lang == lang {
			return &a.Langs[i]
		}
	}
	return nil
}

// confusedAs returns how many of the examples of list went to id, and a
// few of them.
func confusedAs(list []Confusion, id string) (int, []string) {
	for _, c := range list {
		if c.Intent == id {
			return c.Count, c.Examples
		}
	}
	return 0, nil
}

// adviceFolds matches every example of set with a matcher built without
// its fold, and returns the outcomes by intent (in set order), language
// and example (in file order).
func adviceFolds(ctx context.Context, set *intents.Set, opts Options, folds int) ([]map[string][]heldOut, error) {
	got := make([]map[string][]heldOut, len(set.Intents))
	for j, in := range set.Intents {
		got[j] = map[string][]heldOut{}
		for _, lang := range intents.Languages {
			if n := len(in.Examples[lang]); n > 0 {
				got[j][lang] = make([]heldOut, n)
			}
		}
	}
	if folds == 0 {
		return got, nil
	}
	errs := make([]error, folds)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), folds) {
		wg.Go(func() {
			// Each fold writes only the outcomes of its own examples.
			for f := range jobs {
				errs[f] = matchFold(ctx, set, opts, folds, f, got)
			}
		})
	}
	for f := range folds {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	for f, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("fold %d of %d: %w", f+1, folds, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return got, nil
}

// adviceFold returns the fold of the i-th example of the j-th intent in a
// language: the examples go round the folds, each intent starting one
// fold further than the one before, so that the folds are of a size.
func adviceFold(j, i, folds int) int {
	return (i + j) % folds
}

// matchFold builds a matcher without fold f and matches the fold's
// examples with it, each in its own language.
func matchFold(ctx context.Context, set *intents.Set, opts Options, folds, f int, got []map[string][]heldOut) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var kept []*intents.Intent
	for j, in := range set.Intents {
		c := *in
		c.Examples = map[string][]string{}
		for _, lang := range intents.Languages {
			for i, text := range in.Examples[lang] {
				if adviceFold(j, i, folds) != f {
					c.Examples[lang] = append(c.Examples[lang], text)
				}
			}
		}
		if len(c.Examples) > 0 {
			kept = append(kept, &c)
		}
	}
	// With no example left, nothing is matched: every held-out example
	// goes unanswered.
	var k *KB
	if len(kept) > 0 {
		var err error
		k, err = New(intents.NewSet(kept, nil, nil), opts)
		if err != nil {
			return err
		}
		defer k.Close()
	}
	for j, in := range set.Intents {
		for _, lang := range intents.Languages {
			for i, text := range in.Examples[lang] {
				if adviceFold(j, i, folds) != f {
					continue
				}
				h := heldOut{kind: heldNone}
				if k != nil {
					h = judge(k.Match(ctx, text, lang), in.ID)
				}
				got[j][lang][i] = h
			}
		}
	}
	return nil
}

// judge sorts a held-out example of intent id by what the matcher
// decided about it.
func judge(res Result, id string) heldOut {
	switch {
	case res.Decision == DecisionAnswer && res.Intent == id:
		return heldOut{kind: heldRight}
	case res.Decision == DecisionAnswer:
		return heldOut{kind: heldWrong, intent: res.Intent}
	case res.Decision == DecisionClarify && slices.Contains(res.Offer, id):
		return heldOut{kind: heldOffered, offer: res.Offer}
	}
	return heldOut{kind: heldNone}
}

// Tenths rounds n of total to tenths for a person to read ("6 in 10"),
// but never to 0 or 10 unless it is none or all.
func Tenths(n, total int) int {
	switch {
	case total == 0 || n == 0:
		return 0
	case n == total:
		return 10
	}
	return min(max(int(math.Round(10*float64(n)/float64(total))), 1), 9)
}
