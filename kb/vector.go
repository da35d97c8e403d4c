package kb

import (
	"cmp"
	"math"
	"slices"
)

// termWeight is one term of a sparse vector.
type termWeight struct {
	term   int // id in the language's vocabulary
	weight float64
}

// vector is a sparse TF-IDF vector, sorted by term id. Example vectors are
// scaled to unit length at build time, so a dot product with them is
// already a cosine up to the message's own length.
type vector []termWeight

// dot returns the dot product of two vectors, walking both in term order.
func dot(a, b vector) float64 {
	sum := 0.0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].term < b[j].term:
			i++
		case a[i].term > b[j].term:
			j++
		default:
			sum += a[i].weight * b[j].weight
			i++
			j++
		}
	}
	return sum
}

// has reports whether the vector has term.
func (v vector) has(term int) bool {
	for _, tw := range v {
		if tw.term == term {
			return true
		}
	}
	return false
}

// normalize scales v to unit length in place.
func (v vector) normalize() {
	sum := 0.0
	for _, tw := range v {
		sum += tw.weight * tw.weight
	}
	if sum == 0 {
		return
	}
	n := math.Sqrt(sum)
	for i := range v {
		v[i].weight /= n
	}
}

// idf is the smoothed inverse document frequency of a term found in df of
// n examples: rare terms weigh more than common ones, and none weighs zero.
func idf(n, df int) float64 {
	return math.Log(float64(n+1)/float64(df+1)) + 1
}

// tfWeight dampens repeated terms: saying "password" twice is not twice as
// much about passwords.
func tfWeight(tf int) float64 {
	return 1 + math.Log(float64(tf))
}

// sortVector sorts v by term id.
func sortVector(v vector) {
	slices.SortFunc(v, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
}
