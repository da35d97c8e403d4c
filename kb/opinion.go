package kb

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Classifier gives a second opinion on a message the matcher is unsure
// of, such as a language model's: it picks one of the candidates, or none.
type Classifier interface {
	// Classify returns the intent id, one of q's candidates, that q.Text
	// is about, or "" when it is about none of them.
	Classify(ctx context.Context, q Question) (string, error)
}

// Outcomes of one question to a Classifier, as one backed by a model
// reports them for metrics (see openai.Config.Observe).
const (
	OutcomeChosen  = "chosen"  // the classifier picked a candidate
	OutcomeNone    = "none"    // the classifier said none fits
	OutcomeTimeout = "timeout" // no answer before the deadline
	OutcomeError   = "error"   // the classifier failed or answered something unusable
)

// Question is what a Classifier is asked about one message.
type Question struct {
	Text       string
	Lang       string   // the language the matcher read the message in
	Candidates []Choice // the matcher's best first
}

// Choice is one candidate intent, described for a classifier.
type Choice struct {
	Intent      string
	Title       string
	Description string
	Examples    []string // a few of the intent's examples, in the message's language first
}

// SecondOpinion says when to ask a Classifier: about exactly the messages
// the matcher would ask the customer to clarify, where some candidates are
// plausible and none is sure. A message it answers is left to it, and one
// with no plausible candidate goes to a person either way.
type SecondOpinion struct {
	Classifier Classifier
	// Timeout bounds one question; the matcher's decision stands when it
	// runs out. 0 means DefaultOpinionTimeout.
	Timeout time.Duration
}

// DefaultOpinionTimeout is how long a second opinion is waited for.
const DefaultOpinionTimeout = 3 * time.Second

// Opinion is what a second opinion did to a Result.
type Opinion struct {
	Intent   string        // the candidate chosen; "" for none of them
	Used     bool          // false when the matcher's own decision stood
	Err      string        // why it was not used: a timeout, an error, an answer outside the candidates
	Duration time.Duration // how long the question took
}

// candidateFloor: candidates less confident than this are not offered to
// a classifier; they would only lengthen the question.
const candidateFloor = 0.01

// examplesPerChoice is how many examples describe a candidate.
const examplesPerChoice = 3

// Wants reports whether a second opinion is asked about res: when the
// matcher would ask the customer which intent they meant. A message about
// two things is not asked about: the customer is asked which first, and a
// classifier would pick one and drop the other.
func (so SecondOpinion) Wants(res Result) bool {
	return so.Classifier != nil && res.Decision == DecisionClarify && !res.Mixed && len(res.Candidates) > 0
}

// Consult asks so's classifier about text when res, the matcher's result
// for it, is one it wants (see SecondOpinion.Wants and
// SecondOpinion.Consult).
func (k *KB) Consult(ctx context.Context, text string, res Result, so SecondOpinion) Result {
	if !so.Wants(res) {
		return res
	}
	return so.Consult(ctx, k.Question(text, res), res)
}

// Question is what a classifier is asked about text, whose matcher's
// result is res: the candidates with their titles, descriptions and
// examples. Consult needs nothing else of the knowledge base, so the
// caller can let go of it while the classifier thinks.
func (k *KB) Question(text string, res Result) Question {
	q := Question{Text: text, Lang: res.Lang}
	for _, c := range res.Candidates {
		if c.Confidence >= candidateFloor || len(q.Candidates) == 0 {
			q.Candidates = append(q.Candidates, k.choice(c.Intent, res.Lang))
		}
	}
	return q
}

// Consult asks so's classifier q, built for res. The classifier's pick
// becomes the answer. Its "none" leaves the matcher's decision as it was:
// a customer who asked something the matcher half understood is better
// served by the options it found, a person among them, than by being told
// nothing fits. A timeout, an error or a pick that is not a candidate
// leaves res as it was too. The returned Result's Opinion says what
// happened.
func (so SecondOpinion) Consult(ctx context.Context, q Question, res Result) Result {
	timeout := so.Timeout
	if timeout <= 0 {
		timeout = DefaultOpinionTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	start := time.Now()
	id, err := so.Classifier.Classify(ctx, q)
	op := &Opinion{Intent: id, Duration: time.Since(start)}
	res.Opinion = op
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		op.Err = fmt.Sprintf("no answer within %s", timeout)
		return res
	case err != nil:
		op.Err = err.Error()
		return res
	case id != "" && !q.offers(id):
		op.Err = fmt.Sprintf("answered %q, which is not a candidate", id)
		return res
	}
	op.Used = true
	if id == "" {
		return res
	}
	res.Decision, res.Intent, res.Offer = DecisionAnswer, id, nil
	return res
}

// offers reports whether id is one of q's candidates.
func (q Question) offers(id string) bool {
	for _, c := range q.Candidates {
		if c.Intent == id {
			return true
		}
	}
	return false
}

// choice describes intent id for a classifier, with examples in lang
// first.
func (k *KB) choice(id, lang string) Choice {
	c := Choice{Intent: id, Title: id}
	in := k.set.Intent(id)
	if in == nil {
		return c
	}
	c.Title = in.TitleFor(lang)
	c.Description = in.Description
	for _, l := range []string{lang, otherLanguage(lang)} {
		for _, ex := range in.Examples[l] {
			if len(c.Examples) == examplesPerChoice {
				return c
			}
			c.Examples = append(c.Examples, ex)
		}
	}
	return c
}
