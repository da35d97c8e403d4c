package kb

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/firstline-support/firstline/intents"
)

// Search terms may match with a typo when they are from minFuzzyRunes to
// maxFuzzyRunes letters long. bleve builds an automaton for each fuzzy
// term, which for a long term takes tens of megabytes and then fails; a
// term that long is a code or a link, looked up as it is.
const (
	minFuzzyRunes = 5
	maxFuzzyRunes = 24
)

// maxSearchTerms is how many different terms of a message, in each
// language, a search looks up: the first ones. It bounds the cost of the
// longest messages, and the first words of a message say what it is
// about.
const maxSearchTerms = 16

// ExampleHit is an example found by SearchExamples.
type ExampleHit struct {
	Intent string
	Lang   string
	Text   string // as written in the YAML
	Score  float64
}

// SearchExamples finds the examples that share the most words with text,
// by bleve's full-text search over both languages' fields, with each
// field's analyzer and one typo allowed in terms of five letters or more: for people looking
// through the knowledge base (which intent already has examples like a
// message the bot could not answer?), not for matching. At most n hits,
// best first, equal scores in a fixed order.
func (k *KB) SearchExamples(ctx context.Context, text string, n int) ([]ExampleHit, error) {
	norm := Normalize(text)
	if norm == "" || n <= 0 || k.closed.Load() {
		return nil, nil
	}
	var terms []query.Query
	for _, lang := range intents.Languages {
		analyzer := k.index.Mapping().AnalyzerNamed(analyzerName(lang))
		if analyzer == nil {
			return nil, fmt.Errorf("search examples: no %s analyzer", lang)
		}
		seen := map[string]bool{}
		for _, tok := range analyzer.Analyze([]byte(norm)) {
			term := string(tok.Term)
			if seen[term] {
				continue
			}
			if len(seen) == maxSearchTerms {
				break
			}
			seen[term] = true
			// A typo is allowed in longer terms only: one letter off a
			// short stem ("куп") is another word ("ку").
			if n := utf8.RuneCountInString(term); n >= minFuzzyRunes && n <= maxFuzzyRunes {
				q := bleve.NewFuzzyQuery(term)
				q.SetFuzziness(1)
				q.SetField(lang)
				terms = append(terms, q)
				continue
			}
			q := bleve.NewTermQuery(term)
			q.SetField(lang)
			terms = append(terms, q)
		}
	}
	if len(terms) == 0 {
		return nil, nil // only stop words
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(terms...), n, 0, false)
	// Equal scores by document id (compared as text), so that the same
	// text always finds the same examples.
	req.SortBy([]string{"-_score", "_id"})
	res, err := k.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search examples: %w", err)
	}
	hits := make([]ExampleHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		i, err := strconv.Atoi(h.ID)
		if err != nil || i < 0 || i >= len(k.examples) {
			return nil, fmt.Errorf("search examples: unknown document %q", h.ID)
		}
		ex := k.examples[i]
		hits = append(hits, ExampleHit{Intent: ex.intent, Lang: ex.lang, Text: ex.raw, Score: h.Score})
	}
	return hits, nil
}
