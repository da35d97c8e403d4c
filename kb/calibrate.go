package kb

import "math"

// The confidence of the best candidate is a logistic function of what the
// matcher knows of it, chosen so that it means the same whatever the size
// of the knowledge base: a confidence of 0.8 is right about eight times in
// ten whether an intent has 3 examples or 300 and whether there are 6
// intents or 77. The model's probability alone does not: with few
// examples it is spread thin over the intents even when the first is
// right, and with many it is high even when the first is wrong.
//
// The inputs are ones that keep their meaning as the knowledge base
// grows: the probability's log-odds, the log of the ratio of the first
// two probabilities (the margin), the cosine of the message and the
// nearest example of the first intent (as its log, and as itself), the
// cosine with the nearest example of the other likely intents (a message
// as close to another intent's example as to the first's is ambiguous,
// however the model splits it), and the number of examples the first
// intent has in the message's language, which tells the rest how much to
// trust them.
//
// The weights were fitted once, by logistic regression, on 162 knowledge
// bases sampled from the train parts of BANKING77 and of a Russian set of
// 67 intents: 6, 15, 30 and all intents, 3, 5, 10, 20 and 40 examples per
// intent, three seeds each, half of them with some intents left out so
// that their messages are out of scope, each asked train lines it was not
// built from. The similarity's weight was held at 0.5 rather
// than fitted: messages far from every example (chit-chat, another topic)
// are absent from those data sets, and the similarity is what tells them
// apart. README's "Matching quality" has the calibration error this gives
// at every size.
const (
	weightProbability = 0.599
	weightMargin      = 0.833
	weightSimilarity  = 0.5
	weightCosine      = -0.163
	weightOther       = -1.170
	weightExamples    = -0.317
	weightBias        = 1.679
)

// evidence is what the matcher knows of its best candidate.
type evidence struct {
	p, second float64 // the model's probabilities of the first two intents
	sim       float64 // cosine of the message and the first intent's nearest example
	otherSim  float64 // the same for the other likely intents, the greatest
	examples  int     // the first intent's examples in the message's language
}

// confidence returns how likely it is that the best candidate is the
// intent the message is about.
func (e evidence) confidence() float64 {
	p := clamp(e.p)
	second := clamp(e.second)
	z := weightProbability*math.Log(p/(1-p)) +
		weightMargin*math.Log(p/second) +
		weightSimilarity*math.Log(min(max(e.sim, 1e-3), 1)) +
		weightCosine*e.sim +
		weightOther*e.otherSim +
		weightExamples*math.Log(float64(max(e.examples, 1))) +
		weightBias
	return sigmoid(z)
}

// clamp keeps a probability away from the infinities at 0 and 1.
func clamp(p float64) float64 {
	return min(max(p, 1e-6), 1-1e-6)
}

// sigmoid is the logistic function.
func sigmoid(z float64) float64 {
	return 1 / (1 + math.Exp(-z))
}

// calibrator is a second estimate of the best candidate's confidence,
// fitted on the knowledge base at hand: σ(a·logit(p) + b·ln(sim) + c),
// Platt's scaling of the model's probability p and the cosine sim of the
// nearest example, fitted at build time on examples the model was not
// trained on. It needs many held-out examples to be right, so it is fitted
// only for knowledge bases with about fifteen examples per intent or more
// (see unlikeExamples for how the two are combined). It is what keeps
// a message about another topic low in a knowledge base whose model has
// learnt to be sure of itself: such a message gets a probability far
// below the ones the intents' own examples get, which the fixed weights,
// made for every size, cannot know.
type calibrator struct {
	a, b, c float64
}

// defaultCalibrator is where fitting starts from and what it is held to:
// the probability, lowered as the message gets further from the intent's
// nearest example.
var defaultCalibrator = calibrator{a: 1, b: 1, c: 0}

// calibrationPrior is how strongly fitting is held to defaultCalibrator,
// in examples' worth: enough to keep the fit finite when every held-out
// example is right, too little to matter when many are wrong.
const calibrationPrior = 20.0

// calibrationInputs returns the calibrator's inputs for p and sim, clamped away from
// the infinities at 0 and 1.
func calibrationInputs(p, sim float64) (float64, float64) {
	p = min(max(p, 1e-6), 1-1e-6)
	return math.Log(p / (1 - p)), math.Log(min(max(sim, 1e-3), 1))
}

// confidence returns the calibrated confidence of a candidate.
func (cal calibrator) confidence(p, sim float64) float64 {
	lp, ls := calibrationInputs(p, sim)
	return sigmoid(cal.a*lp + cal.b*ls + cal.c)
}

// calibrationRow is one held-out example's top candidate.
type calibrationRow struct {
	p, sim float64
	right  bool
}

// minSimWeight is the least weight the nearest example's similarity
// keeps. Held-out examples are all about some intent, so on them alone the
// similarity can look useless; on messages about something no intent
// covers it is what tells them apart, so it never counts for less than in
// defaultCalibrator.
const minSimWeight = 1.0

// fitCalibrator finds the parameters that make rows the most likely
// (logistic regression by Newton's method), held to defaultCalibrator by
// calibrationPrior, with the similarity's weight at least minSimWeight.
func fitCalibrator(rows []calibrationRow) calibrator {
	cal := newton(rows, false)
	if cal.b < minSimWeight {
		cal = newton(rows, true)
	}
	return cal
}

// newton fits the calibrator to rows; with fixSim it keeps b at
// minSimWeight and fits a and c only.
func newton(rows []calibrationRow, fixSim bool) calibrator {
	theta := [3]float64{defaultCalibrator.a, defaultCalibrator.b, defaultCalibrator.c}
	if fixSim {
		theta[1] = minSimWeight
	}
	prior := theta
	for range 50 {
		var grad [3]float64
		var hess [3][3]float64
		for i := range 3 {
			grad[i] = calibrationPrior * (theta[i] - prior[i])
			hess[i][i] = calibrationPrior
		}
		for _, r := range rows {
			lp, ls := calibrationInputs(r.p, r.sim)
			x := [3]float64{lp, ls, 1}
			q := sigmoid(theta[0]*x[0] + theta[1]*x[1] + theta[2]*x[2])
			y := 0.0
			if r.right {
				y = 1
			}
			for i := range 3 {
				grad[i] += (q - y) * x[i]
				for j := range 3 {
					hess[i][j] += q * (1 - q) * x[i] * x[j]
				}
			}
		}
		if fixSim {
			// Only a and c move: b's row and column become the identity.
			grad[1] = 0
			for i := range 3 {
				hess[1][i], hess[i][1] = 0, 0
			}
			hess[1][1] = 1
		}
		step, ok := solve3(hess, grad)
		if !ok {
			break
		}
		done := true
		for i := range 3 {
			theta[i] -= step[i]
			done = done && math.Abs(step[i]) < 1e-6
		}
		if done {
			break
		}
	}
	return calibrator{a: theta[0], b: theta[1], c: theta[2]}
}

// solve3 solves m·x = v by Cramer's rule; ok is false when m is singular.
func solve3(m [3][3]float64, v [3]float64) ([3]float64, bool) {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
			m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(m)
	if math.Abs(d) < 1e-12 {
		return [3]float64{}, false
	}
	var x [3]float64
	for i := range 3 {
		mi := m
		for r := range 3 {
			mi[r][i] = v[r]
		}
		x[i] = det(mi) / d
	}
	return x, true
}
