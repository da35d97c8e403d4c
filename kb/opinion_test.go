package kb

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// classifierFunc is a Classifier made of a function.
type classifierFunc func(ctx context.Context, q Question) (string, error)

func (f classifierFunc) Classify(ctx context.Context, q Question) (string, error) { return f(ctx, q) }

func TestConsult(t *testing.T) {
	k := newKB(t, newTestSet(smallIntents()...), DefaultOptions)
	unsure := Result{Lang: "en", Decision: DecisionClarify, Offer: []string{"billing", "reset_password"}, Candidates: []Scored{
		{Intent: "billing", Confidence: 0.40},
		{Intent: "reset_password", Confidence: 0.35},
		{Intent: "outage", Confidence: 0.005}, // below the floor: not offered
	}}
	sure := Result{Lang: "en", Decision: DecisionAnswer, Intent: "billing", Candidates: []Scored{{Intent: "billing", Confidence: 0.97}}}
	hopeless := Result{Lang: "en", Decision: DecisionNone, Candidates: []Scored{{Intent: "billing", Confidence: 0.05}}}
	// The confidence alone does not decide: a message answered at 0.6, or
	// left unanswered at 0.3, is not one the matcher would ask about.
	answeredLow := Result{Lang: "en", Decision: DecisionAnswer, Intent: "billing", Candidates: []Scored{{Intent: "billing", Confidence: 0.6}, {Intent: "reset_password", Confidence: 0.1}}}
	noneHigh := Result{Lang: "en", Decision: DecisionNone, Candidates: []Scored{{Intent: "billing", Confidence: 0.3}, {Intent: "reset_password", Confidence: 0.1}}}
	mixed := unsure
	mixed.Mixed = true

	tests := []struct {
		name     string
		res      Result
		answer   string
		err      error
		block    bool // the classifier waits until the deadline
		asked    bool
		decision Decision
		intent   string
		used     bool
		errText  string
	}{
		{name: "picks a candidate", res: unsure, answer: "reset_password", asked: true, decision: DecisionAnswer, intent: "reset_password", used: true},
		// "None" keeps the question: the customer is still offered the options.
		{name: "says none", res: unsure, answer: "", asked: true, decision: DecisionClarify, used: true},
		{name: "fails", res: unsure, err: errors.New("HTTP 500"), asked: true, decision: DecisionClarify, errText: "HTTP 500"},
		{name: "times out", res: unsure, block: true, asked: true, decision: DecisionClarify, errText: "no answer within"},
		{name: "picks a non-candidate", res: unsure, answer: "outage", asked: true, decision: DecisionClarify, errText: "not a candidate"},
		{name: "sure", res: sure, decision: DecisionAnswer, intent: "billing"},
		{name: "hopeless", res: hopeless, decision: DecisionNone},
		{name: "answered with a middling confidence", res: answeredLow, decision: DecisionAnswer, intent: "billing"},
		{name: "unanswered with a middling confidence", res: noneHigh, decision: DecisionNone},
		{name: "about two things", res: mixed, decision: DecisionClarify},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked []Question
			c := classifierFunc(func(ctx context.Context, q Question) (string, error) {
				asked = append(asked, q)
				if tt.block {
					<-ctx.Done()
					return "", ctx.Err()
				}
				return tt.answer, tt.err
			})
			so := SecondOpinion{Classifier: c, Timeout: 50 * time.Millisecond}
			got := k.Consult(context.Background(), "how much for the password", tt.res, so)

			if (len(asked) == 1) != tt.asked || len(asked) > 1 {
				t.Fatalf("asked %d times, want asked=%v", len(asked), tt.asked)
			}
			if got.Decision != tt.decision || got.Intent != tt.intent {
				t.Errorf("decision %s %q, want %s %q", got.Decision, got.Intent, tt.decision, tt.intent)
			}
			if got.Decision == DecisionClarify && !slices.Equal(got.Offer, tt.res.Offer) {
				t.Errorf("offer %v, want the matcher's %v", got.Offer, tt.res.Offer)
			}
			if !tt.asked {
				if got.Opinion != nil {
					t.Errorf("Opinion = %+v, want nil", got.Opinion)
				}
				return
			}
			op := got.Opinion
			if op == nil || op.Used != tt.used || !strings.Contains(op.Err, tt.errText) || (tt.errText == "") != (op.Err == "") {
				t.Fatalf("Opinion = %+v, want used=%v err containing %q", op, tt.used, tt.errText)
			}
			q := asked[0]
			var ids []string
			for _, c := range q.Candidates {
				ids = append(ids, c.Intent)
			}
			if want := []string{"billing", "reset_password"}; !slices.Equal(ids, want) || q.Lang != "en" {
				t.Errorf("asked about %v in %q, want %v in en", ids, q.Lang, want)
			}
			if ex := q.Candidates[1].Examples; len(ex) != 3 || ex[0] != "reset my password" || ex[2] != "сбросить пароль" {
				t.Errorf("examples %q: want the English ones first, three in all", ex)
			}
		})
	}
}
