package main

import (
	"context"
	"fmt"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

func cmdValidate(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("validate", e)
	advise := fs.Bool(adviceFlag, true, adviceUsage)
	s, err := parseSettings(fs, args, flagIntents, e.getenv)
	if err != nil {
		return err
	}
	set, err := intents.Load(s.IntentsDir)
	if err != nil {
		return fmt.Errorf("%s is invalid:\n%w", s.IntentsDir, err)
	}
	examples := map[string]int{}
	for _, in := range set.Intents {
		for lang, ex := range in.Examples {
			examples[lang] += len(ex)
		}
	}
	fmt.Fprintf(e.stdout, "%s: OK: %d files, %d intents, %d examples (ru %d, en %d), %d tests, %d canned replies\n",
		s.IntentsDir, len(set.Files), len(set.Intents), examples[intents.LangRU]+examples[intents.LangEN],
		examples[intents.LangRU], examples[intents.LangEN], len(set.Tests), len(set.Canned))
	if *advise {
		printAdvice(ctx, e.stdout, e.stderr, set, s.matchOptions())
	}
	return nil
}

func cmdTest(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("test", e)
	advise := fs.Bool(adviceFlag, true, adviceUsage)
	s, err := parseSettings(fs, args, flagIntents, e.getenv)
	if err != nil {
		return err
	}
	set, err := intents.Load(s.IntentsDir)
	if err != nil {
		return fmt.Errorf("%s is invalid:\n%w", s.IntentsDir, err)
	}
	k, err := kb.New(set, s.matchOptions())
	if err != nil {
		return err
	}
	defer k.Close()
	results := kb.RunTests(ctx, k)
	failed := 0
	failedAt := map[intents.Pos]bool{}
	for _, r := range results {
		if r.Pass {
			continue
		}
		failed++
		failedAt[r.Case.Pos] = true
		got := string(r.Got.Decision)
		if r.Got.Decision == kb.DecisionAnswer {
			got = r.Got.Intent
		}
		fmt.Fprintf(e.stdout, "FAIL %s:%d: %q: want %s, got %s (%s)\n",
			r.Case.Pos.File, r.Case.Pos.Line, r.Case.Message, r.Case.Expect, got, describe(r.Got))
	}
	scripts, err := runScripts(ctx, s, k)
	if err != nil {
		return err
	}
	// A test that answers questions is one test, failed when its match or
	// its answers go wrong.
	for _, r := range scripts {
		if r.Problem != "" {
			if !failedAt[r.Case.Pos] {
				failed++
			}
			fmt.Fprintf(e.stdout, "FAIL %s:%d: %q and its answers: %s\n", r.Case.Pos.File, r.Case.Pos.Line, r.Case.Message, r.Problem)
		}
	}
	total := len(results)
	fmt.Fprintf(e.stdout, "%d passed, %d failed\n", total-failed, failed)
	if *advise {
		printAdvice(ctx, e.stdout, e.stderr, set, s.matchOptions())
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d intent tests failed", failed, total)
	}
	return nil
}

// describe prints a match's top candidates for people reading test output.
func describe(r kb.Result) string {
	if len(r.Candidates) == 0 {
		return "no candidates"
	}
	out := ""
	for i, c := range r.Candidates {
		if i == 3 {
			break
		}
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%s %.2f", c.Intent, c.Confidence)
	}
	return out
}
