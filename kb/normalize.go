package kb

import (
	"strings"
	"unicode"
)

// Normalize prepares a message or an example for matching: it lower-cases
// the text, folds ё into е (people type both), and turns everything that is
// not a letter or a digit into a space, keeping an apostrophe between two
// letters so that English contractions such as "don't" stay one word.
// Runs of spaces collapse into one and the ends are trimmed.
func Normalize(text string) string {
	runes := []rune(text)
	var b strings.Builder
	b.Grow(len(text))
	space := false // a space is pending before the next kept rune
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
		case isApostrophe(r) && i > 0 && i+1 < len(runes) &&
			unicode.IsLetter(runes[i-1]) && unicode.IsLetter(runes[i+1]):
			r = '\''
		default:
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// isApostrophe reports whether r is one of the apostrophes people type.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '`'
}
