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
	grey := Result{Lang: "en", Decision: DecisionClarify, Candidates: []Scored{
		{Intent: "billing", Confidence: 0.40},
		{Intent: "reset_password", Confidence: 0.35},
		{Intent: "outage", Confidence: 0.005}, // below the floor: not offered
	}}
	sure := Result{Lang: "en", Decision: DecisionAnswer, Intent: "billing", Candidates: []Scored{{Intent: "billing", Confidence: 0.97}}}
	hopeless := Result{Lang: "en", Decision: DecisionNone, Candidates: []Scored{{Intent: "billing", Confidence: 0.05}}}
	// The grey zone is [0.15, 0.8): its lower edge is in, its upper out.
	atFrom := Result{Lang: "en", Decision: DecisionNone, Candidates: []Scored{{Intent: "billing", Confidence: 0.15}, {Intent: "reset_password", Confidence: 0.1}}}
	atTo := Result{Lang: "en", Decision: DecisionAnswer, Intent: "billing", Candidates: []Scored{{Intent: "billing", Confidence: 0.8}, {Intent: "reset_password", Confidence: 0.1}}}
	mixed := grey
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
		{name: "picks a candidate", res: grey, answer: "reset_password", asked: true, decision: DecisionAnswer, intent: "reset_password", used: true},
		{name: "says none", res: grey, answer: "", asked: true, decision: DecisionNone, used: true},
		{name: "fails", res: grey, err: errors.New("HTTP 500"), asked: true, decision: DecisionClarify, errText: "HTTP 500"},
		{name: "times out", res: grey, block: true, asked: true, decision: DecisionClarify, errText: "no answer within"},
		{name: "picks a non-candidate", res: grey, answer: "outage", asked: true, decision: DecisionClarify, errText: "not a candidate"},
		{name: "above the grey zone", res: sure, decision: DecisionAnswer, intent: "billing"},
		{name: "below the grey zone", res: hopeless, decision: DecisionNone},
		{name: "at its lower edge", res: atFrom, answer: "reset_password", asked: true, decision: DecisionAnswer, intent: "reset_password", used: true},
		{name: "at its upper edge", res: atTo, decision: DecisionAnswer, intent: "billing"},
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
			so := SecondOpinion{Classifier: c, From: 0.15, To: 0.8, Timeout: 50 * time.Millisecond}
			got := k.Consult(context.Background(), "how much for the password", tt.res, so)

			if (len(asked) == 1) != tt.asked || len(asked) > 1 {
				t.Fatalf("asked %d times, want asked=%v", len(asked), tt.asked)
			}
			if got.Decision != tt.decision || got.Intent != tt.intent {
				t.Errorf("decision %s %q, want %s %q", got.Decision, got.Intent, tt.decision, tt.intent)
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
