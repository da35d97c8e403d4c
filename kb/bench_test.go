package kb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// generatedIntents makes a knowledge base of n intents with perExample
// examples in each language, from made-up words that inflect like real
// ones, so that the analyzers' stemmers have work to do. The same n gives
// the same intents.
func generatedIntents(n, perLang int) []testIntent {
	r := rand.New(rand.NewPCG(1, 2))
	ru := wordMaker{
		syllables: strings.Fields("ба ве ги до жу зы ки ло ме ни по ру се ту фа хо це ча ше ща"),
		endings:   []string{"а", "ы", "у", "ой", "ами", "е", "ом"},
		filler:    strings.Fields("как мне где почему можно хочу нужно мой ваш сегодня очень"),
	}
	en := wordMaker{
		syllables: strings.Fields("ba ke li mo nu pa re si to vu da fe go hi ja"),
		endings:   []string{"", "s", "ing", "ed", "er"},
		filler:    strings.Fields("how my where why can want need your today very the please"),
	}
	ins := make([]testIntent, n)
	for i := range ins {
		ins[i].id = fmt.Sprintf("intent_%02d", i)
		ins[i].ru = ru.examples(r, perLang)
		ins[i].en = en.examples(r, perLang)
	}
	return ins
}

// wordMaker makes example phrases of one language.
type wordMaker struct {
	syllables []string
	endings   []string
	filler    []string
}

// examples returns count phrases about one made-up topic: each has one or
// two of the topic's three words, inflected, and a few filler words.
func (w wordMaker) examples(r *rand.Rand, count int) []string {
	var topic []string
	for range 3 {
		var stem strings.Builder
		for range 2 + r.IntN(2) {
			stem.WriteString(w.syllables[r.IntN(len(w.syllables))])
		}
		topic = append(topic, stem.String())
	}
	out := make([]string, 0, count)
	for len(out) < count {
		var words []string
		for _, t := range topic[:1+r.IntN(2)] {
			words = append(words, t+w.endings[r.IntN(len(w.endings))])
		}
		for range 1 + r.IntN(3) {
			words = append(words, w.filler[r.IntN(len(w.filler))])
		}
		r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		out = append(out, strings.Join(words, " "))
	}
	return out
}

// benchQueries makes messages from the examples of a generated knowledge
// base: each drops the first word of an example and adds a word no example
// has, and every fifth one is nonsense.
func benchQueries(ins []testIntent, n int) []string {
	r := rand.New(rand.NewPCG(3, 4))
	queries := make([]string, 0, n)
	for len(queries) < n {
		in := ins[r.IntN(len(ins))]
		examples, extra := in.ru, "вопрос"
		if len(queries)%2 == 1 {
			examples, extra = in.en, "question"
		}
		words := strings.Fields(examples[r.IntN(len(examples))])
		if len(words) > 2 {
			words = words[1:]
		}
		q := strings.Join(append(words, extra), " ")
		if len(queries)%5 == 4 {
			q = "ывапролд qwzx plmk"
		}
		queries = append(queries, q)
	}
	return queries
}

// faqQueries are realistic messages for testdata/faq.yaml, in both
// languages, including a typo, a mixed message and nonsense.
var faqQueries = []string{
	"сбросил паролем",
	"I forgot my pasword",
	"как узнать баланс",
	"why is my balance negative",
	"какие тарифы у вас есть для дома",
	"what is the cheapest plan",
	"интернет пропал вчера вечером",
	"my internet stopped working",
	"переезжаю и хочу сменить тариф",
	"the weather in Paris",
}

// demoSet loads the demo knowledge base shipped in configs/intents, and
// its test messages as realistic queries.
func demoSet(b *testing.B) (*intents.Set, []string) {
	set, err := intents.Load("../configs/intents")
	if err != nil {
		b.Fatalf("load the demo knowledge base: %v", err)
	}
	var queries []string
	for _, c := range set.Tests {
		queries = append(queries, c.Message)
	}
	return set, queries
}

func BenchmarkMatch(b *testing.B) {
	gen := generatedIntents(40, 12)
	big := generatedIntents(150, 50) // 150 intents of 100 examples, 50 per language
	faqSet, err := intents.Load("testdata")
	if err != nil {
		b.Fatalf("load testdata: %v", err)
	}
	demo, demoQueries := demoSet(b)
	cases := []struct {
		name    string
		set     *intents.Set
		queries []string
	}{
		{"generated", newTestSet(gen...), benchQueries(gen, 50)},
		{"generated150x100", newTestSet(big...), benchQueries(big, 500)},
		{"faq", faqSet, faqQueries},
		{"demo", demo, demoQueries},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			k := newKB(b, c.set, DefaultOptions)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k.Match(ctx, c.queries[i%len(c.queries)], "")
				i++
			}
		})
	}
}

func BenchmarkNew(b *testing.B) {
	faqSet, err := intents.Load("testdata")
	if err != nil {
		b.Fatalf("load testdata: %v", err)
	}
	demo, _ := demoSet(b)
	cases := []struct {
		name string
		set  *intents.Set
	}{
		{"generated", newTestSet(generatedIntents(40, 12)...)},
		{"generated150x100", newTestSet(generatedIntents(150, 50)...)},
		{"faq", faqSet},
		{"demo", demo},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var heap uint64
			for b.Loop() {
				k, err := New(c.set, DefaultOptions)
				if err != nil {
					b.Fatal(err)
				}
				heap = max(heap, heapInUse())
				k.Close()
			}
			b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		})
	}
}

// TestGeneratedKB checks that the benchmark's knowledge base is a fair one:
// the right size, and its queries mostly answered by the intent they came
// from.
func TestGeneratedKB(t *testing.T) {
	gen := generatedIntents(40, 12)
	set := newTestSet(gen...)
	k := newKB(t, set, DefaultOptions)
	if got := len(k.examples); got != 40*12*2 {
		t.Fatalf("%d examples, want %d", got, 40*12*2)
	}
	answered, none := 0, 0
	queries := benchQueries(gen, 50)
	for _, q := range queries {
		switch k.Match(context.Background(), q, "").Decision {
		case DecisionAnswer:
			answered++
		case DecisionNone:
			none++
		}
	}
	if answered < len(queries)/2 || none < len(queries)/5 {
		t.Errorf("%d of %d queries answered and %d none, want at least half answered and a fifth none",
			answered, len(queries), none)
	}
}

// heapInUse returns the bytes of live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
