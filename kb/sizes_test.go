package kb

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/intents"
)

// TestCalibrationAcrossSizes builds knowledge bases of 3, 5 and 10
// examples per intent and language from the demo's intents (35 intents,
// 15 to 30 examples each, none of which the confidence's weights were
// fitted on) and asks each the examples it was not built from. A
// confidence means the same at every size: at each, the mean confidence
// of the best candidate is within 0.1 of how often it is right, and so is
// the calibration error over ten bins.
func TestCalibrationAcrossSizes(t *testing.T) {
	set, err := intents.Load("../configs/intents")
	if err != nil {
		t.Fatal(err)
	}
	var items []evalItem
	for _, in := range set.Intents {
		for _, lang := range intents.Languages {
			for _, ex := range in.Examples[lang] {
				items = append(items, evalItem{text: ex, intent: in.ID + "/" + lang, lang: lang})
			}
		}
	}
	for _, k := range []int{3, 5, 10} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			var preds []prediction
			for seed := range uint64(3) {
				// Choosing per intent and language keeps k examples in each
				// language; the intent is the part before the slash.
				chosen, rest := chooseShots(items, k, seed+1)
				for i := range chosen {
					chosen[i].intent = intentOf(chosen[i].intent)
				}
				kb, err := buildEvalKB(chosen, DefaultOptions)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range rest {
					top := kb.Match(context.Background(), it.text, it.lang).Top()
					preds = append(preds, prediction{gold: intentOf(it.intent), top: top.Intent, confidence: top.Confidence})
				}
				kb.Close()
			}
			mean, right := 0.0, 0.0
			for _, p := range preds {
				mean += p.confidence
				if p.top == p.gold {
					right++
				}
			}
			mean /= float64(len(preds))
			right /= float64(len(preds))
			ece, _ := calibration(preds)
			t.Logf("%d examples: %d questions, mean confidence %.3f, right %.3f, calibration error %.3f", k, len(preds), mean, right, ece)
			if math.Abs(mean-right) > 0.1 || ece > 0.1 {
				t.Errorf("%d examples: mean confidence %.3f, right %.3f, calibration error %.3f; want both within 0.1", k, mean, right, ece)
			}
		})
	}
}

// intentOf returns the intent of an "intent/lang" label.
func intentOf(label string) string {
	if i := strings.LastIndexByte(label, '/'); i >= 0 {
		return label[:i]
	}
	return label
}
