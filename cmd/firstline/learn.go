package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

const learnUsage = `Usage:
  firstline learn add-example --intent ID --lang ru|en --text TEXT [--by NAME] [--dry-run]
  firstline learn new-intent  --id ID --example-ru TEXT... [--example-en TEXT...]
                              [--title-ru T] [--title-en T] [--answer-ru T] [--answer-en T]
                              [--file FILE] [--by NAME] [--dry-run]
  firstline learn history

Every subcommand also takes --config FILE and --intents DIR.
add-example adds a customer's message as the last example of an intent, in
the file that defines it; new-intent starts an intent from messages, at the
end of FILE (a path in the intents directory; default learned.yaml, created
when missing). --example-ru and --example-en may be given several times.

The edit is checked before it is saved: the edited knowledge base must
load, pass its tests, and keep every intent's cross-validated accuracy (see
the README). A saved edit is recorded in .history.jsonl in the intents
directory with --by (default $USER); "history" lists the records.
`

func cmdLearn(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, learnUsage)
		return usageError{errors.New("missing subcommand")}
	}
	subcommands := map[string]func(context.Context, []string, env) error{
		"add-example": cmdLearnAddExample,
		"new-intent":  cmdLearnNewIntent,
		"history":     cmdLearnHistory,
	}
	sub, ok := subcommands[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprint(e.stdout, learnUsage)
			return nil
		}
		fmt.Fprint(e.stderr, learnUsage)
		return usageError{fmt.Errorf("unknown subcommand %q", args[0])}
	}
	return sub(ctx, args[1:], e)
}

func cmdLearnAddExample(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("learn add-example", e)
	id := fs.String("intent", "", "the `id` of the intent the message is an example of")
	lang := fs.String("lang", "", "the message's `language`: ru or en")
	text := fs.String("text", "", "the customer's message")
	by := fs.String("by", "", "who makes the edit, for the audit log (default $USER)")
	dryRun := fs.Bool("dry-run", false, "check and show the edit, but do not save it")
	s, err := parseSettings(fs, args, flagIntents, e.getenv)
	if err != nil {
		return err
	}
	who := first(*by, e.getenv("USER"))
	switch {
	case *id == "":
		return usageError{errors.New("--intent is required")}
	case *lang == "":
		return usageError{errors.New("--lang is required")}
	case *text == "":
		return usageError{errors.New("--text is required")}
	case who == "" && !*dryRun:
		return usageError{errors.New("--by is required when $USER is not set")}
	}
	edit, err := intents.PrepareExample(s.IntentsDir, intents.NewExample{Intent: *id, Lang: *lang, Text: *text})
	if err != nil {
		return err
	}
	return learn(ctx, edit, s, who, *dryRun, e)
}

func cmdLearnNewIntent(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("learn new-intent", e)
	id := fs.String("id", "", "the new intent's `id`: lower-case letters, digits and _")
	in := intents.NewIntent{Title: intents.Text{}, Examples: map[string][]string{}, Answer: intents.Text{}}
	for _, lang := range intents.Languages {
		fs.Func("example-"+lang, "an example in "+lang+" (repeat for more)", func(v string) error {
			in.Examples[lang] = append(in.Examples[lang], v)
			return nil
		})
		fs.Func("title-"+lang, "the title in "+lang, func(v string) error {
			in.Title[lang] = v
			return nil
		})
		fs.Func("answer-"+lang, "the answer in "+lang+" (required with examples in "+lang+")", func(v string) error {
			in.Answer[lang] = v
			return nil
		})
	}
	file := fs.String("file", "", "the `file` to add it to, in the intents directory (default "+intents.LearnedFile+")")
	by := fs.String("by", "", "who makes the edit, for the audit log (default $USER)")
	dryRun := fs.Bool("dry-run", false, "check and show the edit, but do not save it")
	s, err := parseSettings(fs, args, flagIntents, e.getenv)
	if err != nil {
		return err
	}
	who := first(*by, e.getenv("USER"))
	switch {
	case *id == "":
		return usageError{errors.New("--id is required")}
	case len(in.Examples) == 0:
		return usageError{errors.New("give at least one --example-ru or --example-en")}
	case who == "" && !*dryRun:
		return usageError{errors.New("--by is required when $USER is not set")}
	}
	in.ID = *id
	edit, err := intents.PrepareIntent(s.IntentsDir, *file, in)
	if err != nil {
		return err
	}
	return learn(ctx, edit, s, who, *dryRun, e)
}

// learn shows a prepared edit, runs the guard on it and, unless it blocks
// or this is a dry run, saves it.
func learn(ctx context.Context, edit *intents.Edit, s *settings, who string, dryRun bool, e env) error {
	fmt.Fprint(e.stdout, edit.Diff())
	fmt.Fprintln(e.stdout)
	report, err := kb.Guard(ctx, edit.Old, edit.New, s.Matching)
	if err != nil {
		return err
	}
	printGuard(e.stdout, report)
	if report.Blocked() {
		return fmt.Errorf("the edit is blocked and was not saved (failing tests: %d, intents worse: %d)",
			len(report.Failed), countBlocking(report))
	}
	if dryRun {
		fmt.Fprintln(e.stdout, "dry run: not saved")
		return nil
	}
	c, err := intents.NewWriter(s.IntentsDir).Apply(edit, who)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "saved %s; recorded in %s as made by %s at %s\n",
		edit.File, intents.HistoryFile, c.By, c.Time.Format("2006-01-02 15:04:05 UTC"))
	return nil
}

// printGuard prints the guard's verdict: the failing tests, how many
// intents' cross-validated accuracy fell, and the intents that fell too far
// with the examples they lost.
func printGuard(w io.Writer, r *kb.GuardReport) {
	verdict := "OK"
	if r.Blocked() {
		verdict = "BLOCKED"
	}
	fmt.Fprintf(w, "guard: %s: %d of %d tests pass (%.1f s)\n", verdict, r.Tests-len(r.Failed)-len(r.AlreadyFailing), r.Tests, r.Duration.Seconds())
	for _, c := range r.Failed {
		fmt.Fprintf(w, "FAIL %s: %q: want %s, got %s\n", c.Pos, c.Message, c.Expect, c.Got)
	}
	for _, c := range r.AlreadyFailing {
		fmt.Fprintf(w, "failing before too %s: %q: want %s, got %s\n", c.Pos, c.Message, c.Expect, c.Got)
	}
	fell := 0
	for _, sc := range r.Intents {
		if sc.Before > sc.After && !sc.Blocks() {
			fell++
		}
	}
	fmt.Fprintf(w, "cross-validated accuracy of %d intents: %d fell within the tolerance, %d beyond it\n",
		len(r.Intents), fell, countBlocking(r))
	for _, sc := range r.Intents {
		switch {
		case sc.Before < 0:
			fmt.Fprintf(w, "  new intent %s: %d of its %d examples recognised by the others (more examples help)\n",
				sc.Intent, int(math.Round(sc.After*float64(sc.Examples))), sc.Examples)
		case sc.Blocks():
			fmt.Fprintf(w, "WORSE %s: %.2f → %.2f, more than the %.2f allowed\n", sc.Intent, sc.Before, sc.After, sc.Allowed)
			for _, c := range sc.Lost {
				fmt.Fprintf(w, "  lost %q (%s): want %s, got %s\n", c.Message, c.Lang, c.Expect, c.Got)
			}
		}
	}
}

// countBlocking returns how many intents fell too far.
func countBlocking(r *kb.GuardReport) int {
	n := 0
	for _, sc := range r.Intents {
		if sc.Blocks() {
			n++
		}
	}
	return n
}

func cmdLearnHistory(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("learn history", e)
	s, err := parseSettings(fs, args, flagIntents, e.getenv)
	if err != nil {
		return err
	}
	changes, err := intents.ReadHistory(s.IntentsDir)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		fmt.Fprintf(e.stdout, "no edits recorded in %s\n", s.IntentsDir)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tBY\tKIND\tFILE\tINTENT\tADDED")
	for _, c := range changes {
		var added []string
		for _, lang := range intents.Languages {
			for _, ex := range c.Added[lang] {
				added = append(added, lang+": "+fmt.Sprintf("%q", ex))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Time.Format("2006-01-02 15:04:05"), c.By, c.Kind, c.File, c.Intent,
			strings.Join(added, ", "))
	}
	return tw.Flush()
}
