package kb

import "github.com/blevesearch/bleve/v2/analysis"

// language is what the matcher knows about the examples of one language:
// how to analyse text, and every term of its examples with that term's IDF.
type language struct {
	name     string
	analyzer analysis.Analyzer // the analyzer of the language's index field
	vocab    map[string]int    // term → id
	terms    [][]rune          // id → term, as letters, for typo correction
	df       []int             // id → how many examples have the term
	idf      []float64         // id → IDF over the language's examples
	byLength [][]int           // letters → ids of the terms that long
	// unknownIDF weighs a word no example has, as if one example had it: an
	// unknown word makes a message less like every example, but it is
	// usually a misspelling or filler rather than a strong signal.
	unknownIDF float64
}

// analyze returns the terms of text, in order and with repeats, as the
// language's index field stores them.
func (l *language) analyze(text string) []string {
	return analyze(l.analyzer, text)
}

// analyze returns the terms analyzer makes of text, in order.
func analyze(analyzer analysis.Analyzer, text string) []string {
	tokens := analyzer.Analyze([]byte(text))
	terms := make([]string, 0, len(tokens))
	for _, tok := range tokens {
		terms = append(terms, string(tok.Term))
	}
	return terms
}

// buildLanguage learns the vocabulary of a language from the analysed
// terms of its examples and returns each example's unit TF-IDF vector.
func buildLanguage(name string, analyzer analysis.Analyzer, docs [][]string) (*language, []vector) {
	l := &language{name: name, analyzer: analyzer, vocab: map[string]int{}}
	counts := make([]map[int]int, len(docs))
	for i, terms := range docs {
		counts[i] = map[int]int{}
		for _, t := range terms {
			id, ok := l.vocab[t]
			if !ok {
				id = len(l.terms)
				l.vocab[t] = id
				l.terms = append(l.terms, []rune(t))
				l.df = append(l.df, 0)
			}
			if counts[i][id] == 0 {
				l.df[id]++
			}
			counts[i][id]++
		}
	}
	l.idf = make([]float64, len(l.df))
	for id, n := range l.df {
		l.idf[id] = idf(len(docs), n)
	}
	l.unknownIDF = idf(len(docs), 1)
	for id, t := range l.terms {
		for len(l.byLength) <= len(t) {
			l.byLength = append(l.byLength, nil)
		}
		l.byLength[len(t)] = append(l.byLength[len(t)], id)
	}

	vectors := make([]vector, len(docs))
	for i, terms := range docs {
		v := make(vector, 0, len(counts[i]))
		// Walk the terms in order rather than the map, so that the vector,
		// and every sum over it, is the same on every build.
		for _, t := range terms {
			id := l.vocab[t]
			if tf := counts[i][id]; tf > 0 {
				v = append(v, termWeight{term: id, weight: tfWeight(tf) * l.idf[id]})
				counts[i][id] = 0
			}
		}
		sortVector(v)
		v.normalize()
		vectors[i] = v
	}
	return l, vectors
}

// correct returns the known term a misspelt word most likely stands for:
// the one fewest typos away, within maxEdits of the word's length; among
// equally near ones the most common, then the first learnt. Only terms of
// a near length are compared, so the cost grows with the vocabulary of one
// language, never with the number of examples.
func (l *language) correct(word []rune) (int, bool) {
	edits := maxEdits(len(word))
	if edits == 0 {
		return 0, false
	}
	best, bestDist := -1, edits+1
	scratch := make([]int, 3*(len(word)+edits+1))
	for n := max(1, len(word)-edits); n <= len(word)+edits && n < len(l.byLength); n++ {
		for _, id := range l.byLength[n] {
			d := editDistance(word, l.terms[id], edits, scratch)
			if d < bestDist || d == bestDist && best >= 0 && l.df[id] > l.df[best] {
				best, bestDist = id, d
			}
		}
	}
	return best, best >= 0 && bestDist <= edits
}
