package kb

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/firstline-support/firstline/intents"
)

const (
	// maxCandidates is how many intents a Result lists.
	maxCandidates = 5
	// epsilon absorbs floating-point noise when a confidence is compared
	// with a threshold, so that 0.6-0.5 counts as a margin of 0.1.
	epsilon = 1e-9
)

// Match finds the intents text is most like. lang is the message's
// language ("ru" or "en"); any other value, "" included, means detect it.
// One model covers both languages, so a message mixing them is matched on
// all its words; when the top intent has examples only in the other
// language, Result.Lang is that language, the one it can be answered in.
//
// Match never fails: a message it cannot match, or one cut short by ctx,
// gives DecisionNone, which the engine escalates.
func (k *KB) Match(ctx context.Context, text, lang string) Result {
	norm := Normalize(text)
	var stems map[string]string
	if !k.allKnown(norm) {
		norm, stems = k.repair(text)
	}
	if !slices.Contains(intents.Languages, lang) {
		lang = DetectLanguage(norm, k.opts.DefaultLanguage)
	}
	res := Result{Lang: lang, Decision: DecisionNone}
	if norm == "" || ctx.Err() != nil || k.closed.Load() {
		return res
	}
	cands := k.classify(norm, stems)
	if len(cands) == 0 {
		return res
	}
	if in := k.set.Intent(cands[0].Intent); in != nil && len(in.Examples[lang]) == 0 {
		if other := otherLanguage(lang); len(in.Examples[other]) > 0 {
			res.Lang = other
		}
	}
	res.Candidates = cands
	res.Decision = k.decide(cands)
	if res.Decision != DecisionClarify && len(cands) > 1 && cands[1].Confidence >= mixedFloor &&
		k.aboutBoth(ctx, text, cands[0].Intent, cands[1].Intent) {
		res.Decision, res.Mixed = DecisionClarify, true
	}
	switch res.Decision {
	case DecisionAnswer:
		res.Intent = cands[0].Intent
	case DecisionClarify:
		res.Offer = []string{cands[0].Intent, cands[1].Intent}
	}
	return res
}

// allKnown reports whether every word of a normalised text is an example
// word, the common case, where no word needs retyping or correcting.
func (k *KB) allKnown(norm string) bool {
	for w := range strings.FieldsSeq(norm) {
		if !k.lexicon.has(w) {
			return false
		}
	}
	return true
}

// mixedFloor: a message whose second intent is less likely than this as
// a whole is about the first, whatever its clauses say ("I paid
// yesterday, but the balance has not changed" is about a missing payment,
// not about the balance).
const mixedFloor = 0.05

// probabilityFloor: a candidate the model gives less than this is not
// looked up among the examples; its confidence could not reach any
// threshold anyway.
const probabilityFloor = 0.02

// classify returns the likeliest intents of a normalised message with
// their calibrated confidences (stems, when not nil, has the stems of
// words already looked up), best first, ties by intent id; none when
// the message has no feature any example has.
func (k *KB) classify(norm string, stems map[string]string) []Scored {
	stem := k.stems.stem
	if stems != nil {
		stem = func(w string) string {
			if st, ok := stems[w]; ok {
				return st
			}
			return k.stems.stem(w)
		}
	}
	x := vectorize(extract(stem, norm), k.vocab, k.idf, k.unknownIDF)
	if len(x.ids) == 0 {
		return nil
	}
	probs := make([]float64, len(k.ids))
	k.model.scores(x, probs)
	softmax(probs)

	// The likeliest intents by the model alone, then their confidences
	// with the nearest example of each taken into account.
	top := make([]int, 0, maxCandidates+1)
	for c, p := range probs {
		i := len(top)
		for i > 0 && (p > probs[top[i-1]] || p == probs[top[i-1]] && k.ids[c] < k.ids[top[i-1]]) {
			i--
		}
		if i < maxCandidates {
			top = slices.Insert(top, i, c)
			if len(top) > maxCandidates {
				top = top[:maxCandidates]
			}
		}
	}
	cands := make([]Scored, 0, len(top))
	var scratch []float32
	for _, c := range top {
		sim := 0.0
		if probs[c] >= probabilityFloor {
			sim, scratch = k.neighbours.nearest(x, c, scratch)
		}
		cands = append(cands, Scored{Intent: k.ids[c], Confidence: k.calibrator.confidence(probs[c], sim)})
	}
	slices.SortFunc(cands, func(a, b Scored) int {
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		return cmp.Compare(a.Intent, b.Intent)
	})
	return cands
}

// decide turns the ranked candidates into a decision: answer a clear
// winner that reaches its threshold; ask "A or B?" when the second is
// plausible and either the top two are close or neither alone, but the two
// together, reach the top's threshold (confidences are calibrated, so
// their sum is how likely it is that the customer means one of the two);
// otherwise give up.
func (k *KB) decide(cands []Scored) Decision {
	if len(cands) == 0 {
		return DecisionNone
	}
	top := cands[0]
	threshold := k.thresholds[top.Intent] - epsilon
	if len(cands) == 1 {
		if top.Confidence >= threshold {
			return DecisionAnswer
		}
		return DecisionNone
	}
	second := cands[1]
	tied := top.Confidence-second.Confidence < k.opts.ClarifyMargin-epsilon
	if !tied && top.Confidence >= threshold {
		return DecisionAnswer
	}
	if second.Confidence >= k.opts.ClarifyThreshold-epsilon &&
		(tied || top.Confidence+second.Confidence >= threshold) {
		return DecisionClarify
	}
	return DecisionNone
}

// otherLanguage returns the supported language that is not lang.
func otherLanguage(lang string) string {
	if lang == intents.LangEN {
		return intents.LangRU
	}
	return intents.LangEN
}
