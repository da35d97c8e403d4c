package kb

import (
	"context"
	"slices"
	"testing"
)

func TestSearchExamples(t *testing.T) {
	k := loadFAQ(t)
	tests := []struct {
		text, intent string
	}{
		{"пароль от личного кабинета", "reset_password"},
		{"парол от кабинета", "reset_password"}, // a typo
		{"passwrd reset", "reset_password"},     // a typo in English
		{"reset password", "reset_password"},
		{"тарифы", "tariffs"},
	}
	for _, tt := range tests {
		hits, err := k.SearchExamples(context.Background(), tt.text, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || len(hits) > 3 || hits[0].Intent != tt.intent {
			t.Errorf("SearchExamples(%q) = %+v, want at most 3 with %s first", tt.text, hits, tt.intent)
		}
		for _, h := range hits { // as written in the YAML
			if in := k.Set().Intent(h.Intent); in == nil || !slices.Contains(in.Examples[h.Lang], h.Text) {
				t.Errorf("SearchExamples(%q): %+v is not an example as written", tt.text, h)
			}
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("SearchExamples(%q): hits not best first: %+v", tt.text, hits)
			}
		}
	}
	// One letter off a short stem is another word: "купить" (куп) is not
	// "ку".
	small := newTestKB(t,
		testIntent{id: "greeting", ru: []string{"ку", "привет"}},
		testIntent{id: "buy_router", ru: []string{"купить роутер"}},
	)
	hits, err := small.SearchExamples(context.Background(), "купить", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Intent != "buy_router" {
		t.Errorf("SearchExamples(купить) = %+v, want only buy_router", hits)
	}
	for _, text := range []string{"", "!!!", "zzzzqqqq", "the and"} {
		if hits, err := k.SearchExamples(context.Background(), text, 3); err != nil || len(hits) != 0 {
			t.Errorf("SearchExamples(%q) = %+v, %v; want nothing", text, hits, err)
		}
	}
}
