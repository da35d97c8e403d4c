package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdviceOutput runs validate and test on a small shop's knowledge
// base and checks that each prints its own verdict, then the intents that
// need work at their FILE:LINE, with the same exit code as before.
func TestAdviceOutput(t *testing.T) {
	failing := t.TempDir()
	b, err := os.ReadFile("testdata/advice/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, "  - message: \"подарочный сертификат на 1000\"\n    expect: payment\n"...)
	if err := os.WriteFile(filepath.Join(failing, "shop.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	shop := filepath.Join("testdata", "advice")
	file := filepath.Join(shop, "shop.yaml")
	// What every run with the health check prints, in this order.
	health := []string{
		"Knowledge base health (5-fold cross-validation of 45 examples at the current thresholds, ",
		" of 6 intents need more or different examples:\n",
		file + ":17: order_status (ru): 4 examples, ",
		"fewer than 5 examples: add 3–5 more ways a customer would ask this; too alike to delivery_time: make their examples differ, or merge the two\n",
		file + ":23: delivery_time (ru): 4 examples, ",
		"too alike to order_status",
		file + ":29: gift_card (ru): 2 examples, ",
		file + ":29: gift_card (en): 2 examples, ",
		file + ":35: returns: no examples in en, which other intents have: add examples and an answer in en\n",
	}
	tests := []struct {
		name string
		args []string
		code int
		want []string // in order
		not  []string
	}{
		{
			name: "validate",
			args: []string{"validate", "--intents", shop},
			want: append([]string{shop + ": OK: 1 files, 6 intents, 45 examples (ru 25, en 20), 1 tests, 0 canned replies\n\n"}, health...),
		},
		{
			name: "test",
			args: []string{"test", "--intents", shop},
			want: append([]string{"1 passed, 0 failed\n\n"}, health...),
		},
		{
			name: "a failing test",
			args: []string{"test", "--intents", failing},
			code: 1,
			want: []string{"FAIL ", "shop.yaml:43: \"подарочный сертификат на 1000\": want payment", "1 passed, 1 failed\n",
				"Knowledge base health", "gift_card (ru): 2 examples", "1 of 2 intent tests failed"},
		},
		{
			name: "validate without",
			args: []string{"validate", "--intents", shop, "--advice=false"},
			want: []string{": OK: "},
			not:  []string{"health"},
		},
		{
			name: "test without",
			args: []string{"test", "--intents", shop, "--advice=false"},
			want: []string{"1 passed, 0 failed\n"},
			not:  []string{"health"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, t.TempDir(), "", nil, tt.args...)
			out := stdout + stderr
			if code != tt.code {
				t.Errorf("exit %d, want %d:\n%s", code, tt.code, out)
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (after the previous ones):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("output has %q:\n%s", n, out)
				}
			}
		})
	}
}
