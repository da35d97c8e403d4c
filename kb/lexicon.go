package kb

import "slices"

// lexicon is every word of the examples, for correcting the words of a
// message that no example has: misspellings, and words typed with the
// keyboard in the wrong layout.
type lexicon struct {
	count map[string]int // word → how many times the examples have it
	words []string       // every word, sorted, for a deterministic order
	// deletes maps each word with up to maxEdits letters deleted to the
	// words it came from (as indexes into words). Two words within n typos
	// of each other share a form with at most n letters deleted from each,
	// so looking up the deletions of a message's word finds every
	// candidate without comparing it with the whole lexicon.
	deletes map[string][]int32
	// longest is the length, in letters, of the longest word indexed in
	// deletes.
	longest int
}

// maxCorrectedLetters is the longest word, in letters, that is corrected
// or indexed for correction. A word has about n²/2 forms with two letters
// deleted, so an unbounded length would let one long word of a message
// cost gigabytes; words this long are names, codes and links, not
// misspellings of example words.
const maxCorrectedLetters = 24

// newLexicon returns an empty lexicon.
func newLexicon() *lexicon {
	return &lexicon{count: map[string]int{}}
}

// add counts one occurrence of word.
func (l *lexicon) add(word string) {
	l.count[word]++
}

// has reports whether an example has word.
func (l *lexicon) has(word string) bool {
	return l.count[word] > 0
}

// index prepares the lexicon for corrections once every word is added.
func (l *lexicon) index() {
	l.words = make([]string, 0, len(l.count))
	for w := range l.count {
		l.words = append(l.words, w)
	}
	slices.Sort(l.words)
	l.deletes = map[string][]int32{}
	for i, w := range l.words {
		r := []rune(w)
		if len(r) > maxCorrectedLetters {
			continue
		}
		l.longest = max(l.longest, len(r))
		for _, d := range deletions(r, maxEdits(len(r))) {
			l.deletes[d] = append(l.deletes[d], int32(i))
		}
	}
}

// correct returns the word of the lexicon that word is most likely a
// misspelling of: the fewest typos away, within maxEdits of the word's
// length; among equally near ones the most common, then the first in
// alphabetical order.
func (l *lexicon) correct(word string) (string, bool) {
	r := []rune(word)
	edits := maxEdits(len(r))
	// A word more than edits letters longer than every indexed word is
	// within edits of none of them.
	if edits == 0 || len(r) > maxCorrectedLetters || len(r) > l.longest+edits {
		return "", false
	}
	best, bestDist := -1, edits+1
	var scratch []int
	seen := map[int32]bool{}
	for _, d := range deletions(r, edits) {
		for _, i := range l.deletes[d] {
			if seen[i] {
				continue
			}
			seen[i] = true
			cand := []rune(l.words[i])
			if len(scratch) < 3*(len(cand)+1) {
				scratch = make([]int, 3*(len(cand)+1))
			}
			dist := editDistance(r, cand, edits, scratch)
			if dist > edits {
				continue
			}
			if best < 0 || dist < bestDist ||
				dist == bestDist && (l.count[l.words[i]] > l.count[l.words[best]] ||
					l.count[l.words[i]] == l.count[l.words[best]] && i < int32(best)) {
				best, bestDist = int(i), dist
			}
		}
	}
	if best < 0 {
		return "", false
	}
	return l.words[best], true
}

// deletions returns word and every form of it with up to n letters
// deleted, each once.
func deletions(word []rune, n int) []string {
	seen := map[string]bool{string(word): true}
	out := []string{string(word)}
	level := [][]rune{word}
	for range n {
		var next [][]rune
		for _, w := range level {
			for i := range w {
				d := make([]rune, 0, len(w)-1)
				d = append(d, w[:i]...)
				d = append(d, w[i+1:]...)
				s := string(d)
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
					next = append(next, d)
				}
			}
		}
		level = next
	}
	return out
}
