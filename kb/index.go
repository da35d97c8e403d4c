package kb

import (
	"fmt"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/firstline-support/firstline/intents"
)

// fieldIntent is the document field holding the example's intent id. The
// text of an example is in the field named after its language ("ru", "en").
const fieldIntent = "intent"

// analyzerName returns the bleve analyzer of a language's field. Both
// analyzers lower-case, drop stop words and stem, so "паролем" and "пароля"
// index as the same term.
func analyzerName(lang string) string {
	if lang == intents.LangEN {
		return en.AnalyzerName
	}
	return ru.AnalyzerName
}

// stemFilters are the token filters of the analyzers that give the
// matcher's stems: the language analyzers' own, without their stop-word
// filters, because "not", "why" and «не» tell intents apart.
var stemFilters = map[string][]string{
	intents.LangEN: {en.PossessiveName, lowercase.Name, porter.Name},
	intents.LangRU: {lowercase.Name, ru.SnowballStemmerName},
}

// stemAnalyzerName returns the name of a language's stem analyzer.
func stemAnalyzerName(lang string) string {
	return "firstline_stems_" + lang
}

// newStemmer returns a stemmer with the stem analyzers of m.
func newStemmer(m *mapping.IndexMappingImpl) (*stemmer, error) {
	s := &stemmer{known: map[string]string{}, stems: map[string]bool{}}
	s.ru = m.AnalyzerNamed(stemAnalyzerName(intents.LangRU))
	s.en = m.AnalyzerNamed(stemAnalyzerName(intents.LangEN))
	if s.ru == nil || s.en == nil {
		return nil, fmt.Errorf("no stem analyzers")
	}
	return s, nil
}

// newMapping describes example documents: one text field per language,
// analysed by that language's analyzer, and the intent id as a stored
// keyword. Nothing else is indexed, stored or kept for highlighting, which
// keeps the index small and searches fast.
func newMapping() *mapping.IndexMappingImpl {
	doc := bleve.NewDocumentStaticMapping()

	intentField := bleve.NewKeywordFieldMapping()
	intentField.IncludeInAll = false
	intentField.IncludeTermVectors = false
	intentField.DocValues = false
	doc.AddFieldMappingsAt(fieldIntent, intentField)

	for _, lang := range intents.Languages {
		text := bleve.NewTextFieldMapping()
		text.Analyzer = analyzerName(lang)
		text.Store = false
		text.IncludeInAll = false
		text.IncludeTermVectors = false
		text.DocValues = false
		doc.AddFieldMappingsAt(lang, text)
	}

	m := bleve.NewIndexMapping()
	for lang, filters := range stemFilters {
		err := m.AddCustomAnalyzer(stemAnalyzerName(lang), map[string]any{
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": filters,
		})
		if err != nil {
			// The names are constants of bleve's own packages.
			panic(fmt.Sprintf("define %s stem analyzer: %v", lang, err))
		}
	}
	m.DefaultMapping = doc
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// buildIndex indexes every example as one document whose id is the
// example's position in examples, so that a hit leads straight back to the
// precomputed example without loading stored fields.
func buildIndex(m *mapping.IndexMappingImpl, examples []example) (bleve.Index, error) {
	// scorch rather than NewMemOnly's older index type: it searches faster,
	// and an empty path keeps it in memory.
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	batch := idx.NewBatch()
	for i, ex := range examples {
		doc := map[string]any{
			fieldIntent: ex.intent,
			ex.lang:     ex.text,
		}
		if err := batch.Index(strconv.Itoa(i), doc); err != nil {
			idx.Close()
			return nil, fmt.Errorf("index example %q of intent %s: %w", ex.text, ex.intent, err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("index examples: %w", err)
	}
	return idx, nil
}
