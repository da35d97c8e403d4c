package kb

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

func TestMatchRussianMorphology(t *testing.T) {
	k := newTestKB(t, smallIntents()...)
	tests := []string{
		"сбросить пароль",
		"сбросил паролем",       // other forms of both words
		"Как СБРОСИТЬ пароль?!", // case and punctuation
		"забыл пороль",          // a typo
	}
	for _, text := range tests {
		r := k.Match(context.Background(), text, "")
		if r.Decision != DecisionAnswer || r.Intent != "reset_password" || r.Lang != intents.LangRU {
			t.Errorf("Match(%q) = %+v, want answer reset_password in ru", text, r)
		}
	}
}

func TestMatchEnglishStemming(t *testing.T) {
	k := newTestKB(t, smallIntents()...)
	tests := []struct {
		text, want string
	}{
		{"resetting passwords", "reset_password"},
		{"I forgot my pasword", "reset_password"}, // a typo
		{"checking balances", "billing"},
		{"paying bills", "billing"},
	}
	for _, tt := range tests {
		r := k.Match(context.Background(), tt.text, "")
		if r.Decision != DecisionAnswer || r.Intent != tt.want || r.Lang != intents.LangEN {
			t.Errorf("Match(%q) = %+v, want answer %s in en", tt.text, r, tt.want)
		}
	}
}

func TestMatchExactExampleIsCertain(t *testing.T) {
	k := newTestKB(t, smallIntents()...)
	r := k.Match(context.Background(), "забыл пароль", "")
	if top := r.Top(); top.Intent != "reset_password" || top.Confidence < 0.9 || top.Confidence > 1 {
		t.Errorf("top = %+v, want reset_password with confidence at least 0.9", top)
	}
}

func TestMatchMixedIntentsClarify(t *testing.T) {
	// A message about two intents names both as the top two, and the bot
	// asks which one.
	k := newTestKB(t, smallIntents()...)
	tests := []string{
		"сбросить пароль и оплатить счет",
		"reset my password and pay the bill",
	}
	for _, text := range tests {
		r := k.Match(context.Background(), text, "")
		a, b := topTwo(r)
		if r.Decision != DecisionClarify || r.Intent != "" {
			t.Errorf("Match(%q) = %+v, want clarify with no intent", text, r)
		}
		if !(a == "billing" && b == "reset_password" || a == "reset_password" && b == "billing") {
			t.Errorf("Match(%q): top two %q, %q, want billing and reset_password", text, a, b)
		}
	}
}

func TestMatchNonsense(t *testing.T) {
	k := newTestKB(t, smallIntents()...)
	tests := []string{"ывапролд", "qwzx plmk", "погода в Париже", "the weather in Paris"}
	for _, text := range tests {
		r := k.Match(context.Background(), text, "")
		if r.Decision != DecisionNone || r.Intent != "" {
			t.Errorf("Match(%q) = %+v, want none", text, r)
		}
		if c := r.Top().Confidence; c >= DefaultOptions.ClarifyThreshold {
			t.Errorf("Match(%q): confidence %.3f, want below %.2f", text, c, DefaultOptions.ClarifyThreshold)
		}
	}
}

func TestMatchEmptyText(t *testing.T) {
	k := newTestKB(t, smallIntents()...)
	for _, text := range []string{"", "   ", "\n\t", "🙂🙂🙂", "?!...", "как"} {
		r := k.Match(context.Background(), text, "")
		if r.Decision != DecisionNone || r.Intent != "" || len(r.Candidates) != 0 {
			t.Errorf("Match(%q) = %+v, want none without candidates", text, r)
		}
		if r.Lang != DefaultOptions.DefaultLanguage {
			t.Errorf("Match(%q): lang %q, want the default %q", text, r.Lang, DefaultOptions.DefaultLanguage)
		}
	}
}

func TestMatchIntentThreshold(t *testing.T) {
	// An intent's own threshold decides instead of the global one: set
	// just above the confidence of a message it does not answer, just
	// below it does.
	const text = "пароль от почты"
	k := newTestKB(t, smallIntents()...)
	c := k.Match(context.Background(), text, "").Top().Confidence
	tests := []struct {
		name      string
		threshold float64
		answer    bool
	}{
		{"a threshold above the confidence", min(c+0.01, 1), false},
		{"a threshold below it", c - 0.01, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins := smallIntents()
			ins[0].threshold = tt.threshold
			k := newTestKB(t, ins...)
			r := k.Match(context.Background(), text, "")
			if r.Top().Intent != "reset_password" {
				t.Fatalf("Match(%q): top %+v, want reset_password", text, r.Top())
			}
			if (r.Decision == DecisionAnswer) != tt.answer {
				t.Errorf("Match(%q) with threshold %.3f: %s at confidence %.3f, want answered %v",
					text, tt.threshold, r.Decision, r.Top().Confidence, tt.answer)
			}
		})
	}
}

func TestMatchEscalateIntentIsMatched(t *testing.T) {
	ins := append(smallIntents(), testIntent{
		id:       "human",
		ru:       []string{"позовите оператора"},
		en:       []string{"talk to a human"},
		escalate: true,
	})
	k := newTestKB(t, ins...)
	r := k.Match(context.Background(), "позовите оператора пожалуйста", "")
	if r.Decision != DecisionAnswer || r.Intent != "human" {
		t.Errorf("Match = %+v, want answer human", r)
	}
}

func TestMatchOtherLanguage(t *testing.T) {
	// The intent has English examples only; a Russian message naming the
	// English term still finds it, and the result says it matched in English.
	k := newTestKB(t, append(smallIntents(), testIntent{
		id: "wifi",
		en: []string{"wifi password", "wifi setup"},
	})...)
	r := k.Match(context.Background(), "мне нужен wifi", "")
	if r.Lang != intents.LangEN || r.Top().Intent != "wifi" {
		t.Errorf("Match = %+v, want wifi matched in en", r)
	}

	// A language given by the caller is used, not detected, when the
	// intent has examples in it.
	r = k.Match(context.Background(), "забыл пароль", intents.LangEN)
	if r.Lang != intents.LangEN || r.Intent != "reset_password" {
		t.Errorf("Match in en = %+v, want reset_password in en", r)
	}
	r = k.Match(context.Background(), "forgot password", "xx")
	if r.Lang != intents.LangEN || r.Intent != "reset_password" {
		t.Errorf("Match with unknown lang = %+v, want reset_password, detected en", r)
	}
}

func TestMatchCandidatesOrder(t *testing.T) {
	// Seven intents with the same example: five are listed, best first,
	// their confidences add up to no more than 1, and the bot does not
	// answer.
	var ins []testIntent
	for _, id := range []string{"g", "c", "a", "f", "e", "b", "d"} {
		ins = append(ins, testIntent{id: id, ru: []string{"интернет"}})
	}
	k := newTestKB(t, ins...)
	r := k.Match(context.Background(), "интернет", "")
	if len(r.Candidates) != maxCandidates {
		t.Fatalf("%d candidates, want %d", len(r.Candidates), maxCandidates)
	}
	sum := 0.0
	for i, c := range r.Candidates {
		if i > 0 && c.Confidence > r.Candidates[i-1].Confidence {
			t.Errorf("candidate %d %+v ranks above a better one", i, c)
		}
		sum += c.Confidence
	}
	if sum > 1+1e-9 {
		t.Errorf("confidences %+v add up to %.3f, want at most 1", r.Candidates, sum)
	}
	if r.Decision == DecisionAnswer {
		t.Errorf("decision %s, want no answer", r.Decision)
	}
}

func TestMatchCancelled(t *testing.T) {
	k := newTestKB(t, smallIntents()...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := k.Match(ctx, "забыл пароль", "")
	if r.Decision != DecisionNone || len(r.Candidates) != 0 {
		t.Errorf("Match with a cancelled context = %+v, want none", r)
	}
}

// determinismQueries mix languages, typos, ties and nonsense.
var determinismQueries = []string{
	"забыл пароль", "сбросил паролем", "пароля нет", "сбросить пароль и оплатить счет",
	"resetting passwords", "pay the bill", "internet", "qwzx plmk", "", "не работает wifi",
}

func TestMatchDeterministic(t *testing.T) {
	k1 := newTestKB(t, smallIntents()...)
	k2 := newTestKB(t, smallIntents()...)
	for _, text := range determinismQueries {
		first := k1.Match(context.Background(), text, "")
		again := k1.Match(context.Background(), text, "")
		rebuilt := k2.Match(context.Background(), text, "")
		if !reflect.DeepEqual(first, again) {
			t.Errorf("Match(%q) twice: %+v then %+v", text, first, again)
		}
		if !reflect.DeepEqual(first, rebuilt) {
			t.Errorf("Match(%q) on a rebuilt KB: %+v, before %+v", text, rebuilt, first)
		}
	}
}

func TestMatchConcurrent(t *testing.T) {
	k := newTestKB(t, smallIntents()...)
	want := make([]Result, len(determinismQueries))
	for i, text := range determinismQueries {
		want[i] = k.Match(context.Background(), text, "")
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for round := range 20 {
				i := (g + round) % len(determinismQueries)
				got := k.Match(context.Background(), determinismQueries[i], "")
				if !reflect.DeepEqual(got, want[i]) {
					t.Errorf("goroutine %d: Match(%q) = %+v, want %+v", g, determinismQueries[i], got, want[i])
				}
			}
		})
	}
	wg.Wait()
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		set  *intents.Set
		opts func(*Options)
	}{
		{"nil set", nil, nil},
		{"zero answer threshold", newTestSet(smallIntents()...), func(o *Options) { o.AnswerThreshold = 0 }},
		{"answer threshold above 1", newTestSet(smallIntents()...), func(o *Options) { o.AnswerThreshold = 1.5 }},
		{"zero clarify threshold", newTestSet(smallIntents()...), func(o *Options) { o.ClarifyThreshold = 0 }},
		{"negative margin", newTestSet(smallIntents()...), func(o *Options) { o.ClarifyMargin = -0.1 }},
		{"unknown default language", newTestSet(smallIntents()...), func(o *Options) { o.DefaultLanguage = "de" }},
		{"duplicate intent", newTestSet(append(smallIntents(), smallIntents()[0])...), nil},
		{"unsupported language", intents.NewSet([]*intents.Intent{{
			ID:       "x",
			Examples: map[string][]string{"de": {"Passwort vergessen"}},
		}}, nil, nil), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions
			if tt.opts != nil {
				tt.opts(&opts)
			}
			k, err := New(tt.set, opts)
			if err == nil {
				k.Close()
				t.Fatal("New succeeded, want an error")
			}
		})
	}
}

func TestNewDefaultLanguage(t *testing.T) {
	opts := DefaultOptions
	opts.DefaultLanguage = ""
	set := newTestSet(smallIntents()...)
	k := newKB(t, set, opts)
	if got := k.Options().DefaultLanguage; got != DefaultOptions.DefaultLanguage {
		t.Errorf("default language %q, want %q", got, DefaultOptions.DefaultLanguage)
	}
	if k.Set() != set {
		t.Error("Set() is not the set the knowledge base was built from")
	}
}

func TestNewEmptySet(t *testing.T) {
	k := newKB(t, intents.NewSet(nil, nil, nil), DefaultOptions)
	r := k.Match(context.Background(), "забыл пароль", "")
	if r.Decision != DecisionNone || len(r.Candidates) != 0 {
		t.Errorf("Match on an empty KB = %+v, want none", r)
	}
}

// Example shows the decision for a message mixing two intents.
func ExampleKB_Match() {
	set := newTestSet(smallIntents()...)
	k, err := New(set, DefaultOptions)
	if err != nil {
		panic(err)
	}
	defer k.Close()
	r := k.Match(context.Background(), "как оплатить счет", "")
	fmt.Println(r.Decision, r.Intent)
	// Output: answer billing
}

func TestMatchAfterClose(t *testing.T) {
	k, err := New(newTestSet(smallIntents()...), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if r := k.Match(context.Background(), "забыл пароль", ""); r.Decision != DecisionNone {
		t.Errorf("Match after Close = %+v, want none", r)
	}
}

func TestDecide(t *testing.T) {
	k := &KB{opts: Options{AnswerThreshold: 0.7, ClarifyThreshold: 0.5, ClarifyMargin: 0.12},
		thresholds: map[string]float64{"a": 0.7, "b": 0.7, "c": 0.7, "strict": 0.9}}
	tests := []struct {
		name  string
		cands []Scored
		want  Decision
		offer []string
	}{
		{"nothing", nil, DecisionNone, nil},
		{"one confident", []Scored{{"a", 0.8}}, DecisionAnswer, nil},
		{"one unsure", []Scored{{"a", 0.6}}, DecisionNone, nil},
		{"clear winner", []Scored{{"a", 0.8}, {"b", 0.1}}, DecisionAnswer, nil},
		{"at the threshold", []Scored{{"a", 0.7}, {"b", 0.2}}, DecisionAnswer, nil},
		{"two together likely", []Scored{{"a", 0.45}, {"b", 0.4}, {"c", 0.1}}, DecisionClarify, []string{"a", "b"}},
		{"first alone nearly", []Scored{{"a", 0.6}, {"b", 0.05}, {"c", 0.01}}, DecisionClarify, []string{"a", "b"}},
		{"three needed", []Scored{{"a", 0.36}, {"b", 0.08}, {"c", 0.07}, {"d", 0.05}}, DecisionClarify, []string{"a", "b", "c"}},
		{"not even three", []Scored{{"a", 0.36}, {"b", 0.05}, {"c", 0.05}}, DecisionNone, nil},
		{"the first implausible", []Scored{{"a", 0.3}, {"b", 0.3}, {"c", 0.3}}, DecisionNone, nil},
		{"intent's own threshold", []Scored{{"strict", 0.8}, {"b", 0.05}}, DecisionClarify, []string{"strict", "b"}},
	}
	for _, tt := range tests {
		got, offer := k.decide(tt.cands)
		if got != tt.want || !slices.Equal(offer, tt.offer) {
			t.Errorf("%s: decide(%v) = %s %v, want %s %v", tt.name, tt.cands, got, offer, tt.want, tt.offer)
		}
	}
}

// A paraphrase full of words no example has, far from every example by
// cosine, still names its topic with a word only that intent's examples
// have: it is answered or offered, not dropped as off-topic.
func TestMatchWordyParaphrase(t *testing.T) {
	k := newTestKB(t, smallIntents()...)
	const text = "honestly yesterday evening somebody told me that maybe my password expired somehow"
	r := k.Match(context.Background(), text, "")
	if r.Top().Intent != "reset_password" || r.Decision == DecisionNone {
		t.Errorf("Match(%q) = %s %+v, want reset_password answered or offered", text, r.Decision, r.Candidates)
	}
}

// With a single intent the model's probability is always 1: a message is
// answered only when it is like the examples, not whenever it shares a
// word with them.
func TestMatchOneIntent(t *testing.T) {
	k := newTestKB(t, testIntent{id: "returns", en: []string{
		"how do I return an item", "I want to return my order", "return policy",
		"can I send the shoes back", "refund for a returned item",
	}})
	for _, tt := range []struct {
		text   string
		answer bool
	}{
		{"how can I return an item I bought", true},
		{"tax return deadline", false},
		{"I will return to Paris next summer", false},
	} {
		r := k.Match(context.Background(), tt.text, "en")
		if (r.Decision == DecisionAnswer) != tt.answer {
			t.Errorf("Match(%q) = %s %+v, want answered %v", tt.text, r.Decision, r.Candidates, tt.answer)
		}
	}
}

// Two questions in one are asked about even when the first is nearly
// sure on the whole message: what counts is how likely the model finds
// the second, not the share of confidence the first leaves it.
func TestMatchMixedWithASureFirst(t *testing.T) {
	set, err := intents.Load("../configs/intents")
	if err != nil {
		t.Fatal(err)
	}
	k := newKB(t, set, DefaultOptions)
	const text = "what's my balance and how do I pay"
	r := k.Match(context.Background(), text, "en")
	if !r.Mixed || !slices.Equal(r.Offer, []string{"check_balance", "how_to_pay"}) {
		t.Errorf("Match(%q) = %s mixed %v offer %v %+v, want both offered", text, r.Decision, r.Mixed, r.Offer, r.Candidates)
	}
}

// A message about two things the matcher is unsure of as a whole, which
// it would ask about anyway, is still marked as asking both, so that the
// engine answers the other once the customer picks one; a message naming
// two things it asks one question about is not.
func TestMatchMixedWhenUnsure(t *testing.T) {
	set, err := intents.Load("testdata")
	if err != nil {
		t.Fatal(err)
	}
	k := newKB(t, set, DefaultOptions)
	for _, c := range []struct {
		text  string
		mixed bool
		offer []string
	}{
		{"забыл пароль и как оплатить интернет", true, []string{"billing", "reset_password"}},
		{"I forgot my password. Also when is your office open?", true, []string{"opening_hours", "reset_password"}},
		{"настройка роутера и телевидения", false, nil},
	} {
		r := k.Match(context.Background(), c.text, "")
		if r.Mixed != c.mixed || !slices.Equal(r.Offer, c.offer) || c.mixed && r.Decision != DecisionClarify {
			t.Errorf("Match(%q) = %s mixed %v offer %v %+v, want mixed %v offer %v",
				c.text, r.Decision, r.Mixed, r.Offer, r.Candidates, c.mixed, c.offer)
		}
	}
}
