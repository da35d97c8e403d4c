package kb

import "strings"

// Keys of the Russian ЙЦУКЕН layout and the characters the same keys give
// in the US QWERTY layout.
const (
	qwertyKeys = "`qwertyuiop[]asdfghjkl;'zxcvbnm,."
	jcukenKeys = "ёйцукенгшщзхъфывапролджэячсмитьбю"
)

// layout maps a key's character in one keyboard layout to the other's.
type layout struct {
	toRU, toEN map[rune]rune
}

// newLayout returns the mapping between QWERTY and ЙЦУКЕН.
func newLayout() layout {
	l := layout{toRU: map[rune]rune{}, toEN: map[rune]rune{}}
	ru := []rune(jcukenKeys)
	for i, en := range []rune(qwertyKeys) {
		l.toRU[en] = ru[i]
		l.toEN[ru[i]] = en
	}
	return l
}

// convert retypes word with the keys mapped by to; ok is false when a
// character of word is not on those keys.
func convert(word string, to map[rune]rune) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToLower(word) {
		c, ok := to[r]
		if !ok {
			return "", false
		}
		b.WriteRune(c)
	}
	return b.String(), true
}

// maxCorrectedWords is how many different words of one message repair
// looks up in the lexicon: correcting a word costs hundreds of lookups, and
// a message with more unknown words than this is not a question with a
// few typos.
const maxCorrectedWords = 32

// repair prepares a message whose words are not all example words. Each
// word no example has, nor its stem, is retyped when it was typed with
// the keyboard in the wrong layout ("ghbdtn" becomes "привет", "руддщ"
// becomes "hello") and the retyped word is known; otherwise it is
// corrected to the example word it is most likely a misspelling of. Names,
// codes and new words that are neither stay as they are; so do the words
// after the first maxCorrectedWords corrected ones. It returns the
// normalised message and the stems it looked up, for extract.
func (k *KB) repair(text string) (string, map[string]string) {
	stems := map[string]string{}
	known := func(word string) bool {
		if k.lexicon.has(word) {
			return true
		}
		st, ok := stems[word]
		if !ok {
			st = k.stems.stem(word)
			stems[word] = st
		}
		return k.stems.stems[st]
	}
	var words []string
	corrected := map[string]string{} // word → its correction, or itself
	for _, field := range strings.Fields(text) {
		norm := Normalize(field)
		if norm == "" {
			continue
		}
		if strings.Contains(norm, " ") || known(norm) {
			words = append(words, norm)
			continue
		}
		to := k.layout.toRU
		if isCyrillic(norm) {
			to = k.layout.toEN
		}
		if retyped, ok := convert(strings.TrimRight(field, "?!"), to); ok {
			if r := Normalize(retyped); r != "" && !strings.Contains(r, " ") && known(r) {
				words = append(words, r)
				continue
			}
		}
		c, ok := corrected[norm]
		if !ok && len(corrected) < maxCorrectedWords {
			c = norm
			if w, ok := k.lexicon.correct(norm); ok {
				c = w
			}
			corrected[norm] = c
		}
		if c != "" {
			norm = c
		}
		words = append(words, norm)
	}
	return strings.Join(words, " "), stems
}
