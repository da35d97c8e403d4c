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

// minFuzzyRunes is the length from which a search term may match with a
// typo.
const minFuzzyRunes = 5

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
		for _, tok := range analyzer.Analyze([]byte(norm)) {
			term := string(tok.Term)
			// A typo is allowed in longer terms only: one letter off a
			// short stem ("куп") is another word ("ку").
			if utf8.RuneCountInString(term) >= minFuzzyRunes {
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
		return nil, fmt.Errorf("search examples for %q: %w", text, err)
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
