package kb

// maxEdits is how many typos a word of n letters may have and still match a
// known term: none for short words, where one letter changes the meaning
// ("код", "кот"; "pay", "pari"), one up to eight letters, two beyond.
func maxEdits(n int) int {
	switch {
	case n < 5:
		return 0
	case n < 9:
		return 1
	default:
		return 2
	}
}

// editDistance returns the number of single-letter insertions, deletions,
// substitutions and swaps of neighbours that turn a into b (the optimal
// string alignment distance), or limit+1 when it is more than limit. scratch is reused for the work space when it is
// long enough, so that comparing one word with many terms allocates once.
func editDistance(a, b []rune, limit int, scratch []int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	// Three rows of the classic table: the one before the previous is
	// needed for swaps.
	w := len(b) + 1
	rows := scratch
	if len(rows) < 3*w {
		rows = make([]int, 3*w)
	}
	prev2, prev, cur := rows[:w], rows[w:2*w], rows[2*w:3*w]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}
