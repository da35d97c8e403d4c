package panel

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLeadingShortcut(t *testing.T) {
	for _, c := range []struct {
		text, name, rest string
		ok               bool
	}{
		{"/hello", "hello", "", true},
		{" \n/hello there", "hello", " there", true},
		{"/a_1\tx", "a_1", "\tx", true},
		{"/", "", "", false},
		{"/Hello", "", "", false},
		{"/hello!", "", "", false},
		{"/etc/hosts", "", "", false},
		{"hello /hello", "", "", false},
		{"", "", "", false},
	} {
		name, rest, ok := leadingShortcut(c.text)
		if name != c.name || rest != c.rest || ok != c.ok {
			t.Errorf("leadingShortcut(%q) = %q, %q, %v; want %q, %q, %v", c.text, name, rest, ok, c.name, c.rest, c.ok)
		}
	}
}

func FuzzExpandReply(f *testing.F) {
	for _, s := range []string{"/hello", "/contract", " /wait more", "/etc/hosts", "plain", "/", "/привет", "/hello\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out, err := expandReply(text, langEN, []string{"hello", "wait"}, func(name string) string { return "[" + name + "]" })
		if err != nil {
			// Only a lone unknown shortcut is refused.
			name, rest, ok := leadingShortcut(text)
			if !ok || name == "hello" || name == "wait" || strings.TrimSpace(rest) != "" {
				t.Fatalf("%q refused: %v", text, err)
			}
			return
		}
		if name, _, ok := leadingShortcut(text); ok && (name == "hello" || name == "wait") {
			if !strings.HasPrefix(out, "["+name+"]") {
				t.Fatalf("%q expanded to %q", text, out)
			}
		} else if out != text {
			t.Fatalf("%q changed to %q", text, out)
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("%q expanded to invalid UTF-8 %q", text, out)
		}
	})
}
