package kb

// Decision is what the matcher recommends doing with a message.
type Decision string

// Decisions.
const (
	DecisionAnswer  Decision = "answer"  // the top intent is confident enough to answer
	DecisionClarify Decision = "clarify" // some intents are plausible, none is sure: ask which one
	DecisionNone    Decision = "none"    // nothing matches confidently
)

// Options are the matcher's thresholds, from configs/firstline.yaml.
type Options struct {
	// AnswerThreshold is the confidence at or above which the top intent is
	// answered (unless an intent sets its own threshold).
	AnswerThreshold float64
	// ClarifyThreshold: when the top intent is not answered, the first two
	// or three intents are offered ("did you mean A or B?") if together
	// they are at least this likely to hold the one meant.
	ClarifyThreshold float64
	// ClarifyMargin: when the top two confidences are closer than this, the
	// bot offers them instead of answering. The second has at most what
	// the first leaves, so this acts only on an answer threshold below
	// (1 + ClarifyMargin) / 2.
	ClarifyMargin float64
	// DefaultLanguage is used when a message's language cannot be told
	// (digits, emoji, a single Latin word in a Russian conversation, ...).
	DefaultLanguage string
}

// DefaultOptions are the thresholds used when the config sets none.
var DefaultOptions = Options{
	AnswerThreshold:  0.67,
	ClarifyThreshold: 0.5,
	ClarifyMargin:    0.12,
	DefaultLanguage:  "ru",
}

// Scored is an intent with the matcher's confidence in it.
type Scored struct {
	Intent     string
	Confidence float64 // in [0, 1]
}

// Result is the matcher's verdict on one message.
type Result struct {
	Lang       string   // the language the message was matched in
	Candidates []Scored // best first, at most five, ties broken by intent id
	Decision   Decision
	Intent     string // the intent to answer when Decision is DecisionAnswer
	// Offer lists the intents to offer the customer when Decision is
	// DecisionClarify: two or three, best first.
	Offer []string
	// Mixed: the message has a clause about each of the top two
	// candidates, each matched confidently on its own, so the decision is
	// to ask which first, offering the two; the customer asked both.
	Mixed bool
	// Opinion is the second opinion asked about the message, nil when
	// none was (see KB.Consult).
	Opinion *Opinion
}

// Top returns the best candidate, or a zero Scored when there is none.
func (r Result) Top() Scored {
	if len(r.Candidates) == 0 {
		return Scored{}
	}
	return r.Candidates[0]
}

// ConfidenceOf returns the confidence of candidate id, 0 when it is not
// one: the intent a second opinion chose need not be the top one.
func (r Result) ConfidenceOf(id string) float64 {
	for _, c := range r.Candidates {
		if c.Intent == id {
			return c.Confidence
		}
	}
	return 0
}
