package kb

import (
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// testIntent is a compact way to write an intent in a test table.
type testIntent struct {
	id        string
	ru, en    []string
	threshold float64
	escalate  bool
}

// newTestSet builds an intents.Set from a table, with a placeholder answer
// for every language that has examples.
func newTestSet(ins ...testIntent) *intents.Set {
	var out []*intents.Intent
	for _, ti := range ins {
		in := &intents.Intent{
			ID:        ti.id,
			Examples:  map[string][]string{},
			Answer:    intents.Text{},
			Threshold: ti.threshold,
			Escalate:  ti.escalate,
		}
		if len(ti.ru) > 0 {
			in.Examples[intents.LangRU] = ti.ru
			in.Answer[intents.LangRU] = "ответ " + ti.id
		}
		if len(ti.en) > 0 {
			in.Examples[intents.LangEN] = ti.en
			in.Answer[intents.LangEN] = "answer " + ti.id
		}
		out = append(out, in)
	}
	return intents.NewSet(out, nil, nil)
}

// smallIntents is a tiny knowledge base for unit tests: few enough
// examples that the confidences are easy to reason about.
func smallIntents() []testIntent {
	return []testIntent{
		{
			id: "reset_password",
			ru: []string{"сбросить пароль", "забыл пароль"},
			en: []string{"reset my password", "I forgot my password"},
		},
		{
			id: "billing",
			ru: []string{"оплатить счет", "узнать баланс"},
			en: []string{"pay the bill", "check my balance"},
		},
		{
			id: "outage",
			ru: []string{"не работает интернет"},
			en: []string{"the internet is down"},
		},
	}
}

// newTestKB builds a knowledge base from a table with the default options
// and closes it when the test ends.
func newTestKB(t testing.TB, ins ...testIntent) *KB {
	t.Helper()
	return newKB(t, newTestSet(ins...), DefaultOptions)
}

// newKB builds a knowledge base and closes it when the test ends.
func newKB(t testing.TB, set *intents.Set, opts Options) *KB {
	t.Helper()
	k, err := New(set, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := k.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return k
}

// loadFAQ builds a knowledge base from testdata/faq.yaml, the small FAQ of
// an internet provider.
func loadFAQ(t testing.TB) *KB {
	t.Helper()
	set, err := intents.Load("testdata")
	if err != nil {
		t.Fatalf("load testdata: %v", err)
	}
	return newKB(t, set, DefaultOptions)
}

// topTwo returns the intents of the first two candidates, or "" for missing
// ones.
func topTwo(r Result) (string, string) {
	var a, b string
	if len(r.Candidates) > 0 {
		a = r.Candidates[0].Intent
	}
	if len(r.Candidates) > 1 {
		b = r.Candidates[1].Intent
	}
	return a, b
}
