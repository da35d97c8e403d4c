package kb

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
)

// calibrationCase is one line of testdata/calibration.tsv.
type calibrationCase struct {
	label   string // an intent id, "mixed:A+B" or "none"
	message string
}

// readCalibration reads testdata/calibration.tsv.
func readCalibration(t *testing.T) []calibrationCase {
	t.Helper()
	f, err := os.Open("testdata/calibration.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []calibrationCase
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		label, message, ok := strings.Cut(text, "\t")
		if !ok {
			t.Fatalf("calibration.tsv:%d: no tab", line)
		}
		cases = append(cases, calibrationCase{label: label, message: message})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestFAQCalibration measures the default thresholds on a hundred messages
// that are not examples: paraphrases must mostly be answered and rarely
// wrongly, off-topic messages must mostly get nothing, and messages mixing
// two intents must often make the bot ask and never answer a third intent.
// The figures are rates rather than cases so that tuning may trade one
// message for another, but not lose ground overall.
func TestFAQCalibration(t *testing.T) {
	k := loadFAQ(t)
	var single, right, wrong, mixed, clarified, offTopic, ignored int
	for _, c := range readCalibration(t) {
		r := k.Match(context.Background(), c.message, "")
		switch {
		case c.label == "none":
			offTopic++
			if r.Decision == DecisionNone {
				ignored++
			} else {
				t.Logf("off-topic %q: %s %+v", c.message, r.Decision, r.Candidates)
			}
		case strings.HasPrefix(c.label, "mixed:"):
			mixed++
			a, b, _ := strings.Cut(strings.TrimPrefix(c.label, "mixed:"), "+")
			switch r.Decision {
			case DecisionClarify:
				clarified++
			case DecisionAnswer:
				if r.Intent != a && r.Intent != b {
					t.Errorf("mixed %q: answered %s, want %s or %s", c.message, r.Intent, a, b)
				}
			}
		default:
			single++
			switch {
			case r.Decision == DecisionAnswer && r.Intent == c.label:
				right++
			case r.Decision == DecisionAnswer:
				wrong++
				t.Logf("%q: answered %s, want %s", c.message, r.Intent, c.label)
			default:
				t.Logf("%q: %s %+v, want %s", c.message, r.Decision, r.Candidates, c.label)
			}
		}
	}
	t.Logf("paraphrases: %d of %d right, %d wrong; mixed: %d of %d clarified; off-topic: %d of %d ignored",
		right, single, wrong, clarified, mixed, ignored, offTopic)
	if single == 0 || mixed == 0 || offTopic == 0 {
		t.Fatal("calibration.tsv lacks a kind of message")
	}
	if right*4 < single*3 {
		t.Errorf("%d of %d paraphrases answered right, want at least 75%%", right, single)
	}
	if wrong*20 > single {
		t.Errorf("%d of %d paraphrases answered wrongly, want at most 5%%", wrong, single)
	}
	if clarified*3 < mixed*2 {
		t.Errorf("%d of %d mixed messages clarified, want at least two thirds", clarified, mixed)
	}
	if ignored*10 < offTopic*9 {
		t.Errorf("%d of %d off-topic messages ignored, want at least 90%%", ignored, offTopic)
	}
}
