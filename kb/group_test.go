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
// though they share few words: a word of a new question, which no example
// has and two messages share, counts for more than the rest, and the
// intents the matcher finds nearest count when it is fairly sure of them,
// not when it guesses.
func TestGroupTopics(t *testing.T) {
	k := loadFAQ(t)
	// New questions, which the knowledge base does not know.
	texts := []string{
		"есть ли у вас подарочные сертификаты?", // 0
		"можно купить сертификат в подарок",     // 1
		"do you sell gift cards",           // 2
		"gift certificate available?",      // 3
		"где находится ближайший банкомат", // 4
		"какая завтра погода",              // 5
		"есть ли скидки для пенсионеров",   // 6: "есть ли" says nothing of the topic
	}
	want := [][]int{{0, 1}, {2, 3}, {4}, {5}, {6}}
	if got := k.GroupSimilar(texts, DefaultGroupSimilarity); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("GroupSimilar = %v, want %v", got, want)
	}

	// Known questions in other words: by words alone, each apart; with
	// the matches, together when the matcher is sure, apart when it
	// guesses (8 and 12).
	texts = []string{
		"забыл пароль от кабинета",          // 0
		"не могу войти в личный кабинет",    // 1
		"сколько стоит самый дешёвый тариф", // 2
		"какие у вас тарифы",                // 3
		"когда вы открыты",                  // 4
		"часы работы офиса",                 // 5
		"не пускает в аккаунт",              // 6: reset_password, but unsure
		"нет связи с утра",                  // 7: outage, but unsure
	}
	if got := k.GroupSimilar(texts, DefaultGroupSimilarity); len(got) != len(texts) {
		t.Errorf("GroupSimilar = %v, want each text apart", got)
	}
	matched := make([]Result, len(texts))
	for i, text := range texts {
		matched[i] = k.Match(context.Background(), text, "")
	}
	want = [][]int{{0, 1}, {2, 3}, {4, 5}, {6}, {7}}
	if got := k.GroupTopics(texts, matched, DefaultGroupSimilarity); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("GroupTopics = %v, want %v", got, want)
	}
	// Fewer matches than texts: the rest by words.
	if got := k.GroupTopics(texts, matched[:1], DefaultGroupSimilarity); len(got) != len(texts) {
		t.Errorf("GroupTopics with one match = %v, want each text apart", got)
	}
}
