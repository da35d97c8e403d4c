package kb

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Kinds of feature. Each feature is hashed with its kind first, so that the
// word "pin" and the letters "pin" inside "pinned" are different features.
const (
	kindStem   = 'w' // a word's stem
	kindBigram = 'b' // two neighbouring stems, or the first stem after a start mark
	kindChars  = 'c' // three or four letters of a word, with its edges marked
)

// Letter n-grams of these lengths are taken from every word. They carry
// what stems miss: a misspelt word still shares most of its n-grams with
// the right one, and a Russian word keeps its root's n-grams in every form.
const (
	minGram = 3
	maxGram = 4
)

// featureWeights weigh the kinds against each other before the message's
// vector is scaled to unit length. Stems and bigrams are few and telling;
// n-grams are many and each says little.
var featureWeights = [...]float64{kindStem: 1, kindBigram: 0.5, kindChars: 0.5}

// feature is one feature of a text: its hash and how often it occurs.
type feature struct {
	hash  uint64
	count int
}

// stemmer gives the stem of one normalised word, with the analyzer of the
// word's script: Cyrillic words with the Russian one, the rest with the
// English one, so that a message mixing both languages is stemmed right.
type stemmer struct {
	ru, en analysis.Analyzer
	known  map[string]string // word → stem, for every word of the examples
	stems  map[string]bool   // every stem of the examples
}

// stem returns the stem of word, or the word itself when the analyzer
// makes nothing of it (a number, say).
func (s *stemmer) stem(word string) string {
	if st, ok := s.known[word]; ok {
		return st
	}
	return s.analyze(word)
}

// analyze runs the word through the analyzer of its script.
func (s *stemmer) analyze(word string) string {
	a := s.en
	if isCyrillic(word) {
		a = s.ru
	}
	tokens := a.Analyze([]byte(word))
	if len(tokens) == 0 {
		return word
	}
	return string(tokens[0].Term)
}

// learn records the stems of the words of a normalised example.
func (s *stemmer) learn(norm string) {
	for _, w := range strings.Fields(norm) {
		if _, ok := s.known[w]; !ok {
			st := s.analyze(w)
			s.known[w] = st
			s.stems[st] = true
		}
	}
}

// isCyrillic reports whether word's first letter is Cyrillic.
func isCyrillic(word string) bool {
	r, _ := utf8.DecodeRuneInString(word)
	return unicode.Is(unicode.Cyrillic, r)
}

// extract returns the features of a normalised text, each once with its
// count, in the order first seen; stem gives the stem of a word.
func extract(stem func(word string) string, norm string) []feature {
	words := strings.Fields(norm)
	out := make([]feature, 0, 8*len(words)+4)
	index := make(map[uint64]int, cap(out))
	add := func(h uint64) {
		if i, ok := index[h]; ok {
			out[i].count++
			return
		}
		index[h] = len(out)
		out = append(out, feature{hash: h, count: 1})
	}

	prev := "^" // marks the start, so "why ..." and "... why" differ
	var runes []rune
	for _, w := range words {
		st := stem(w)
		add(hashOf(kindStem, st))
		add(hashOf(kindBigram, prev, st))
		prev = st

		runes = append(runes[:0], '<')
		runes = append(runes, []rune(w)...)
		runes = append(runes, '>')
		for n := minGram; n <= maxGram; n++ {
			for i := 0; i+n <= len(runes); i++ {
				add(hashRunes(kindChars, runes[i:i+n]))
			}
		}
	}
	return out
}

// kindOf returns the kind a feature hash was made with.
func kindOf(h uint64) byte {
	return byte(h >> 56)
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashOf hashes parts with their kind; the kind is kept in the top byte so
// that a feature's kind can be read back from its hash.
func hashOf(kind byte, parts ...string) uint64 {
	h := uint64(fnvOffset)
	for i, p := range parts {
		if i > 0 {
			h ^= ' '
			h *= fnvPrime
		}
		for j := 0; j < len(p); j++ {
			h ^= uint64(p[j])
			h *= fnvPrime
		}
	}
	return withKind(kind, h)
}

// hashRunes hashes letters with their kind, as hashOf would hash them as a
// string.
func hashRunes(kind byte, rs []rune) uint64 {
	h := uint64(fnvOffset)
	var buf [utf8.UTFMax]byte
	for _, r := range rs {
		n := utf8.EncodeRune(buf[:], r)
		for j := 0; j < n; j++ {
			h ^= uint64(buf[j])
			h *= fnvPrime
		}
	}
	return withKind(kind, h)
}

// withKind puts kind into the top byte of h.
func withKind(kind byte, h uint64) uint64 {
	return uint64(kind)<<56 | h&(1<<56-1)
}

// sparse is a feature vector: ids into the model's vocabulary and weights.
type sparse struct {
	ids     []int32
	weights []float32
	// known is the share of the message's weight that the vocabulary has,
	// in [0, 1]: 1 when every feature was seen in the examples.
	known float64
}

// vectorize weighs the features of a text by kind, count and IDF, scales
// the whole to unit length, and keeps the ones the vocabulary has. A
// feature no example has weighs as if one example had it: it makes the
// message less like every intent without pointing at any.
func vectorize(feats []feature, vocab map[uint64]int32, idf []float32, unknownIDF float64) sparse {
	v := sparse{ids: make([]int32, 0, len(feats)), weights: make([]float32, 0, len(feats))}
	total, known := 0.0, 0.0
	for _, f := range feats {
		w := featureWeights[kindOf(f.hash)] * (1 + math.Log(float64(f.count)))
		id, ok := vocab[f.hash]
		if !ok {
			w *= unknownIDF
			total += w * w
			continue
		}
		w *= float64(idf[id])
		total += w * w
		known += w * w
		v.ids = append(v.ids, id)
		v.weights = append(v.weights, float32(w))
	}
	if total == 0 {
		return v
	}
	n := math.Sqrt(total)
	for i := range v.weights {
		v.weights[i] = float32(float64(v.weights[i]) / n)
	}
	v.known = known / total
	return v
}
