package dialog

import "unicode"

// HasVisibleText reports whether text has at least one character a person
// would see: not white space, not a control or format character (zero-width
// spaces and joiners, soft hyphens, direction marks and overrides, the byte
// order mark) and not one of the other characters Unicode says to leave
// unshown (variation selectors, Hangul fillers, tags). A message of only
// such characters looks empty to the agent who gets it.
func HasVisibleText(text string) bool {
	for _, r := range text {
		if !invisible(r) {
			return true
		}
	}
	return false
}

// invisible reports whether r shows as nothing: Unicode's White_Space and
// Default_Ignorable_Code_Point characters, and controls. Invalid UTF-8
// (r == U+FFFD) counts as visible; validateInbound refuses it first.
func invisible(r rune) bool {
	return unicode.IsSpace(r) ||
		unicode.In(r, unicode.Cc, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}
