package intents

import (
	"strings"
	"testing"
)

// FuzzSyntaxError checks that any text that does not parse gets a line
// within the text and a message, and that looking for the quote or
// bracket left open never fails.
func FuzzSyntaxError(f *testing.F) {
	for _, seed := range []string{
		"intents:\n  - id: a\n    answer: {ru: \"x}\n",
		"a: [1, 2\nb: 3\n",
		"a: 'it''s\nb: \"c\\\"\n",
		"a: b\n  c: d\n",
		"# \"comment\na: {x: [\"y\", 'z'\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<12 {
			return
		}
		err := parseAll([]byte(text))
		if err == nil {
			return
		}
		line, msg := SyntaxError([]byte(text), err)
		if lines := strings.Count(text, "\n") + 1; line < 1 || line > lines {
			t.Errorf("line %d of a text of %d lines (%v)", line, lines, err)
		}
		if !strings.HasPrefix(msg, "YAML syntax error: ") {
			t.Errorf("message %q", msg)
		}
	})
}
