package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// adviceFlag is the flag of validate and test that turns the knowledge
// base health check off, for scripts that want only the verdict.
const adviceFlag = "advice"

// adviceUsage documents adviceFlag.
const adviceUsage = "after the verdict, cross-validate the knowledge base and name the intents that need more or different examples (warnings only)"

// printAdvice cross-validates set at opts and prints, after a command's
// own output, the intents that need the admin's attention, each at its
// FILE:LINE. It never fails the command: a problem running it is printed
// as a warning to errw.
func printAdvice(ctx context.Context, w, errw io.Writer, set *intents.Set, opts kb.Options) {
	a, err := kb.Advise(ctx, set, opts)
	if err != nil {
		fmt.Fprintf(errw, "warning: knowledge base health not checked: %v\n", err)
		return
	}
	writeAdvice(w, a)
}

// writeAdvice writes advice as the CLI shows it.
func writeAdvice(w io.Writer, a *kb.Advice) {
	flagged := 0
	for _, in := range a.Intents {
		if in.Flagged() {
			flagged++
		}
	}
	fmt.Fprintf(w, "\nKnowledge base health (%d-fold cross-validation of %d examples at the current thresholds, %s):\n",
		a.Folds, a.Examples, a.Duration.Round(10*time.Millisecond))
	if a.Examples > 0 {
		fmt.Fprintf(w, "  of questions worded unlike any example: %s answered right, %s answered wrong, %s offered among options, %s not answered\n",
			inTen(a.Right, a.Examples), inTen(a.Wrong, a.Examples), inTen(a.Offered, a.Examples), inTen(a.None, a.Examples))
	}
	if flagged == 0 {
		fmt.Fprintf(w, "  no intent needs more examples\n")
		return
	}
	fmt.Fprintf(w, "  %d of %d intents need more or different examples:\n", flagged, len(a.Intents))
	for _, in := range a.Intents {
		if !in.Flagged() {
			continue
		}
		for _, line := range adviceLines(a, in) {
			fmt.Fprintf(w, "%s:%d: %s\n", in.Pos.File, in.Pos.Line, line)
		}
	}
}

// adviceLines says what is expected of an intent's questions in each
// language it needs work in, and what to add.
func adviceLines(a *kb.Advice, in kb.IntentAdvice) []string {
	var out []string
	for _, l := range in.Langs {
		alike := alikeIn(a, in.Intent, l.Lang)
		if !l.Few && !l.Weak && len(alike) == 0 {
			continue
		}
		var todo []string
		switch {
		case l.Few:
			todo = append(todo, fmt.Sprintf("fewer than %d examples: add 3–5 more ways a customer would ask this", kb.AdviceMinExamples))
		case l.Weak && l.Examples < 2*kb.AdviceMinExamples:
			// Too few for any one wording to be what is missing.
			todo = append(todo, "add 3–5 more ways a customer would ask this")
		case l.Weak && len(l.Missed) > 0:
			todo = append(todo, "add other ways to ask what these ask: "+quoteAll(l.Missed))
		}
		for _, other := range alike {
			todo = append(todo, fmt.Sprintf("too alike to %s: make their examples differ, or merge the two", other))
		}
		out = append(out, fmt.Sprintf("%s (%s): %s; %s", in.Intent, l.Lang, expected(l), strings.Join(todo, "; ")))
	}
	for _, lang := range in.MissingLangs {
		out = append(out, fmt.Sprintf("%s: no examples in %s, which other intents have: add examples and an answer in %s", in.Intent, lang, lang))
	}
	return out
}

// expected says what the bot is expected to do with questions about an
// intent in one language.
func expected(l kb.LangAdvice) string {
	parts := []string{fmt.Sprintf("%d examples", l.Examples)}
	switch l.Right {
	case 0:
		parts = append(parts, "no question answered")
	case l.Examples:
		parts = append(parts, "every question answered")
	default:
		parts = append(parts, "about "+inTen(l.Right, l.Examples)+" questions answered")
	}
	if len(l.Wrong) > 0 {
		ids := make([]string, len(l.Wrong))
		for i, c := range l.Wrong {
			ids[i] = c.Intent
		}
		parts = append(parts, fmt.Sprintf("%s confused with %s", inTen(l.WrongCount(), l.Examples), strings.Join(ids, " or ")))
	}
	if l.Offered > 0 {
		parts = append(parts, inTen(l.Offered, l.Examples)+" offered among options")
	}
	if l.None > 0 {
		parts = append(parts, inTen(l.None, l.Examples)+" not answered")
	}
	return strings.Join(parts, ", ")
}

// alikeIn returns the intents id is too alike to in lang.
func alikeIn(a *kb.Advice, id, lang string) []string {
	var out []string
	for _, p := range a.Pairs {
		switch {
		case p.Lang != lang:
		case p.A == id:
			out = append(out, p.B)
		case p.B == id:
			out = append(out, p.A)
		}
	}
	return out
}

// inTen writes n of total as "6 in 10" (see kb.Tenths).
func inTen(n, total int) string {
	return fmt.Sprintf("%d in 10", kb.Tenths(n, total))
}

// quoteAll quotes texts for a line of output.
func quoteAll(texts []string) string {
	q := make([]string, len(texts))
	for i, t := range texts {
		q[i] = fmt.Sprintf("%q", t)
	}
	return strings.Join(q, ", ")
}
