package intents

import (
	"strings"
	"unicode"
)

// NormalizeExample reduces an example phrase to the form used to find
// duplicates: lower case, "ё" read as "е", runs of white space as one
// space, and no punctuation or space at either end. "Забыл  пароль!" and
// "забыл пароль" are the same example.
func NormalizeExample(s string) string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "ё", "е")
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	return strings.Join(strings.Fields(s), " ")
}
