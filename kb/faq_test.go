package kb

import (
	"context"
	"slices"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// The tests in this file run against testdata/faq.yaml, a small but
// realistic FAQ, and pin down what the default thresholds must achieve.

func TestFAQOwnTests(t *testing.T) {
	k := loadFAQ(t)
	if len(k.Set().Tests) == 0 {
		t.Fatal("testdata/faq.yaml has no tests")
	}
	for _, c := range k.Set().Tests {
		r := k.Match(context.Background(), c.Message, c.Lang)
		if c.Expect == intents.ExpectEscalate {
			if r.Decision != DecisionNone {
				t.Errorf("%q: %s %+v, want none", c.Message, r.Decision, r.Candidates)
			}
			continue
		}
		if r.Decision != DecisionAnswer || r.Intent != c.Expect {
			t.Errorf("%q: %s %q %+v, want answer %s", c.Message, r.Decision, r.Intent, r.Candidates, c.Expect)
		}
	}
}

func TestFAQParaphrasesAnswered(t *testing.T) {
	k := loadFAQ(t)
	tests := []struct {
		text, want string
	}{
		{"сбросил паролем", "reset_password"},
		{"забыл пароль от личного кабинета что делать", "reset_password"},
		{"не получается войти в кабинет", "reset_password"},
		{"how can I recover my password", "reset_password"},
		{"I forgot my pasword", "reset_password"},
		{"как узнать баланс", "billing"},
		{"деньги списались дважды", "billing"},
		{"why is my balance negative", "billing"},
		{"какие тарифы у вас есть для дома", "tariffs"},
		{"what is the cheapest plan", "tariffs"},
		{"интернет пропал вчера вечером", "outage"},
		{"my internet stopped working", "outage"},
		{"как настроить новый роутер", "router_setup"},
		{"help me configure the router", "router_setup"},
		{"хочу поговорить с живым человеком", "human"},
		{"I want to talk to a human", "human"},
		{"график работы поддержки", "opening_hours"},
		{"support hours", "opening_hours"},
		{"как перенести договор на новый адрес", "moving"},
		{"how to transfer my service to a new address", "moving"},
	}
	for _, tt := range tests {
		r := k.Match(context.Background(), tt.text, "")
		if r.Decision != DecisionAnswer || r.Intent != tt.want {
			t.Errorf("Match(%q) = %s %q %+v, want answer %s", tt.text, r.Decision, r.Intent, r.Candidates, tt.want)
		}
	}
}

func TestFAQMixedIntentsClarify(t *testing.T) {
	k := loadFAQ(t)
	tests := []struct {
		text string
		a, b string // the two intents, in either order
	}{
		{"мы переезжаем и хочу сменить тариф", "moving", "tariffs"},
		{"I forgot my password and want to check my balance", "reset_password", "billing"},
		{"how do I reset my password and set up the router", "reset_password", "router_setup"},
		{"не работает интернет, и когда работает офис?", "outage", "opening_hours"},
	}
	for _, tt := range tests {
		r := k.Match(context.Background(), tt.text, "")
		a, b := topTwo(r)
		if !(a == tt.a && b == tt.b || a == tt.b && b == tt.a) || r.Decision != DecisionClarify {
			t.Errorf("Match(%q) = %s %+v, want clarify between %s and %s", tt.text, r.Decision, r.Candidates, tt.a, tt.b)
		}
	}
}

// A message with two clauses about one thing is answered, not split.
func TestFAQOneTopicTwoClauses(t *testing.T) {
	k := loadFAQ(t)
	tests := []struct{ text, want string }{
		{"забыл пароль и не могу войти", "reset_password"},
		{"I forgot my password and can't log in", "reset_password"},
		{"не работает интернет и телевидение", "outage"},
	}
	for _, tt := range tests {
		r := k.Match(context.Background(), tt.text, "")
		if r.Decision != DecisionAnswer || r.Intent != tt.want {
			t.Errorf("Match(%q) = %s %+v, want answer %s", tt.text, r.Decision, r.Candidates, tt.want)
		}
	}
}

func TestClauses(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"забыл пароль", []string{"забыл пароль"}},
		{"Забыл пароль, и как оплатить?", []string{"забыл пароль", "как оплатить"}},
		{"I forgot my password and want to check my balance", []string{"i forgot my password", "want to check my balance"}},
		{"интернет и ТВ не работают", []string{"тв не работают"}},
		{"wi-fi is slow. Also the bill — too high", []string{"wi fi is slow", "the bill", "too high"}},
		{"и и , .", nil},
		{"перевел 1.5 тысячи и 1,5 процента", []string{"перевел 1 5 тысячи", "1 5 процента"}},
		{"see www.bank.com page, please help", []string{"see www bank com page", "please help"}},
	}
	for _, tt := range tests {
		if got := clauses(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("clauses(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestFAQNonsense(t *testing.T) {
	k := loadFAQ(t)
	tests := []string{
		"ывапролд", "qwzx plmk", "погода в Париже", "the weather in Paris",
		"как приготовить борщ", "how to cook pasta", "посоветуйте хороший фильм", "what is the capital of France",
	}
	for _, text := range tests {
		r := k.Match(context.Background(), text, "")
		if r.Decision != DecisionNone {
			t.Errorf("Match(%q) = %s %+v, want none", text, r.Decision, r.Candidates)
		}
		if c := r.Top().Confidence; c >= DefaultOptions.ClarifyThreshold {
			t.Errorf("Match(%q): confidence %.3f, want below %.2f", text, c, DefaultOptions.ClarifyThreshold)
		}
	}
}

func TestFAQEscalateIntentAnswered(t *testing.T) {
	k := loadFAQ(t)
	if in := k.Set().Intent("human"); in == nil || !in.Escalate {
		t.Fatal("testdata/faq.yaml: intent human must exist and escalate")
	}
	r := k.Match(context.Background(), "соедините с оператором", "")
	if r.Decision != DecisionAnswer || r.Intent != "human" {
		t.Errorf("Match = %s %q %+v, want answer human", r.Decision, r.Intent, r.Candidates)
	}
}
