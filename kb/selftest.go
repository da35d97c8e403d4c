package kb

import (
	"context"

	"github.com/firstline-support/firstline/intents"
)

// TestResult is the outcome of one of the knowledge base's own test cases.
type TestResult struct {
	Case intents.TestCase
	Got  Result
	Pass bool
}

// RunTests runs the `tests:` of the knowledge base's YAML against it. A case
// expecting an intent passes when that intent is answered; a case
// expecting "escalate" passes when nothing is answered and no
// clarification is asked.
func RunTests(ctx context.Context, k *KB) []TestResult {
	cases := k.Set().Tests
	out := make([]TestResult, 0, len(cases))
	for _, c := range cases {
		got := k.Match(ctx, c.Message, c.Lang)
		pass := got.Decision == DecisionAnswer && got.Intent == c.Expect
		if c.Expect == intents.ExpectEscalate {
			pass = got.Decision == DecisionNone
		}
		out = append(out, TestResult{Case: c, Got: got, Pass: pass})
	}
	return out
}
