package kb

import "math"

// calibrator turns what the matcher knows of a candidate, the model's
// probability p and the cosine sim of the nearest example, into a
// confidence: σ(a·logit(p) + b·ln(sim) + c), Platt's scaling with two
// inputs. Its parameters are fitted at build time on examples the model
// was not trained on, so that a confidence of 0.9 is right about nine
// times in ten.
type calibrator struct {
	a, b, c float64
}

// defaultCalibrator is used when the knowledge base is too small to hold
// examples out, and is where fitting starts from: the probability, lowered
// as the message gets further from the intent's nearest example.
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

// sigmoid is the logistic function.
func sigmoid(z float64) float64 {
	return 1 / (1 + math.Exp(-z))
}
