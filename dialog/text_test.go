package dialog_test

import (
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

func TestCheckAndCleanText(t *testing.T) {
	for _, c := range []struct {
		in, clean string
		ok        bool
	}{
		{"", "", true},
		{"Анна, привет 👋", "Анна, привет 👋", true},
		{"a\x00b", "a\uFFFDb", false},
		{"\x00\x00", "\uFFFD\uFFFD", false},
		{"a\xffb", "a\uFFFDb", false},
		{"\xc3\x28", "\uFFFD(", false},
	} {
		err := dialog.CheckText("fine", c.in)
		if (err == nil) != c.ok || (err != nil && dialog.ErrorCode(err) != dialog.EINVALID) {
			t.Errorf("CheckText(%q) = %v, want ok %v", c.in, err, c.ok)
		}
		if got := dialog.CleanText(c.in); got != c.clean {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.clean)
		}
		if err := dialog.CheckText(dialog.CleanText(c.in)); err != nil {
			t.Errorf("CleanText(%q) is refused: %v", c.in, err)
		}
	}
}
