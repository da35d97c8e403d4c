package kb

import (
	"math"
	"strings"
	"sync"
	"unicode/utf8"
)

// train learns the features, their IDF and the model from the examples.
func (k *KB) train() {
	k.ids = make([]string, 0, len(k.set.Intents))
	class := make(map[string]int, len(k.set.Intents))
	for _, in := range k.set.Intents {
		class[in.ID] = len(k.ids)
		k.ids = append(k.ids, in.ID)
	}
	k.lexicon = newLexicon()
	for _, ex := range k.examples {
		k.stems.learn(ex.text)
		for _, w := range strings.Fields(ex.text) {
			k.lexicon.add(w)
		}
	}
	k.lexicon.index()

	// Stems of four letters or more can name a topic; shorter ones are
	// mostly words every intent uses ("me", "is", «не»).
	topical := map[uint64]bool{}
	for _, st := range k.stems.known {
		if utf8.RuneCountInString(st) >= 4 {
			topical[hashOf(kindStem, st)] = true
		}
	}
	k.vocab = map[uint64]int32{}
	var df []int
	feats := make([][]feature, len(k.examples))
	for i, ex := range k.examples {
		feats[i] = extract(k.stems.stem, ex.text)
		for _, f := range feats[i] {
			id, ok := k.vocab[f.hash]
			if !ok {
				id = int32(len(df))
				k.vocab[f.hash] = id
				df = append(df, 0)
			}
			df[id]++
		}
	}
	n := len(k.examples)
	k.idf = make([]float32, len(df))
	for id, d := range df {
		k.idf[id] = float32(idf(n, d))
	}
	k.unknownIDF = idf(n, 1)

	xs := make([]sparse, n)
	ys := make([]int, n)
	for i, ex := range k.examples {
		xs[i] = vectorize(feats[i], k.vocab, k.idf, k.unknownIDF)
		ys[i] = class[ex.intent]
	}
	// The calibrator is fitted on a model of its own, trained on the other
	// core while the real one trains.
	var wg sync.WaitGroup
	wg.Go(func() { k.calibrator = calibrate(xs, ys, len(k.ids), len(df)) })
	k.model = trainModel(xs, ys, len(k.ids), len(df))
	k.neighbours = newNeighbours(xs, ys, len(k.ids), len(df))
	k.spread = make([]int32, len(df))
	for h, id := range k.vocab {
		if topical[h] {
			k.spread[id] = int32(k.neighbours.classes(id))
		}
	}
	wg.Wait()
	k.sizes = map[string][]int{}
	for _, ex := range k.examples {
		if k.sizes[ex.lang] == nil {
			k.sizes[ex.lang] = make([]int, len(k.ids))
		}
		k.sizes[ex.lang][class[ex.intent]]++
	}
}

// calibrationEvery: every fifth example of an intent is held out to fit the
// calibrator; intents with fewer than that many examples keep them all.
const calibrationEvery = 5

// minHeldOut: the calibrator is fitted only when at least this many
// examples per intent, on average, are held out.
const minHeldOut = 3

// calibrate trains a model and its neighbours without every
// calibrationEvery-th example of each intent, matches those examples with
// them, and fits the calibrator to how often the top candidate was right.
// With fewer than minHeldOut held-out examples per intent it returns nil.
func calibrate(xs []sparse, ys []int, classes, features int) *calibrator {
	seen := make([]int, classes)
	var fitX, heldX []sparse
	var fitY, heldY []int
	for i, x := range xs {
		seen[ys[i]]++
		if seen[ys[i]]%calibrationEvery == 0 {
			heldX, heldY = append(heldX, x), append(heldY, ys[i])
		} else {
			fitX, fitY = append(fitX, x), append(fitY, ys[i])
		}
	}
	if len(heldX) < minHeldOut*classes {
		return nil
	}
	m := trainModel(fitX, fitY, classes, features)
	nb := newNeighbours(fitX, fitY, classes, features)
	probs := make([]float64, classes)
	var scratch []float32
	rows := make([]calibrationRow, len(heldX))
	for i, x := range heldX {
		m.scores(x, probs)
		softmax(probs)
		top := 0
		for c, p := range probs {
			if p > probs[top] {
				top = c
			}
		}
		var sim float64
		sim, scratch = nb.nearest(x, top, scratch)
		rows[i] = calibrationRow{p: probs[top], sim: sim, right: top == heldY[i]}
	}
	cal := fitCalibrator(rows)
	return &cal
}

// idf is the smoothed inverse document frequency of a feature found in df
// of n examples: rare features weigh more than common ones, and none weighs
// zero.
func idf(n, df int) float64 {
	return math.Log(float64(n+1)/float64(df+1)) + 1
}
