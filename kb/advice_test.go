package kb

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// adviceIntents is a small shop's knowledge base with the problems Advise
// must find: order_status and delivery_time are asked about in the same
// words, gift_card has two examples, and returns has no English ones.
func adviceIntents() []testIntent {
	return []testIntent{
		{
			id: "reset_password",
			ru: []string{"забыл пароль", "как сбросить пароль", "не могу войти в личный кабинет", "восстановить пароль от кабинета", "не подходит пароль"},
			en: []string{"I forgot my password", "how do I reset my password", "I can't log in to my account", "recover the password for my account", "my password does not work"},
		},
		{
			id: "payment",
			ru: []string{"как оплатить заказ", "оплата картой", "можно заплатить наличными", "не проходит оплата", "способы оплаты"},
			en: []string{"how do I pay for my order", "pay by card", "can I pay in cash", "my payment does not go through", "payment methods"},
		},
		{
			id: "order_status",
			ru: []string{"где мой заказ", "когда придет мой заказ", "статус моего заказа", "заказ еще не пришел"},
			en: []string{"where is my order", "when will my order arrive", "status of my order", "my order has not arrived yet"},
		},
		{
			id: "delivery_time",
			ru: []string{"когда придет заказ", "сколько ждать заказ", "где заказ сейчас", "заказ не пришел вовремя"},
			en: []string{"when will the order arrive", "how long do I wait for the order", "where is the order now", "the order did not arrive on time"},
		},
		{
			id: "gift_card",
			ru: []string{"подарочный сертификат", "купить подарочную карту"},
			en: []string{"gift certificate", "buy a gift card"},
		},
		{
			id: "returns",
			ru: []string{"как вернуть товар", "хочу сдать покупку обратно", "возврат товара", "вернуть деньги за товар", "товар не подошел, верну"},
		},
	}
}

func TestAdvise(t *testing.T) {
	a, err := Advise(context.Background(), newTestSet(adviceIntents()...), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	if a.Folds != AdviceMinExamples || a.Examples != 45 || !slices.Equal(a.Languages, []string{"ru", "en"}) {
		t.Errorf("folds %d, examples %d, languages %v; want 5, 45, [ru en]", a.Folds, a.Examples, a.Languages)
	}
	if a.Right+a.Wrong+a.Offered+a.None != a.Examples {
		t.Errorf("outcomes %d+%d+%d+%d do not add up to %d examples", a.Right, a.Wrong, a.Offered, a.None, a.Examples)
	}

	// Whether an intent of five examples is answered three times in ten
	// depends on the calibration, so the flags asserted are the others.
	tests := []struct {
		intent  string
		few     []string // languages with too few examples
		missing []string
		alike   []string
	}{
		{intent: "reset_password"},
		{intent: "payment"},
		{intent: "order_status", few: []string{"ru", "en"}, alike: []string{"delivery_time"}},
		{intent: "delivery_time", few: []string{"ru", "en"}, alike: []string{"order_status"}},
		{intent: "gift_card", few: []string{"ru", "en"}},
		{intent: "returns", missing: []string{"en"}},
	}
	if len(a.Intents) != len(tests) {
		t.Fatalf("%d intents, want %d", len(a.Intents), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.intent, func(t *testing.T) {
			in := a.Intents[i]
			if in.Intent != tt.intent {
				t.Fatalf("intent %d is %s, want %s", i, in.Intent, tt.intent)
			}
			var few []string
			for _, l := range in.Langs {
				if l.Right+l.WrongCount()+l.Offered+l.None != l.Examples {
					t.Errorf("%s: outcomes do not add up: %+v", l.Lang, l)
				}
				if l.Few {
					few = append(few, l.Lang)
				}
			}
			if !slices.Equal(few, tt.few) {
				t.Errorf("few examples in %v, want %v", few, tt.few)
			}
			if !slices.Equal(in.MissingLangs, tt.missing) {
				t.Errorf("missing languages %v, want %v", in.MissingLangs, tt.missing)
			}
			if !slices.Equal(in.Alike, tt.alike) {
				t.Errorf("too alike to %v, want %v", in.Alike, tt.alike)
			}
			if flagged := len(tt.few)+len(tt.missing)+len(tt.alike) > 0; flagged && !in.Flagged() {
				t.Errorf("not flagged: %+v", in)
			}
		})
	}
	for _, p := range a.Pairs {
		if p.A != "order_status" && p.A != "delivery_time" {
			t.Errorf("pair %s and %s in %s: only order_status and delivery_time are alike", p.A, p.B, p.Lang)
		}
		if p.AasB+p.AorB < p.BasA+p.BorA {
			t.Errorf("pair %+v: A is not the one more of whose examples went astray", p)
		}
	}
}

// TestAdviseLeaveOneOut checks that a small knowledge base is
// cross-validated one example of an intent at a time.
func TestAdviseLeaveOneOut(t *testing.T) {
	set := newTestSet(adviceIntents()...)
	a, err := Advise(context.Background(), set, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	// Five folds and at most five examples an intent and language: each
	// fold holds out one example of each, as leave-one-out would.
	for j, in := range set.Intents {
		for _, lang := range intents.Languages {
			seen := map[int]bool{}
			for i := range in.Examples[lang] {
				f := adviceFold(j, i, a.Folds)
				if seen[f] {
					t.Errorf("%s %s: two examples in fold %d", in.ID, lang, f)
				}
				seen[f] = true
			}
		}
	}
}

func TestAdviceTally(t *testing.T) {
	right, none := heldOut{kind: heldRight}, heldOut{kind: heldNone}
	wrong := func(id string) heldOut { return heldOut{kind: heldWrong, intent: id} }
	asked := func(ids ...string) heldOut { return heldOut{kind: heldOffered, offer: ids} }
	examples := []string{"e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"}
	tests := []struct {
		name      string
		got       []heldOut
		few, weak bool
		wrong     []Confusion
		missed    []string
	}{
		{"all right", []heldOut{right, right, right, right, right}, false, false, nil, nil},
		{"four examples", []heldOut{right, right, right, right}, true, false, nil, nil},
		{"three in ten is not weak", []heldOut{right, right, right, none, none, none, none, none, none, none}, false, false,
			nil, []string{"e3", "e4", "e5"}},
		{"two in ten is", []heldOut{none, right, right, none, none, none, none, none, none, none}, false, true,
			nil, []string{"e0", "e3", "e4"}},
		{"answered as others, most first", []heldOut{wrong("b"), right, wrong("c"), wrong("c"), asked("a", "b")}, false, true,
			[]Confusion{{Intent: "c", Count: 2, Examples: []string{"e2", "e3"}}, {Intent: "b", Count: 1, Examples: []string{"e0"}}},
			[]string{"e0", "e2", "e3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			la := tally("a", "en", examples[:len(tt.got)], tt.got)
			if la.Few != tt.few || la.Weak != tt.weak {
				t.Errorf("few %v, weak %v; want %v, %v", la.Few, la.Weak, tt.few, tt.weak)
			}
			if !reflect.DeepEqual(la.Wrong, tt.wrong) || !slices.Equal(la.Missed, tt.missed) {
				t.Errorf("wrong %+v, missed %q; want %+v, %q", la.Wrong, la.Missed, tt.wrong, tt.missed)
			}
		})
	}
}

func TestAdvicePairs(t *testing.T) {
	lang := func(id string, n int, wrong, asked []Confusion) IntentAdvice {
		return IntentAdvice{Intent: id, Langs: []LangAdvice{{Lang: "en", Examples: n, Wrong: wrong, Asked: asked}}}
	}
	tests := []struct {
		name  string
		a, b  IntentAdvice
		pairs []string // "A>B"
	}{
		{"once is not enough", lang("a", 5, []Confusion{{Intent: "b", Count: 1}}, nil), lang("b", 5, nil, nil), nil},
		{"twice in ten examples", lang("a", 5, []Confusion{{Intent: "b", Count: 1}}, nil),
			lang("b", 5, []Confusion{{Intent: "a", Count: 1}}, nil), []string{"a>b"}},
		{"an offer counts half", lang("a", 5, []Confusion{{Intent: "b", Count: 1}}, nil),
			lang("b", 5, nil, []Confusion{{Intent: "a", Count: 1}}), nil},
		{"two offers count as one answer", lang("a", 5, []Confusion{{Intent: "b", Count: 1}}, nil),
			lang("b", 5, nil, []Confusion{{Intent: "a", Count: 2}}), []string{"b>a"}},
		{"the one more astray first", lang("a", 20, []Confusion{{Intent: "b", Count: 1}}, nil),
			lang("b", 20, []Confusion{{Intent: "a", Count: 2}}, []Confusion{{Intent: "a", Count: 2}}), []string{"b>a"}},
		{"less than one in ten", lang("a", 20, []Confusion{{Intent: "b", Count: 2}}, nil),
			lang("b", 20, []Confusion{{Intent: "a", Count: 1}}, nil), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &Advice{Intents: []IntentAdvice{tt.a, tt.b}}
			a.findPairs()
			var got []string
			for _, p := range a.Pairs {
				got = append(got, p.A+">"+p.B)
			}
			if !slices.Equal(got, tt.pairs) {
				t.Errorf("pairs %v, want %v", got, tt.pairs)
			}
			if len(tt.pairs) > 0 && (!slices.Equal(a.Intents[0].Alike, []string{"b"}) || !slices.Equal(a.Intents[1].Alike, []string{"a"})) {
				t.Errorf("alike %v and %v", a.Intents[0].Alike, a.Intents[1].Alike)
			}
		})
	}
}

func TestAdviseEdges(t *testing.T) {
	tests := []struct {
		name  string
		set   *intents.Set
		folds int
		none  int
	}{
		{"no intents", newTestSet(), 0, 0},
		// Left out, the only example leaves nothing to match it by.
		{"one example", newTestSet(testIntent{id: "hello", en: []string{"hello"}}), 1, 1},
		{"one example each", newTestSet(testIntent{id: "hello", en: []string{"hello"}}, testIntent{id: "bye", en: []string{"bye"}}), 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Advise(context.Background(), tt.set, DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			if a.Folds != tt.folds || a.None != tt.none || a.Right != 0 {
				t.Errorf("folds %d, none %d, right %d; want %d, %d, 0", a.Folds, a.None, a.Right, tt.folds, tt.none)
			}
			for _, in := range a.Intents {
				if !in.Flagged() {
					t.Errorf("%s is not flagged: %+v", in.Intent, in)
				}
			}
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Advise(ctx, newTestSet(adviceIntents()...), DefaultOptions); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v, want context.Canceled", err)
	}
	if _, err := Advise(context.Background(), newTestSet(adviceIntents()...), Options{AnswerThreshold: 2}); err == nil {
		t.Error("an answer threshold of 2 gave no error")
	}
}

// BenchmarkAdvise measures Advise on the demo knowledge base (35 intents,
// 1,140 examples) and on the generated one of 40 intents × 24 examples.
func BenchmarkAdvise(b *testing.B) {
	demo, _ := demoSet(b)
	for _, c := range []struct {
		name string
		set  *intents.Set
	}{
		{"demo", demo},
		{"generated", newTestSet(generatedIntents(40, 12)...)},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Advise(context.Background(), c.set, DefaultOptions); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestTenths(t *testing.T) {
	for _, tt := range []struct{ n, total, want int }{
		{0, 0, 0}, {0, 7, 0}, {7, 7, 10}, {1, 30, 1}, {29, 30, 9}, {3, 5, 6}, {1, 4, 3},
	} {
		if got := Tenths(tt.n, tt.total); got != tt.want {
			t.Errorf("Tenths(%d, %d) = %d, want %d", tt.n, tt.total, got, tt.want)
		}
	}
}
