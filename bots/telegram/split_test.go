package telegram

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"empty", "", 10, nil},
		{"only spaces", " \n\n ", 10, nil},
		{"short", "  Привет  ", 10, []string{"Привет"}},
		{"exactly the limit in runes", "ЖЖЖЖЖЖЖЖЖЖ", 10, []string{"ЖЖЖЖЖЖЖЖЖЖ"}},
		{"at a paragraph", "один два\n\nтри четыре", 12, []string{"один два", "три четыре"}},
		{"paragraph before a line", "один\nдва\n\nтри\nчетыре", 14, []string{"один\nдва", "три\nчетыре"}},
		{"at a line", "один два\nтри четыре", 12, []string{"один два", "три четыре"}},
		{"at a space", "один два три четыре", 12, []string{"один два", "три четыре"}},
		{"a paragraph too early is passed over", "а\n\nбвгд ежзи клмн", 10, []string{"а\n\nбвгд", "ежзи клмн"}},
		{"no place to cut", "абвгдежзийклмн", 5, []string{"абвгд", "ежзий", "клмн"}},
		{"three parts", "aaaa bbbb cccc dddd eeee", 10, []string{"aaaa bbbb", "cccc dddd", "eeee"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := splitText(tc.text, tc.limit)
			if !slices.Equal(got, tc.want) {
				t.Errorf("splitText(%q, %d) = %q, want %q", tc.text, tc.limit, got, tc.want)
			}
			for _, p := range got {
				if utf8.RuneCountInString(p) > tc.limit || strings.TrimSpace(p) != p || p == "" {
					t.Errorf("part %q is over the limit, empty or not trimmed", p)
				}
			}
		})
	}
}

func TestCallbackData(t *testing.T) {
	for _, tc := range []struct {
		data  string
		id    int64
		index int
		ok    bool
	}{
		{callbackData(15, 1), 15, 1, true},
		{"b:9223372036854775807:0", 9223372036854775807, 0, true},
		{"b:15", 0, 0, false},
		{"b:0:1", 0, 0, false},
		{"b:x:1", 0, 0, false},
		{"b:15:-1", 0, 0, false},
		{"c:15:1", 0, 0, false},
		{"", 0, 0, false},
	} {
		id, index, ok := parseCallbackData(tc.data)
		if id != tc.id || index != tc.index || ok != tc.ok {
			t.Errorf("parseCallbackData(%q) = %d, %d, %v; want %d, %d, %v", tc.data, id, index, ok, tc.id, tc.index, tc.ok)
		}
	}
}

// TestSplitTextLinear splits a long text into one-character parts: each
// part must cost its own length, not the rest of the text's (which took
// minutes for this text).
func TestSplitTextLinear(t *testing.T) {
	text := strings.Repeat("ab ", 150_000)
	start := time.Now()
	parts := splitText(text, 1)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("splitting %d KB into parts of one character took %v", len(text)>>10, took)
	}
	if len(parts) != 300_000 {
		t.Errorf("%d parts, want 300000", len(parts))
	}
}
