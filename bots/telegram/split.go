package telegram

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitText cuts text into parts of at most limit characters (runes), at
// the last paragraph break, else line break, else space within the limit,
// so long as that keeps at least half the limit in the part; a text
// without such a place is cut at the limit. Whitespace around the cuts is
// dropped, and so are empty parts: an empty text has no parts.
func splitText(text string, limit int) []string {
	var parts []string
	rest := strings.TrimSpace(text)
	for rest != "" {
		// Only the window is measured, never the whole rest: the cost is
		// linear in the text, however small the limit.
		end := byteOffset(rest, limit)
		if end == len(rest) {
			parts = append(parts, rest)
			break
		}
		window := rest[:end]
		cut := len(window)
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(window, sep); i > 0 && utf8.RuneCountInString(window[:i]) >= limit/2 {
				cut = i
				break
			}
		}
		parts = append(parts, strings.TrimRightFunc(rest[:cut], unicode.IsSpace))
		rest = strings.TrimLeftFunc(rest[cut:], unicode.IsSpace)
	}
	return parts
}

// byteOffset is where the n-th rune of s starts (len(s) if s is shorter).
func byteOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
