package kb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/firstline-support/firstline/intents"
)

const (
	// retrieveSize is how many examples bleve hands over for scoring. The
	// best example of every plausible intent is among them on any FAQ a
	// person can maintain.
	retrieveSize = 30
	// maxCandidates is how many intents a Result lists.
	maxCandidates = 5
	// epsilon absorbs floating-point noise when a confidence is compared
	// with a threshold, so that 0.6-0.5 counts as a margin of 0.1.
	epsilon = 1e-9
)

// Match finds the intents text is most like. lang is the message's
// language ("ru" or "en"); any other value, "" included, means detect it.
// When the message has nothing in common with the examples of its
// language, the other language's examples are tried too, for messages that
// mix languages and intents that have examples in one language only;
// Result.Lang is then that other language.
//
// Match never fails: a message it cannot match, or a search cut short by
// ctx, gives DecisionNone, which the engine escalates.
func (k *KB) Match(ctx context.Context, text, lang string) Result {
	norm := Normalize(text)
	if !slices.Contains(intents.Languages, lang) {
		lang = DetectLanguage(norm, k.opts.DefaultLanguage)
	}
	res := Result{Lang: lang, Decision: DecisionNone}
	if norm == "" {
		return res
	}

	cands, err := k.score(ctx, norm, lang)
	if err != nil {
		return res
	}
	if len(cands) == 0 {
		other := otherLanguage(lang)
		cands, err = k.score(ctx, norm, other)
		if err != nil {
			return res
		}
		if len(cands) > 0 {
			res.Lang = other
		}
	}

	if len(cands) > maxCandidates {
		cands = cands[:maxCandidates]
	}
	res.Candidates = cands
	res.Decision = k.decide(cands)
	if res.Decision == DecisionAnswer {
		res.Intent = cands[0].Intent
	}
	return res
}

// score retrieves the examples of lang nearest to the normalised message
// and returns every intent among them with the similarity of its best
// example, best first, ties by intent id.
func (k *KB) score(ctx context.Context, norm, lang string) ([]Scored, error) {
	l := k.langs[lang]
	q := newMessage(l, norm)
	if len(q.terms) == 0 {
		return nil, nil // nothing in common with any example
	}
	hits, err := k.retrieve(ctx, l, q)
	if err != nil {
		return nil, err
	}

	best := map[string]float64{}
	for _, i := range hits {
		ex := k.examples[i]
		if s := q.similarity(ex.vec); s > best[ex.intent] {
			best[ex.intent] = s
		}
	}
	cands := make([]Scored, 0, len(best))
	for id, s := range best {
		cands = append(cands, Scored{Intent: id, Confidence: s})
	}
	slices.SortFunc(cands, func(a, b Scored) int {
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		return cmp.Compare(a.Intent, b.Intent)
	})
	return cands, nil
}

// retrieve asks bleve for the examples of l that share a term with the
// message and returns their positions in k.examples. The query is made of
// the terms newMessage already analysed with the field's own analyzer (and
// corrected), so that bleve retrieves on exactly the terms that are scored.
func (k *KB) retrieve(ctx context.Context, l *language, q message) ([]int, error) {
	parts := make([]query.Query, 0, len(q.terms))
	for _, t := range q.terms {
		tq := bleve.NewTermQuery(string(l.terms[t.term]))
		tq.SetField(l.name)
		parts = append(parts, tq)
	}
	// Sorted by bleve's score alone, ties keep index order: the examples are
	// indexed in one batch in a fixed order, so the hits are the same on
	// every build.
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(parts...), retrieveSize, 0, false)
	res, err := k.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %s examples: %w", l.name, err)
	}
	hits := make([]int, 0, len(res.Hits))
	for _, h := range res.Hits {
		i, err := strconv.Atoi(h.ID)
		if err != nil || i < 0 || i >= len(k.examples) {
			return nil, fmt.Errorf("search %s examples: unexpected document id %q", l.name, h.ID)
		}
		hits = append(hits, i)
	}
	return hits, nil
}

// decide turns the ranked candidates into a decision: answer a clear
// winner that reaches its threshold, ask when the top two are close and
// both plausible, and otherwise give up.
func (k *KB) decide(cands []Scored) Decision {
	if len(cands) == 0 {
		return DecisionNone
	}
	top := cands[0]
	tied := len(cands) > 1 && top.Confidence-cands[1].Confidence < k.opts.ClarifyMargin-epsilon
	if !tied && top.Confidence >= k.thresholds[top.Intent]-epsilon {
		return DecisionAnswer
	}
	if tied && cands[1].Confidence >= k.opts.ClarifyThreshold-epsilon {
		return DecisionClarify
	}
	return DecisionNone
}

// otherLanguage returns the supported language that is not lang.
func otherLanguage(lang string) string {
	if lang == intents.LangEN {
		return intents.LangRU
	}
	return intents.LangEN
}
