package kb

import (
	"math"
	"math/rand/v2"
)

// Training settings of the model. They were chosen on the benchmarks of
// `firstline eval` (BANKING77 and a Russian set), by cross-validation on
// their training parts, and are the same for every knowledge base.
const (
	trainEpochs = 12
	// learnRate is the first epoch's step; each epoch's is smaller.
	learnRate = 2.0
	// gradientFloor skips the intents whose share of a step is negligible,
	// which makes the later epochs, where most examples are already
	// learnt, several times cheaper.
	gradientFloor = 1e-4
)

// model is a multinomial logistic regression over sparse features: each
// intent's score is a weighted sum of the message's features plus a bias,
// and softmax turns the scores into probabilities.
type model struct {
	classes int
	// w holds the weights feature by feature: those of feature f for every
	// intent are w[f*classes : (f+1)*classes], so that scoring a message
	// reads one short row per feature.
	w []float32
	b []float32
}

// trainModel fits a model to examples xs with intents ys (indexes below
// classes) by stochastic gradient descent on the cross-entropy. The order of
// the examples is shuffled with a fixed seed, so that the same examples
// always give the same model.
func trainModel(xs []sparse, ys []int, classes, features int) *model {
	m := &model{
		classes: classes,
		w:       make([]float32, features*classes),
		b:       make([]float32, classes),
	}
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	r := rand.New(rand.NewPCG(1, 2))
	scores := make([]float64, classes)
	grad := make([]float32, classes)
	active := make([]int, 0, classes)
	for epoch := range trainEpochs {
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := float32(learnRate / (1 + 0.5*float64(epoch)))
		for _, i := range order {
			x := xs[i]
			m.scores(x, scores)
			softmax(scores)
			active = active[:0]
			for c, p := range scores {
				g := p
				if c == ys[i] {
					g -= 1
				}
				if math.Abs(g) < gradientFloor {
					continue
				}
				grad[c] = rate * float32(g)
				active = append(active, c)
			}
			for _, c := range active {
				m.b[c] -= grad[c]
			}
			for k, id := range x.ids {
				row := m.w[int(id)*classes : int(id+1)*classes]
				xk := x.weights[k]
				for _, c := range active {
					row[c] -= xk * grad[c]
				}
			}
		}
	}
	return m
}

// scores writes every intent's score for x into out.
func (m *model) scores(x sparse, out []float64) {
	var buf [256]float32
	acc := buf[:0]
	if m.classes > len(buf) {
		acc = make([]float32, m.classes)
	}
	acc = acc[:m.classes]
	copy(acc, m.b)
	for k, id := range x.ids {
		addScaled(acc, m.w[int(id)*m.classes:int(id+1)*m.classes], x.weights[k])
	}
	for c, s := range acc {
		out[c] = float64(s)
	}
}

// addScaled adds a·row to acc, which is as long as row. It is the inner
// loop of both scoring and training, unrolled by hand.
func addScaled(acc, row []float32, a float32) {
	acc = acc[:len(row)]
	i := 0
	for ; i+4 <= len(row); i += 4 {
		acc[i] += a * row[i]
		acc[i+1] += a * row[i+1]
		acc[i+2] += a * row[i+2]
		acc[i+3] += a * row[i+3]
	}
	for ; i < len(row); i++ {
		acc[i] += a * row[i]
	}
}

// softmax turns scores into probabilities in place.
func softmax(scores []float64) {
	top := math.Inf(-1)
	for _, s := range scores {
		top = max(top, s)
	}
	sum := 0.0
	for c, s := range scores {
		d := s - top
		if d < -30 {
			scores[c] = 0 // below 1e-13: not worth an exp
			continue
		}
		e := math.Exp(d)
		scores[c] = e
		sum += e
	}
	for c := range scores {
		scores[c] /= sum
	}
}
