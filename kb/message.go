package kb

import "math"

// typoPenalty scales the weight of a misspelt word corrected to a known
// term: a near miss counts, but less than the word itself.
const typoPenalty = 0.8

// message is a customer message analysed in one language: a TF-IDF vector
// over the language's vocabulary, and the length of the whole message
// including the words no example has.
type message struct {
	terms vector  // known terms and corrected typos, sorted by term id
	norm  float64 // length of the message's vector, unknown words included
}

// newMessage analyses text with the language's analyzer and weighs its
// terms with the IDF learnt from the examples. A word no example has is
// corrected to the nearest known term when it is within a typo or two of
// one; otherwise it only adds to the message's length, which lowers its
// similarity to every example.
func newMessage(l *language, text string) message {
	words := l.analyze(text)
	counts := make(map[string]int, len(words))
	for _, w := range words {
		counts[w]++
	}
	type unknownWord struct {
		word string
		tf   int
	}
	var q message
	var unknown []unknownWord
	norm2 := 0.0
	for _, w := range words {
		tf := counts[w]
		if tf == 0 {
			continue // seen already
		}
		delete(counts, w)
		if id, ok := l.vocab[w]; ok {
			weight := tfWeight(tf) * l.idf[id]
			q.terms = append(q.terms, termWeight{term: id, weight: weight})
			norm2 += weight * weight
		} else {
			unknown = append(unknown, unknownWord{word: w, tf: tf})
		}
	}
	// Correct typos once every known term is in, so that a typo of a word
	// the message also spells right does not count twice.
	for _, u := range unknown {
		weight := tfWeight(u.tf) * l.unknownIDF
		if id, ok := l.correct([]rune(u.word)); ok && !q.terms.has(id) {
			weight = typoPenalty * tfWeight(u.tf) * l.idf[id]
			q.terms = append(q.terms, termWeight{term: id, weight: weight})
		}
		norm2 += weight * weight
	}
	sortVector(q.terms)
	q.norm = math.Sqrt(norm2)
	return q
}

// similarity returns the cosine between the message and an example's unit
// vector, in [0, 1].
func (q message) similarity(ex vector) float64 {
	if q.norm == 0 {
		return 0
	}
	return math.Min(1, dot(q.terms, ex)/q.norm)
}
