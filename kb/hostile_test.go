package kb

import (
	"context"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileLength is the longest message a customer can send, in
// characters (dialog.MaxTextLength; kb does not import dialog).
const hostileLength = 4096

// hostileMessages are messages of the longest length in the shapes that
// cost a text matcher the most: one endless word (nothing to correct it
// to, but every piece of it to look at), the same letter over and over,
// random bytes and characters, both scripts in one word, many words that
// each need a typo corrected, and many tiny clauses.
func hostileMessages() []struct{ name, text string } {
	r := rand.New(rand.NewPCG(7, 8))
	letters := func(alphabet string, n int) string {
		a := []rune(alphabet)
		var b strings.Builder
		for range n {
			b.WriteRune(a[r.IntN(len(a))])
		}
		return b.String()
	}
	words := func(alphabet string, minLen, maxLen int) string {
		var b strings.Builder
		for {
			w := letters(alphabet, minLen+r.IntN(maxLen-minLen+1))
			if utf8.RuneCountInString(b.String())+len([]rune(w))+1 > hostileLength {
				return b.String()
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	repeat := func(s string) string {
		n := hostileLength / utf8.RuneCountInString(s)
		return strings.Repeat(s, n)
	}
	const latin, cyrillic = "abcdefghijklmnopqrstuvwxyz", "абвгдежзийклмнопрстуфхцчшщъыьэюя"
	randomBytes := make([]byte, hostileLength)
	for i := range randomBytes {
		randomBytes[i] = byte(r.IntN(256))
	}
	randomRunes := make([]rune, hostileLength)
	for i := range randomRunes {
		randomRunes[i] = rune(r.IntN(0x30000))
	}
	return []struct{ name, text string }{
		{"one-latin-word", letters(latin, hostileLength)},
		{"one-cyrillic-word", letters(cyrillic, hostileLength)},
		{"one-mixed-word", letters(latin+cyrillic, hostileLength)},
		{"one-letter", strings.Repeat("a", hostileLength)},
		{"one-letter-cyrillic", strings.Repeat("ы", hostileLength)},
		{"digits", letters("0123456789", hostileLength)},
		{"random-bytes", string(randomBytes)},
		{"random-runes", string(randomRunes)},
		{"long-words", words(latin, 20, 40)},
		{"typo-words", words(latin+cyrillic, 9, 14)},
		{"known-words", repeat("пароль password ")},
		{"tiny-clauses", repeat("ab cd. ")},
		{"joined-clauses", repeat("забыл пароль и узнать баланс and ")},
		{"apostrophes", repeat("a'")},
		{"punctuation", repeat("?!.,;")},
	}
}

// TestMatchHostileIsBounded checks that the longest message costs
// little memory whatever its shape. Correcting a typo once built every
// form of a word with two letters deleted, about n²/2 strings for a word
// of n letters: gigabytes for one message of one long word.
func TestMatchHostileIsBounded(t *testing.T) {
	k := newKB(t, newTestSet(generatedIntents(40, 12)...), DefaultOptions)
	faq := loadFAQ(t)
	// A generous bound, far below what a quadratic step needs: about
	// 16 KB a character.
	const maxBytes = 64 << 20
	for _, m := range hostileMessages() {
		for name, kb := range map[string]*KB{"generated": k, "faq": faq} {
			allocated := allocatedBy(func() {
				kb.Match(context.Background(), m.text, "")
				texts := []string{m.text, m.text + " x", "забыл пароль"}
				kb.GroupSimilar(texts, DefaultGroupSimilarity)
				matched := []Result{kb.Match(context.Background(), m.text, ""), {}, kb.Match(context.Background(), "забыл пароль", "")}
				kb.GroupTopics(texts, matched, DefaultGroupSimilarity)
				if _, err := kb.SearchExamples(context.Background(), m.text, 5); err != nil {
					t.Errorf("%s/%s: SearchExamples: %v", name, m.name, err)
				}
			})
			if allocated > maxBytes {
				t.Errorf("%s/%s: matching a message of %d characters allocated %d MB, want at most %d MB",
					name, m.name, utf8.RuneCountInString(m.text), allocated>>20, maxBytes>>20)
			}
		}
	}
}

// allocatedBy returns the bytes f allocates on the heap.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// BenchmarkMatchHostile measures the longest messages in the costliest
// shapes, against a generated knowledge base of 40 intents.
func BenchmarkMatchHostile(b *testing.B) {
	k := newKB(b, newTestSet(generatedIntents(40, 12)...), DefaultOptions)
	ctx := context.Background()
	for _, m := range hostileMessages() {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				k.Match(ctx, m.text, "")
			}
		})
	}
}

// BenchmarkGroupHostile measures grouping a review page's worth of the
// longest messages.
func BenchmarkGroupHostile(b *testing.B) {
	k := newKB(b, newTestSet(generatedIntents(40, 12)...), DefaultOptions)
	var texts []string
	for _, m := range hostileMessages() {
		texts = append(texts, m.text)
	}
	matched := make([]Result, len(texts))
	for i, text := range texts {
		matched[i] = k.Match(context.Background(), text, "")
	}
	b.ReportAllocs()
	for b.Loop() {
		k.GroupTopics(texts, matched, DefaultGroupSimilarity)
	}
}

// BenchmarkSearchHostile measures looking the longest messages up among
// the examples with bleve.
func BenchmarkSearchHostile(b *testing.B) {
	k := newKB(b, newTestSet(generatedIntents(40, 12)...), DefaultOptions)
	ctx := context.Background()
	for _, m := range hostileMessages() {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.SearchExamples(ctx, m.text, 5); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzMatch checks that Match takes any text without failing, and that
// what it returns is consistent: a known decision, an answer only with an
// intent, candidates best first with confidences in [0, 1].
func FuzzMatch(f *testing.F) {
	for _, m := range hostileMessages() {
		f.Add(string([]rune(m.text)[:200]), "")
	}
	for _, q := range faqQueries {
		f.Add(q, "ru")
		f.Add(q, "en")
	}
	f.Add("", "")
	f.Add("ghbdtn", "")
	f.Add("\x00\xff\xfe", "xx")
	k := newKB(f, newTestSet(generatedIntents(10, 6)...), DefaultOptions)
	f.Fuzz(func(t *testing.T, text, lang string) {
		if utf8.RuneCountInString(text) > hostileLength {
			return
		}
		res := k.Match(context.Background(), text, lang)
		switch res.Decision {
		case DecisionAnswer:
			if res.Intent == "" || len(res.Candidates) == 0 || res.Candidates[0].Intent != res.Intent {
				t.Fatalf("answer without its intent first: %+v", res)
			}
		case DecisionClarify, DecisionNone:
			if res.Intent != "" {
				t.Fatalf("decision %v with intent %q", res.Decision, res.Intent)
			}
		default:
			t.Fatalf("unknown decision %v", res.Decision)
		}
		if res.Lang != "ru" && res.Lang != "en" {
			t.Fatalf("language %q", res.Lang)
		}
		for i, c := range res.Candidates {
			if c.Confidence < 0 || c.Confidence > 1 {
				t.Fatalf("confidence %v out of [0, 1]", c.Confidence)
			}
			if i > 0 && c.Confidence > res.Candidates[i-1].Confidence {
				t.Fatalf("candidates not best first: %+v", res.Candidates)
			}
		}
	})
}
