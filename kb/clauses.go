package kb

import (
	"context"
	"strings"
	"unicode"
)

// joiners are the words that start a new clause: a customer who writes
// "I forgot my password and want to check my balance" asks two things.
var joiners = map[string]bool{
	"и": true, "а": true, "также": true, "еще": true, "плюс": true,
	"and": true, "also": true, "plus": true,
}

// minClauseWords: a shorter clause ("... internet and TV") names a thing
// rather than asks about it.
const minClauseWords = 2

// clauses splits a message at sentence punctuation and at joining words
// into normalised clauses of at least minClauseWords words. A message
// with no such break is one clause.
func clauses(text string) []string {
	var out []string
	for _, part := range splitClauses(text) {
		var words []string
		flush := func() {
			if len(words) >= minClauseWords {
				out = append(out, strings.Join(words, " "))
			}
			words = words[:0]
		}
		for w := range strings.FieldsSeq(Normalize(part)) {
			if joiners[w] {
				flush()
				continue
			}
			words = append(words, w)
		}
		flush()
	}
	return out
}

// splitClauses cuts text at the punctuation that ends a clause. A full
// stop or a comma counts only before a space or the end, so that "1.5",
// "1,5" and "www.bank.com" stay whole.
func splitClauses(text string) []string {
	runes := []rune(text)
	var out []string
	start := 0
	for i, r := range runes {
		brk := false
		switch r {
		case ';', '!', '?', '\n':
			brk = true
		case '.', ',':
			brk = i+1 == len(runes) || unicode.IsSpace(runes[i+1])
		default:
			brk = unicode.Is(unicode.Pd, r) && r != '-' // dashes, not hyphens
		}
		if brk {
			out = append(out, string(runes[start:i]))
			start = i + 1
		}
	}
	return append(out, string(runes[start:]))
}

// aboutBoth reports whether text has a clause about intent a and another
// about intent b, each matched confidently on its own: the customer asks
// two things, and the bot should ask which first rather than answer one
// and ignore the other.
func (k *KB) aboutBoth(ctx context.Context, text, lang, a, b string) bool {
	cls := clauses(text)
	if len(cls) < 2 {
		return false
	}
	var seenA, seenB bool
	for _, cl := range cls {
		if ctx.Err() != nil {
			return false
		}
		var stems map[string]string
		norm := cl
		if !k.allKnown(norm) {
			norm, stems = k.repair(cl)
		}
		cands, _ := k.classify(norm, lang, stems)
		if len(cands) == 0 {
			continue
		}
		top := cands[0]
		if top.Confidence < k.thresholds[top.Intent]-epsilon {
			continue
		}
		seenA = seenA || top.Intent == a
		seenB = seenB || top.Intent == b
	}
	return seenA && seenB
}
