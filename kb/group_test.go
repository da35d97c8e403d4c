package kb

import (
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
