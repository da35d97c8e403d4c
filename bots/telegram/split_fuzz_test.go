package telegram

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSplitText checks splitText on any text and limit: every part is
// non-empty, within the limit and trimmed; valid UTF-8 stays valid in
// every part; and the parts are the text itself, in order, with nothing
// but white space dropped between and around them.
func FuzzSplitText(f *testing.F) {
	for _, seed := range []struct {
		text  string
		limit int
	}{
		{"", 10},
		{" \n\n ", 10},
		{"один два\n\nтри четыре", 12},
		{"абвгдежзийклмн", 5},
		{"aaaa bbbb cccc dddd eeee", 10},
		{"a\r\nb\r\nc\r\nd", 3},
		{"😀😀😀 😀😀😀", 4},
		{"e\u0301e\u0301e\u0301", 2},
		{"x\u00a0y\u2028z\u3000w", 2},
		{"\xff\xfe abc \xc3", 2},
		{strings.Repeat("слово ", 1000), 4096},
	} {
		f.Add(seed.text, seed.limit)
	}
	f.Fuzz(func(t *testing.T, text string, limit int) {
		limit = 1 + (limit&0x7fffffff)%300 // limits of 1 to 300 characters
		parts := splitText(text, limit)
		rest := text // what follows the last part found
		for i, p := range parts {
			switch {
			case p == "":
				t.Fatalf("part %d is empty", i)
			case utf8.RuneCountInString(p) > limit:
				t.Fatalf("part %d has %d characters, over the limit of %d", i, utf8.RuneCountInString(p), limit)
			case utf8.ValidString(text) && !utf8.ValidString(p):
				t.Fatalf("part %d of valid UTF-8 is not valid UTF-8: %q", i, p)
			}
			first, _ := utf8.DecodeRuneInString(p)
			last, _ := utf8.DecodeLastRuneInString(p)
			if unicode.IsSpace(first) || unicode.IsSpace(last) {
				t.Fatalf("part %d is not trimmed: %q", i, p)
			}
			// The part must come next in the text, after only white space.
			gap := strings.TrimLeftFunc(rest, unicode.IsSpace)
			if !strings.HasPrefix(gap, p) {
				t.Fatalf("part %d %q is not what follows in the text: %q", i, p, gap[:min(len(gap), 40)])
			}
			rest = gap[len(p):]
		}
		if strings.TrimLeftFunc(rest, unicode.IsSpace) != "" {
			t.Fatalf("text left out after the last part: %q", rest[:min(len(rest), 40)])
		}
	})
}
