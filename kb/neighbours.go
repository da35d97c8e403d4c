package kb

import (
	"cmp"
	"slices"
)

// neighbours finds how close a message comes to the nearest example of an
// intent. The model's probability says which intent is likeliest; the
// nearest example says whether the message is like anything the intent was
// taught, which the probability cannot tell: a message about something no
// intent covers still gets a likeliest intent.
type neighbours struct {
	// first[c] is the first example of class c; the examples of class c
	// are first[c] to first[c+1]-1, numbered in class order.
	first []int32
	// Postings of feature f are post[offset[f]:offset[f+1]], by example.
	offset []int32
	post   []posting
}

// posting is one example's weight for one feature.
type posting struct {
	example int32
	weight  float32
}

// newNeighbours indexes the example vectors xs of classes ys.
func newNeighbours(xs []sparse, ys []int, classes, features int) *neighbours {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ys[a], ys[b]) })

	n := &neighbours{first: make([]int32, classes+1), offset: make([]int32, features+1)}
	for _, i := range order {
		n.first[ys[i]+1]++
		for _, id := range xs[i].ids {
			n.offset[id+1]++
		}
	}
	for c := range classes {
		n.first[c+1] += n.first[c]
	}
	for f := range features {
		n.offset[f+1] += n.offset[f]
	}
	n.post = make([]posting, n.offset[features])
	fill := slices.Clone(n.offset[:features])
	for e, i := range order {
		for k, id := range xs[i].ids {
			n.post[fill[id]] = posting{example: int32(e), weight: xs[i].weights[k]}
			fill[id]++
		}
	}
	return n
}

// nearest returns the cosine between x and the nearest example of class c,
// in [0, 1]. scratch is reused when it is long enough.
func (n *neighbours) nearest(x sparse, c int, scratch []float32) (float64, []float32) {
	lo, hi := n.first[c], n.first[c+1]
	size := int(hi - lo)
	if size == 0 {
		return 0, scratch
	}
	if cap(scratch) < size {
		scratch = make([]float32, size)
	}
	sums := scratch[:size]
	clear(sums)
	for k, id := range x.ids {
		post := n.post[n.offset[id]:n.offset[id+1]]
		start, _ := slices.BinarySearchFunc(post, lo, func(p posting, e int32) int { return cmp.Compare(p.example, e) })
		w := x.weights[k]
		for _, p := range post[start:] {
			if p.example >= hi {
				break
			}
			sums[p.example-lo] += w * p.weight
		}
	}
	best := float32(0)
	for _, s := range sums {
		best = max(best, s)
	}
	return min(float64(best), 1), scratch
}

// classes returns how many classes have an example with feature f.
func (n *neighbours) classes(f int32) int {
	count, next := 0, int32(0) // next: the first example of a class not yet counted
	for _, p := range n.post[n.offset[f]:n.offset[f+1]] {
		if p.example < next {
			continue
		}
		// Examples are numbered in class order: find p's class, count
		// it, and skip the rest of its examples.
		c, _ := slices.BinarySearch(n.first, p.example+1)
		count++
		next = n.first[c]
	}
	return count
}

// has reports whether an example of class c has feature f.
func (n *neighbours) has(f int32, c int) bool {
	post := n.post[n.offset[f]:n.offset[f+1]]
	i, _ := slices.BinarySearchFunc(post, n.first[c], func(p posting, e int32) int { return cmp.Compare(p.example, e) })
	return i < len(post) && post[i].example < n.first[c+1]
}
