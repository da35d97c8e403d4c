package kb

import (
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
	cands, second := k.classify(norm, lang, stems)
	if len(cands) == 0 {
		return res
	}
	if in := k.set.Intent(cands[0].Intent); in != nil && len(in.Examples[lang]) == 0 {
		if other := otherLanguage(lang); len(in.Examples[other]) > 0 {
			res.Lang = other
		}
	}
	res.Candidates = cands
	res.Decision, res.Offer = k.decide(cands)
	if len(cands) > 1 && second >= mixedFloor && k.aboutBoth(ctx, text, lang, cands[0].Intent, cands[1].Intent) {
		// Asked about anyway or not, a message about two things is
		// marked: once the customer picks one, the engine answers the
		// other too.
		res.Decision, res.Mixed = DecisionClarify, true
		res.Offer = []string{cands[0].Intent, cands[1].Intent}
	}
	if res.Decision == DecisionAnswer {
		res.Intent = cands[0].Intent
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

// mixedFloor: a message whose second intent the model finds less likely
// than this as a whole is about the first, whatever its clauses say ("I paid
// yesterday, but the balance has not changed" is about a missing payment,
// not about the balance).
const mixedFloor = 0.05

// minSimilarity: a message whose cosine with every example of its best
// intent is below this, and which shares no word of its own with them
// (see sharesWord), is most likely about something else (the weather, a
// joke, another company's business). Its confidence is then no higher
// than that cosine, so that it is neither answered nor offered, however
// sure the model is that this intent is the likeliest of a few.
const minSimilarity = 0.25

// probabilityFloor: the nearest example of a candidate the model gives
// less than this is not looked up; looking it up is most of the cost of a
// match, and so unlikely an intent says little about the message.
const probabilityFloor = 0.02

// unlikeExamples: when the knowledge base's own calibrator (fitted only
// for large ones) gives the best candidate less than this, the message is
// unlike what the intents' examples get (a message about another topic
// that shares a word or two with one intent) and the lower of the two
// estimates is the confidence. Otherwise the higher is: each sees what the
// other cannot, the fixed weights hold across sizes, and the knowledge
// base's own calibration knows how sure of itself its model has learnt to
// be.
const unlikeExamples = 0.35

// classify returns the likeliest intents of a normalised message in lang
// with their confidences (stems, when not nil, has the stems of words
// already looked up), best first, ties by intent id; none when the
// message has no feature any example has. The first candidate's
// confidence is how likely it is to be right; each other one's is its
// share of the rest, in proportion to the model's probabilities. second
// is the model's probability of the second intent.
func (k *KB) classify(norm, lang string, stems map[string]string) (cands []Scored, second float64) {
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
		return nil, 0
	}
	probs := make([]float64, len(k.ids))
	k.model.scores(x, probs)
	softmax(probs)

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

	best := top[0]
	ev := evidence{p: probs[best], examples: k.examplesOf(best, lang)}
	if len(top) == 1 {
		// With one intent the model's probability is always 1 and says
		// nothing: only the examples' likeness does.
		ev.p, ev.second = 0.5, 0.5
	}
	var scratch []float32
	ev.sim, scratch = k.neighbours.nearest(x, best, scratch)
	for i, c := range top[1:] {
		if i == 0 {
			ev.second = probs[c]
		}
		if probs[c] < probabilityFloor {
			break // the rest are less likely still
		}
		var sim float64
		sim, scratch = k.neighbours.nearest(x, c, scratch)
		ev.otherSim = max(ev.otherSim, sim)
	}
	first := ev.confidence()
	if k.calibrator != nil {
		if own := k.calibrator.confidence(probs[best], ev.sim); own < unlikeExamples {
			first = min(first, own)
		} else {
			first = max(first, own)
		}
	}
	if ev.sim < minSimilarity && !k.sharesWord(x, best) {
		first = min(first, ev.sim)
	}
	// The others share the rest in proportion to their probabilities.
	cands = make([]Scored, 0, len(top))
	for _, c := range top {
		conf := first
		if c != best {
			conf = min(first, (1-first)*probs[c]/max(1-probs[best], 1e-12))
		}
		cands = append(cands, Scored{Intent: k.ids[c], Confidence: conf})
	}
	if len(top) > 1 {
		second = probs[top[1]]
	}
	return cands, second
}

// sharesWord reports whether x has a word (a stem of four letters or
// more) that intent c's examples have and few other intents' do (at most a quarter of them, or none): a
// paraphrase full of words no example has still names its topic ("I'd
// like to return the shoes I bought"), where a message about something
// else shares only words every intent uses.
func (k *KB) sharesWord(x sparse, c int) bool {
	if len(k.ids) < 2 {
		return false // every word of the examples is the only intent's
	}
	limit := int32(max(1, len(k.ids)/4))
	for _, id := range x.ids {
		if n := k.spread[id]; n > 0 && n <= limit && k.neighbours.has(id, c) {
			return true
		}
	}
	return false
}

// examplesOf returns how many examples in lang intent c has, or in the
// other language when it has none in lang: a message is answered in the
// language the intent has.
func (k *KB) examplesOf(c int, lang string) int {
	if n := k.sizes[lang]; n != nil && n[c] > 0 {
		return n[c]
	}
	if n := k.sizes[otherLanguage(lang)]; n != nil {
		return n[c]
	}
	return 0
}

// maxOffered is how many intents a clarifying question offers at most.
const maxOffered = 3

// minOffered: intents are offered only when the best one is at least this
// likely. Below, the message is most likely about none of them, and three
// unlikely intents may still add up to a likely set.
const minOffered = 0.35

// decide turns the ranked candidates into a decision: answer a clear
// winner that reaches its threshold; otherwise, when the first two or
// three together are likely enough to hold the intent meant (confidences
// are calibrated, so their sum is how likely that is), offer them;
// otherwise give up. It returns the intents to offer.
func (k *KB) decide(cands []Scored) (Decision, []string) {
	if len(cands) == 0 {
		return DecisionNone, nil
	}
	top := cands[0]
	threshold := k.thresholds[top.Intent] - epsilon
	tied := len(cands) > 1 && top.Confidence-cands[1].Confidence < k.opts.ClarifyMargin-epsilon
	if !tied && top.Confidence >= threshold {
		return DecisionAnswer, nil
	}
	if top.Confidence < minOffered-epsilon {
		return DecisionNone, nil
	}
	sum := 0.0
	var offer []string
	for _, c := range cands[:min(maxOffered, len(cands))] {
		sum += c.Confidence
		offer = append(offer, c.Intent)
		if len(offer) >= 2 && sum >= k.opts.ClarifyThreshold-epsilon {
			return DecisionClarify, offer
		}
	}
	return DecisionNone, nil
}

// otherLanguage returns the supported language that is not lang.
func otherLanguage(lang string) string {
	if lang == intents.LangEN {
		return intents.LangRU
	}
	return intents.LangEN
}
