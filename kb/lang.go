package kb

import (
	"unicode"

	"github.com/firstline-support/firstline/intents"
)

// DetectLanguage tells whether text is Russian or English by counting its
// Cyrillic and Latin letters: the script with more letters wins. When the
// text has no letters of either script, or as many of each, it returns
// fallback.
func DetectLanguage(text, fallback string) string {
	cyrillic, latin := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyrillic++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	switch {
	case cyrillic > latin:
		return intents.LangRU
	case latin > cyrillic:
		return intents.LangEN
	default:
		return fallback
	}
}
