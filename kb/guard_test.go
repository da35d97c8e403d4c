package kb

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// withExamples returns a copy of set in which intent id has the extra
// examples in lang (a new intent when id is not in set), and the tests
// are the given ones (set's own when nil).
func withExamples(set *intents.Set, id, lang string, extra []string, tests []intents.TestCase) *intents.Set {
	var ins []*intents.Intent
	found := false
	for _, in := range set.Intents {
		c := *in
		if in.ID == id {
			found = true
			c.Examples = map[string][]string{}
			for l, list := range in.Examples {
				c.Examples[l] = slices.Clone(list)
			}
			c.Examples[lang] = append(c.Examples[lang], extra...)
		}
		ins = append(ins, &c)
	}
	if !found {
		ins = append(ins, &intents.Intent{
			ID:       id,
			Examples: map[string][]string{lang: extra},
			Answer:   intents.Text{lang: "answer " + id},
		})
	}
	if tests == nil {
		tests = set.Tests
	}
	return intents.NewSet(ins, nil, tests)
}

func TestGuard(t *testing.T) {
	faq := loadFAQ(t).Set()
	outage := faq.Intent("outage")
	// Every outage example, slightly reworded, given to billing: outage's
	// own messages now look like billing.
	var stolen []string
	for _, ex := range outage.Examples[intents.LangRU] {
		stolen = append(stolen, ex+" с оплатой")
	}
	failing := append(slices.Clone(faq.Tests), intents.TestCase{Message: "какая завтра погода в париже", Expect: "billing"})

	tests := []struct {
		name          string
		before, after *intents.Set
		blocked       bool
		failed        []string // messages of Failed
		already       []string // messages of AlreadyFailing
		fell          string   // an intent whose score must block
	}{
		{
			name:   "a paraphrase of its own intent",
			before: faq,
			after:  withExamples(faq, "reset_password", intents.LangRU, []string{"не могу вспомнить свой пароль"}, nil),
		},
		{
			name:    "a test message of another intent",
			before:  faq,
			after:   withExamples(faq, "reset_password", intents.LangRU, []string{"у меня не работает интернет"}, nil),
			blocked: true,
			failed:  []string{"у меня не работает интернет"},
		},
		{
			name:    "another intent's examples",
			before:  faq,
			after:   withExamples(faq, "billing", intents.LangRU, stolen, nil),
			blocked: true,
			fell:    "outage",
		},
		{
			name:    "a test that failed before does not block",
			before:  withExamples(faq, "reset_password", intents.LangRU, nil, failing),
			after:   withExamples(faq, "reset_password", intents.LangRU, []string{"не могу вспомнить свой пароль"}, failing),
			already: []string{"какая завтра погода в париже"},
		},
		{
			name:    "a new test that fails blocks",
			before:  faq,
			after:   withExamples(faq, "reset_password", intents.LangRU, []string{"не могу вспомнить свой пароль"}, failing),
			blocked: true,
			failed:  []string{"какая завтра погода в париже"},
		},
		{
			name:   "a new intent",
			before: faq,
			after:  withExamples(faq, "wifi_range", intents.LangRU, []string{"вайфай не добивает до кухни", "слабый сигнал вайфая в дальней комнате"}, nil),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Guard(context.Background(), tc.before, tc.after, DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			if r.Blocked() != tc.blocked {
				t.Errorf("Blocked() = %v, want %v; report %+v", r.Blocked(), tc.blocked, r)
			}
			if got := messages(r.Failed); !slices.Equal(got, tc.failed) {
				t.Errorf("failed tests %q, want %q", got, tc.failed)
			}
			if got := messages(r.AlreadyFailing); !slices.Equal(got, tc.already) {
				t.Errorf("already failing %q, want %q", got, tc.already)
			}
			if r.Tests != len(tc.after.Tests) {
				t.Errorf("%d tests run, want %d", r.Tests, len(tc.after.Tests))
			}
			if len(r.Intents) != len(tc.after.Intents) {
				t.Errorf("%d intents scored, want %d", len(r.Intents), len(tc.after.Intents))
			}
			for _, s := range r.Intents {
				if s.Blocks() != (s.Intent == tc.fell) {
					t.Errorf("%s: %.2f → %.2f (allowed %.2f) blocks = %v", s.Intent, s.Before, s.After, s.Allowed, s.Blocks())
				}
				if s.Blocks() && len(s.Lost) == 0 {
					t.Errorf("%s blocks but lists no lost examples", s.Intent)
				}
				for _, c := range s.Lost {
					if c.Expect != s.Intent || c.Got == s.Intent || c.Lang == "" {
						t.Errorf("%s: lost example %+v", s.Intent, c)
					}
				}
			}
		})
	}
}

func messages(cs []GuardCase) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Message)
	}
	return out
}

// TestBaselineCheck checks that a kept baseline judges an edit as Guard
// does, and that a cancelled check stops with the context's error.
func TestBaselineCheck(t *testing.T) {
	faq := loadFAQ(t).Set()
	ctx := context.Background()
	b, err := NewBaseline(ctx, faq, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	bad := withExamples(faq, "reset_password", intents.LangRU, []string{"у меня не работает интернет"}, nil)
	r, err := b.Check(ctx, bad)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Guard(ctx, faq, bad, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	r.Duration, want.Duration = 0, 0
	if !reflect.DeepEqual(r, want) {
		t.Errorf("Check:\n%+v\nGuard:\n%+v", r, want)
	}
	if !r.Blocked() || len(r.Failed) != 1 {
		t.Fatalf("report %+v, want one failed test", r)
	}
	f := r.Failed[0]
	if f.Expect != "outage" || f.Got == "outage" || f.Pos.Line == 0 {
		t.Errorf("failed test %+v: want it expecting outage, with its position", f)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Check(cancelled, bad); !errors.Is(err, context.Canceled) {
		t.Errorf("Check with a cancelled context: %v, want context.Canceled", err)
	}
}

// BenchmarkGuard measures the guard on the demo knowledge base, with an
// example added to reset_password: Guard measures both knowledge bases,
// Check only the edited one against a kept baseline (what a save from the
// panel costs).
func BenchmarkGuard(b *testing.B) {
	demo, _ := demoSet(b)
	edited := withExamples(demo, "reset_password", intents.LangRU, []string{"никак не вспомню пароль от кабинета"}, nil)
	ctx := context.Background()
	b.Run("guard", func(b *testing.B) {
		for b.Loop() {
			r, err := Guard(ctx, demo, edited, DefaultOptions)
			if err != nil {
				b.Fatal(err)
			}
			if r.Blocked() {
				b.Fatalf("a harmless edit is blocked: %+v", r)
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		base, err := NewBaseline(ctx, demo, DefaultOptions)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := base.Check(ctx, edited); err != nil {
				b.Fatal(err)
			}
		}
	})
}
