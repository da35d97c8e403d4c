// Package kb is the knowledge base: it indexes the examples of every intent
// with bleve, trains a model on them with bleve's analyzers, and matches a
// customer's message to the intents it is most likely about, with a
// calibrated confidence and a decision (answer, ask which one, or none).
package kb

import (
	"fmt"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"

	"github.com/firstline-support/firstline/intents"
)

// KB is a knowledge base built from one intents.Set. It is read-only once
// built, and Match is safe for concurrent use.
type KB struct {
	set        *intents.Set
	opts       Options
	index      bleve.Index
	examples   []example          // by bleve document id
	thresholds map[string]float64 // intent id → answer threshold

	ids   []string         // intent ids, in the order of the model's classes
	stems *stemmer         // the analyzers' stems of every example word
	vocab map[uint64]int32 // feature hash → feature id
	idf   []float32        // feature id → IDF over the examples
	// spread[id] is how many intents have an example with feature id when
	// it is a stem of four letters or more, which can name a topic; 0 for
	// every other feature.
	spread     []int32
	unknownIDF float64 // the IDF of a feature no example has
	model      *model
	neighbours *neighbours
	// sizes[lang][c] is how many examples in lang class c has.
	sizes map[string][]int
	// calibrator is nil for a knowledge base too small to fit one.
	calibrator *calibrator
	lexicon    *lexicon // every example word, for typos and keyboard layouts
	layout     layout
	closed     atomic.Bool
}

// example is one example phrase of an intent.
type example struct {
	intent string // intent id
	lang   string
	text   string // normalised, as indexed
	raw    string // as written in the YAML
}

// New builds a knowledge base from set, matching with the thresholds in
// opts. An empty DefaultLanguage means DefaultOptions.DefaultLanguage.
func New(set *intents.Set, opts Options) (*KB, error) {
	if set == nil {
		return nil, fmt.Errorf("build knowledge base: no intents")
	}
	opts, err := checkOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("build knowledge base: %w", err)
	}
	thresholds, err := checkIntents(set, opts)
	if err != nil {
		return nil, fmt.Errorf("build knowledge base: %w", err)
	}

	m := newMapping()
	k := &KB{set: set, opts: opts, thresholds: thresholds, layout: newLayout()}
	k.stems, err = newStemmer(m)
	if err != nil {
		return nil, fmt.Errorf("build knowledge base: %w", err)
	}
	for _, lang := range intents.Languages {
		for _, in := range set.Intents {
			for _, text := range in.Examples[lang] {
				k.examples = append(k.examples, example{intent: in.ID, lang: lang, text: Normalize(text), raw: text})
			}
		}
	}
	k.train()

	k.index, err = buildIndex(m, k.examples)
	if err != nil {
		return nil, fmt.Errorf("build knowledge base: %w", err)
	}
	return k, nil
}

// Set returns the intents the knowledge base was built from.
func (k *KB) Set() *intents.Set {
	return k.set
}

// Options returns the thresholds the knowledge base matches with.
func (k *KB) Options() Options {
	return k.opts
}

// Close releases the index. Match after Close finds nothing.
func (k *KB) Close() error {
	k.closed.Store(true)
	if err := k.index.Close(); err != nil {
		return fmt.Errorf("close knowledge base: %w", err)
	}
	return nil
}

// checkOptions fills in the default language and rejects values outside
// their ranges.
func checkOptions(opts Options) (Options, error) {
	if opts.DefaultLanguage == "" {
		opts.DefaultLanguage = DefaultOptions.DefaultLanguage
	}
	if !slices.Contains(intents.Languages, opts.DefaultLanguage) {
		return opts, fmt.Errorf("default language %q is not one of %v", opts.DefaultLanguage, intents.Languages)
	}
	if opts.AnswerThreshold <= 0 || opts.AnswerThreshold > 1 {
		return opts, fmt.Errorf("answer threshold %v is not in (0, 1]", opts.AnswerThreshold)
	}
	if opts.ClarifyThreshold <= 0 || opts.ClarifyThreshold > 1 {
		return opts, fmt.Errorf("clarify threshold %v is not in (0, 1]", opts.ClarifyThreshold)
	}
	if opts.ClarifyMargin < 0 || opts.ClarifyMargin > 1 {
		return opts, fmt.Errorf("clarify margin %v is not in [0, 1]", opts.ClarifyMargin)
	}
	return opts, nil
}

// checkIntents rejects what would make the index wrong, duplicate ids and
// languages the matcher has no analyzer for, and returns each intent's
// answer threshold: its own when it sets one, the global one otherwise.
func checkIntents(set *intents.Set, opts Options) (map[string]float64, error) {
	thresholds := make(map[string]float64, len(set.Intents))
	for _, in := range set.Intents {
		if _, dup := thresholds[in.ID]; dup {
			return nil, fmt.Errorf("duplicate intent id %q", in.ID)
		}
		for _, lang := range slices.Sorted(maps.Keys(in.Examples)) {
			if !slices.Contains(intents.Languages, lang) {
				return nil, fmt.Errorf("intent %s: unsupported language %q", in.ID, lang)
			}
		}
		thresholds[in.ID] = opts.AnswerThreshold
		if in.Threshold > 0 {
			thresholds[in.ID] = in.Threshold
		}
	}
	return thresholds, nil
}
