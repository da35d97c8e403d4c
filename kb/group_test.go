package kb

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

func TestGroupSimilar(t *testing.T) {
	k := loadFAQ(t)
	texts := []string{
		"можно ли оформить рассрочку на роутер", // 0
		"how do I cancel my contract",           // 1
		"рассрочка на роутер возможна?",         // 2
		"хочу купить роутер в рассрочку",        // 3
		"I want to cancel the contract",         // 4
		"!!!",                                   // 5: no words
		"где находится ближайший банкомат",      // 6
		"cancel my contract please",             // 7
	}
	got := k.GroupSimilar(texts, DefaultGroupSimilarity)
	want := [][]int{{0, 2, 3}, {1, 4, 7}, {6}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("GroupSimilar = %v, want %v", got, want)
	}
	// Everything alike: one group; nothing alike: one group each.
	if got := k.GroupSimilar(texts[:4], 0); len(got) != 1 || !slices.Equal(got[0], []int{0, 1, 2, 3}) {
		t.Errorf("similarity 0: %v, want one group of all", got)
	}
	if got := k.GroupSimilar(texts[:3], 1.01); len(got) != 3 {
		t.Errorf("similarity above 1: %v, want three groups", got)
	}
	if got := k.GroupSimilar(nil, DefaultGroupSimilarity); len(got) != 0 {
		t.Errorf("no texts: %v", got)
	}
}

// TestGroupTopics checks that messages about one topic land in one group
// though they share few words: a new question's own words, which no
// example has, count for more, and the intents the matcher finds nearest
// count when it is fairly sure of them, not when it knows nothing.
func TestGroupTopics(t *testing.T) {
	k := loadFAQ(t)
	texts := []string{
		"есть ли у вас подарочные сертификаты?", // 0
		"можно купить сертификат в подарок",     // 1
		"do you sell gift cards",           // 2
		"gift certificate available?",      // 3
		"как поменять тариф на дешевле",    // 4
		"хочу тариф подешевле",             // 5
		"где находится ближайший банкомат", // 6
		"какая завтра погода",              // 7
	}
	// By words alone: the certificates and the gift cards, by the words
	// the knowledge base does not know.
	got := k.GroupSimilar(texts, DefaultGroupSimilarity)
	want := [][]int{{0, 1}, {2, 3}, {4}, {5}, {6}, {7}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("GroupSimilar = %v, want %v", got, want)
	}
	// With the matches: the two cheaper tariffs too, which the matcher
	// puts on tariffs; the weather and the cash machine, on which it
	// guesses, stay apart.
	matched := make([]Result, len(texts))
	for i, text := range texts {
		matched[i] = k.Match(context.Background(), text, "")
	}
	got = k.GroupTopics(texts, matched, DefaultGroupSimilarity)
	want = [][]int{{0, 1}, {2, 3}, {4, 5}, {6}, {7}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("GroupTopics = %v, want %v", got, want)
	}
	// Fewer matches than texts: the rest by words.
	if got := k.GroupTopics(texts, matched[:1], DefaultGroupSimilarity); fmt.Sprint(got) != fmt.Sprint(k.GroupSimilar(texts, DefaultGroupSimilarity)) {
		t.Errorf("GroupTopics with one match = %v", got)
	}
}
