package kb

import (
	"cmp"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
)

// DefaultGroupSimilarity is how alike two messages must be, as a cosine,
// to be put in one group by GroupSimilar. Measured on 300 messages of 15
// intents of each benchmark set, 0.2 puts 85 % (BANKING77) and 88 % (the
// Russian set) of the messages in a group whose most common intent is
// their own, in 94 and 161 groups; 0.3 reaches 96 % and 94 %, but in 161
// and 228 groups: a reviewer would see most questions several times.
// (Measured before GroupSimilar weighed up the words the knowledge base
// does not know, which only brings more texts together.)
const DefaultGroupSimilarity = 0.2

// GroupIntentWeight is how much what the matcher makes of two texts counts,
// against their words, when GroupTopics compares them: the cosine it
// compares with minSimilarity is (1 - w) times their words' plus w times
// their candidate intents'. Two ways of asking the same new question
// often share no word ("do you sell gift cards", "gift certificate
// available?"), but the matcher finds the same nearest intents for both.
const GroupIntentWeight = 0.5

// maxGroupCandidates is how many of a match's candidates GroupTopics
// compares: the nearest intents say what a text is about; the fifth is
// mostly noise.
const maxGroupCandidates = 3

// GroupSimilar puts together the texts that are about the same thing, so
// that an admin reviewing what the bot could not answer sees each new
// question once, with how often it was asked. It returns groups of
// indexes into texts, the biggest first (ties: the group of the earliest
// text first), each in the order of texts.
//
// Texts are compared by the cosine of their stems, stem pairs and letter
// pieces, weighted by IDF over the texts themselves: their own words count
// whether or not the knowledge base knows them, and a word the knowledge
// base does not know, shared by several texts, counts topicalBoost times. Each text, in order, joins
// the group whose centroid it is most like, when that similarity reaches
// minSimilarity, and starts a group otherwise. Texts with no words are
// left out.
func (k *KB) GroupSimilar(texts []string, minSimilarity float64) [][]int {
	return k.GroupTopics(texts, nil, minSimilarity)
}

// GroupTopics is GroupSimilar that also compares what the matcher made of
// each text: matched[i] is the match of texts[i] (nil matched, or a
// result with no candidates, compares by words alone). Texts whose
// nearest intents are alike are put together even when they share few
// words; see GroupIntentWeight. The cost is GroupSimilar's and at most
// maxGroupCandidates more features a text.
func (k *KB) GroupTopics(texts []string, matched []Result, minSimilarity float64) [][]int {
	feats := make([][]feature, len(texts))
	df := map[uint64]int{}
	// topical are the stems of words of minTopicalRunes letters or more
	// that no example has and that are not stop words.
	topical := map[uint64]bool{}
	stop := stopWords()
	stem := func(word string) string {
		st := k.stems.stem(word)
		if utf8.RuneCountInString(word) >= minTopicalRunes && !stop[word] {
			h := hashOf(kindStem, st)
			if _, known := k.vocab[h]; !known {
				topical[h] = true
			}
		}
		return st
	}
	for i, text := range texts {
		feats[i] = extract(stem, Normalize(groupedPart(text)))
		for _, f := range feats[i] {
			df[f.hash]++
		}
	}
	n := float64(len(texts))

	type group struct {
		members  []int
		centroid map[uint64]float64 // the sum of the members' unit vectors
		sumSq    float64            // the centroid's squared length
	}
	var groups []*group
	// withFeature lists the groups whose centroid has a feature, so that a
	// text is compared only with the groups it shares a feature with.
	withFeature := map[uint64][]int{}
	var dots []float64
	for i, fs := range feats {
		v := groupVector(fs, df, topical, n)
		if len(v) == 0 {
			continue
		}
		if i < len(matched) {
			addCandidates(v, matched[i].Candidates)
		}
		if cap(dots) < len(groups) {
			dots = make([]float64, len(groups), 2*len(groups))
		}
		dots = dots[:len(groups)]
		clear(dots)
		for h, w := range v {
			for _, g := range withFeature[h] {
				dots[g] += w * groups[g].centroid[h]
			}
		}
		best := -1
		bestSim := minSimilarity - epsilon
		for g, dot := range dots {
			if sim := dot / math.Sqrt(groups[g].sumSq); sim >= bestSim {
				best, bestSim = g, sim
			}
		}
		if best < 0 {
			best = len(groups)
			groups = append(groups, &group{centroid: map[uint64]float64{}})
		}
		g := groups[best]
		g.members = append(g.members, i)
		for h, w := range v {
			old, ok := g.centroid[h]
			if !ok {
				withFeature[h] = append(withFeature[h], best)
			}
			g.centroid[h] = old + w
			g.sumSq += (old+w)*(old+w) - old*old
		}
	}

	slices.SortStableFunc(groups, func(a, b *group) int {
		return cmp.Compare(len(b.members), len(a.members))
	})
	out := make([][]int, len(groups))
	for i, g := range groups {
		out[i] = g.members
	}
	return out
}

// maxGroupedRunes is how much of a text, in characters, GroupSimilar
// compares: what a question is about is said in its first sentences, and
// the bound keeps the longest messages as cheap to group as short ones.
const maxGroupedRunes = 512

// groupedPart returns the first maxGroupedRunes characters of text.
func groupedPart(text string) string {
	n := 0
	for i := range text {
		if n == maxGroupedRunes {
			return text[:i]
		}
		n++
	}
	return text
}

// addCandidates adds to a text's unit vector v the match's first
// candidates, weighted by their confidence, so that the cosine of two such
// vectors is (1 - GroupIntentWeight) times their words' plus
// GroupIntentWeight times their candidates'. The candidates' features are
// hashed with a kind of their own, apart from any text's.
func addCandidates(v map[uint64]float64, cands []Scored) {
	cands = cands[:min(len(cands), maxGroupCandidates)]
	if len(cands) == 0 || cands[0].Confidence < minGroupConfidence {
		return
	}
	sum := 0.0
	for _, c := range cands {
		sum += c.Confidence * c.Confidence
	}
	if sum == 0 {
		return
	}
	words := math.Sqrt(1 - GroupIntentWeight)
	for h := range v {
		v[h] *= words
	}
	scale := math.Sqrt(GroupIntentWeight / sum)
	for _, c := range cands {
		if c.Confidence > 0 {
			v[hashOf(kindIntent, c.Intent)] += c.Confidence * scale
		}
	}
}

// minGroupConfidence is how confident a match's top candidate must be for
// GroupTopics to compare its candidates: below it the matcher knows
// nothing about the text, and its nearest intents are noise (on the test
// FAQ, questions about weather, cash machines and gift certificates all
// came out with tops of 0.1 to 0.25 on unrelated intents).
const minGroupConfidence = 0.3

// kindIntent marks a feature that is a candidate intent of a match, not a
// piece of a text.
const kindIntent = 'i'

// topicalBoost weighs up, in GroupSimilar, a word that no example of the
// knowledge base has and that more than one of the texts uses: what a
// question the bot could not answer is about is most often just such a
// word ("сертификат" in "есть ли у вас подарочные сертификаты?" and
// "можно купить сертификат в подарок"), and IDF over a handful of texts
// weighs a word two of them share below the words each has alone.
const topicalBoost = 3

// minTopicalRunes is the length of the shortest word topicalBoost weighs
// up: a small knowledge base does not know "у", "ли" or "вас" either.
const minTopicalRunes = 4

// stopWords returns the Russian and English stop words, which
// topicalBoost leaves alone whether or not the knowledge base knows them:
// "есть ли у вас…" and "можно ли…" begin questions about anything.
func stopWords() analysis.TokenMap {
	m := analysis.NewTokenMap()
	// The lists are the analyzers' own and parse; an error would leave
	// the map short, never wrong.
	_ = m.LoadBytes(ru.RussianStopWords)
	_ = m.LoadBytes(en.EnglishStopWords)
	return m
}

// groupVector weights a text's features by IDF over the n texts being
// grouped and scales them to unit length.
func groupVector(fs []feature, df map[uint64]int, topical map[uint64]bool, n float64) map[uint64]float64 {
	v := make(map[uint64]float64, len(fs))
	sum := 0.0
	for _, f := range fs {
		w := featureWeights[kindOf(f.hash)] * (1 + math.Log(float64(f.count))) * math.Log(1+n/float64(df[f.hash]))
		if topical[f.hash] && df[f.hash] > 1 {
			w *= topicalBoost
		}
		v[f.hash] = w
		sum += w * w
	}
	if sum == 0 {
		return nil
	}
	norm := math.Sqrt(sum)
	for h := range v {
		v[h] /= norm
	}
	return v
}
