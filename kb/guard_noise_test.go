package kb

import (
	"context"
	"fmt"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// scored builds a measurement of intents from their examples' results:
// for each intent, one bool per example, right or wrong in
// cross-validation.
func scored(results map[string][]bool) measurement {
	m := measurement{examples: map[string]bool{}, intents: map[string][2]int{}, got: map[string]string{}}
	for id, list := range results {
		n := m.intents[id]
		for i, right := range list {
			key := exampleKey(id, intents.LangRU, fmt.Sprintf("%s example %d", id, i))
			m.examples[key] = right
			n[1]++
			if right {
				n[0]++
			} else {
				m.got[key] = "none"
			}
		}
		m.intents[id] = n
	}
	return m
}

// rights returns n results, the first right of them right.
func rights(right, n int) []bool {
	out := make([]bool, n)
	for i := range right {
		out[i] = true
	}
	return out
}

// TestGuardNoise checks that the guard tells the noise of a few held-out
// examples from harm: an intent of ten examples losing one of them (0.70
// → 0.60) is what any re-sampling moves, while one losing four is not;
// and that an intent given new wordings is compared on the examples it
// had, not blocked because the new ones are not recognised yet.
func TestGuardNoise(t *testing.T) {
	for _, c := range []struct {
		name          string
		before, after map[string][]bool
		blocks        string // the intent that must block; "" for none
	}{
		{
			name:   "an unrelated intent of ten loses one example",
			before: map[string][]bool{"gift": rights(27, 30), "delivery": rights(7, 10)},
			after:  map[string][]bool{"gift": append(rights(27, 30), true), "delivery": rights(6, 10)},
		},
		{
			name:   "an intent given three wordings the others do not recognise yet",
			before: map[string][]bool{"gift": rights(27, 30), "delivery": rights(7, 10)},
			after:  map[string][]bool{"gift": append(rights(27, 30), false, false, false), "delivery": rights(7, 10)},
		},
		{
			name:   "an unrelated intent of ten loses four examples",
			before: map[string][]bool{"gift": rights(27, 30), "delivery": rights(7, 10)},
			after:  map[string][]bool{"gift": append(rights(27, 30), true), "delivery": rights(3, 10)},
			blocks: "delivery",
		},
		{
			name:   "an intent right every time loses three of ten",
			before: map[string][]bool{"gift": rights(27, 30), "delivery": rights(10, 10)},
			after:  map[string][]bool{"gift": append(rights(27, 30), true), "delivery": rights(7, 10)},
			blocks: "delivery",
		},
		{
			name:   "a big intent loses a tenth",
			before: map[string][]bool{"gift": rights(190, 200), "delivery": rights(7, 10)},
			after:  map[string][]bool{"gift": append(rights(170, 200), true), "delivery": rights(7, 10)},
			blocks: "gift",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := compare(scored(c.before), scored(c.after))
			for _, s := range r.Intents {
				if s.Blocks() != (s.Intent == c.blocks) {
					t.Errorf("%s: %.2f → %.2f over %d examples, allowed %.2f: blocks = %v",
						s.Intent, s.Before, s.After, s.Compared, s.Allowed, s.Blocks())
				}
				if s.Compared != len(c.before[s.Intent]) || s.Added != len(c.after[s.Intent])-len(c.before[s.Intent]) {
					t.Errorf("%s: compared %d and added %d, want %d and %d", s.Intent, s.Compared, s.Added,
						len(c.before[s.Intent]), len(c.after[s.Intent])-len(c.before[s.Intent]))
				}
			}
			if r.Blocked() != (c.blocks != "") {
				t.Errorf("Blocked() = %v", r.Blocked())
			}
		})
	}
}

// TestGuardSameFolds checks that an edit leaves every other intent's
// held-out examples where they were: each is compared before and after
// the edit, in the same fold, so that what moves is the matcher only.
func TestGuardSameFolds(t *testing.T) {
	faq := loadFAQ(t).Set()
	extra := []string{"не могу вспомнить свой пароль", "пароль потерялся", "какой у меня был пароль"}
	edited := withExamples(faq, "reset_password", intents.LangRU, extra, nil)
	r, err := Guard(context.Background(), faq, edited, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Intents {
		in := faq.Intent(s.Intent)
		n := 0
		for _, l := range intents.Languages {
			n += len(in.Examples[l])
		}
		wantAdded := 0
		if s.Intent == "reset_password" {
			wantAdded = len(extra)
		}
		if s.Compared != n || s.Added != wantAdded || s.Examples != n+wantAdded {
			t.Errorf("%s: compared %d, added %d, of %d; want %d, %d, of %d", s.Intent, s.Compared, s.Added, s.Examples, n, wantAdded, n+wantAdded)
		}
	}
	for _, in := range faq.Intents {
		for _, l := range intents.Languages {
			for _, ex := range in.Examples[l] {
				if f := foldOf(ex); f < 0 || f >= GuardFolds {
					t.Fatalf("fold %d of %q", f, ex)
				}
			}
		}
	}
}

// TestGuardSummary checks the one line that records what an edit saved
// over the guard's warning was warned of.
func TestGuardSummary(t *testing.T) {
	r := compare(scored(map[string][]bool{"gift": rights(9, 10), "delivery": rights(10, 10)}),
		scored(map[string][]bool{"gift": rights(9, 10), "delivery": rights(6, 10)}))
	r.Failed = []GuardCase{{Message: "где посылка", Expect: "delivery", Got: "none"}}
	want := `1 tests fail: "где посылка" want delivery, got none; 1 intents worse: delivery 1.00 → 0.60 (allowed fall 0.20)`
	if got := r.Summary(); got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	if got := (&GuardReport{}).Summary(); got != "" {
		t.Errorf("Summary() of nothing = %q", got)
	}
}
