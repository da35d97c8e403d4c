package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

const learnUsage = `Usage:
  firstline learn add-example --intent ID --lang ru|en --text TEXT... [--examples FILE]
                              [--by NAME] [--dry-run] [--force --reason WHY]
  firstline learn new-intent  --id ID --example-ru TEXT... [--example-en TEXT...] [--examples FILE]
                              [--title-ru T] [--title-en T] [--answer-ru T] [--answer-en T]
                              [--file FILE] [--by NAME] [--dry-run] [--force --reason WHY]
  firstline learn history

Every subcommand also takes --config FILE and --intents DIR.
add-example adds customers' messages as the last examples of an intent, in
the file that defines it; new-intent starts an intent from messages, at the
end of FILE (a path in the intents directory; default learned.yaml, created
when missing). --text, --example-ru and --example-en may be given several
times. --examples FILE reads more, one a line ("-" for standard input;
blank lines and lines starting with # are skipped): for add-example in
--lang, for new-intent in the language of each line's letters.

The edit is checked before it is saved: the edited knowledge base must
load, pass its tests, and keep every intent's cross-validated accuracy (see
the README). An edit the check warns against is saved only with --force and
--reason, which are recorded with it; one that does not load is never
saved. A saved edit is recorded in .history.jsonl in the intents directory
with --by (default $USER); "history" lists the records.
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
	var texts []string
	fs.Func("text", "the customer's message (repeat for more)", func(v string) error {
		texts = append(texts, v)
		return nil
	})
	file := fs.String("examples", "", "a `file` of more messages, one a line (- for standard input)")
	o := learnFlags(fs)
	s, err := parseSettings(fs, args, flagIntents, e.getenv)
	if err != nil {
		return err
	}
	if *file != "" {
		lines, err := readExamples(*file, e)
		if err != nil {
			return err
		}
		texts = append(texts, lines...)
	}
	switch {
	case *id == "":
		return usageError{errors.New("--intent is required")}
	case *lang == "":
		return usageError{errors.New("--lang is required")}
	case len(texts) == 0:
		return usageError{errors.New("--text is required")}
	}
	if err := o.check(e); err != nil {
		return err
	}
	edit, err := intents.PrepareExamples(s.IntentsDir, *id, *lang, texts)
	if err != nil {
		return err
	}
	return learn(ctx, edit, s, o, e)
}

// learnOptions are the flags every edit takes: who makes it, whether to
// save it, and why to save it over the guard's warning.
type learnOptions struct {
	by     *string
	who    string
	dryRun *bool
	force  *bool
	reason *string
}

// learnFlags defines the flags of learnOptions on fs.
func learnFlags(fs *flag.FlagSet) *learnOptions {
	return &learnOptions{
		by:     fs.String("by", "", "who makes the edit, for the audit log (default $USER)"),
		dryRun: fs.Bool("dry-run", false, "check and show the edit, but do not save it"),
		force:  fs.Bool("force", false, "save the edit even if the check warns against it (needs --reason)"),
		reason: fs.String("reason", "", "why the edit is saved over the check's warning, for the audit log"),
	}
}

// check fills in who makes the edit and checks the flags together.
func (o *learnOptions) check(e env) error {
	o.who = first(*o.by, e.getenv("USER"))
	*o.reason = strings.TrimSpace(*o.reason)
	switch {
	case o.who == "" && !*o.dryRun:
		return usageError{errors.New("--by is required when $USER is not set")}
	case *o.force && *o.reason == "":
		return usageError{errors.New("--force needs --reason: say why the edit is saved over the check's warning")}
	case *o.reason != "" && !*o.force:
		return usageError{errors.New("--reason is for --force: give both or neither")}
	}
	return nil
}

// readExamples reads examples one a line from file, or from standard
// input for "-", skipping blank lines and lines starting with #.
func readExamples(file string, e env) ([]string, error) {
	var src []byte
	var err error
	if file == "-" {
		src, err = io.ReadAll(e.stdin)
	} else {
		src, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, fmt.Errorf("read examples: %w", err)
	}
	var out []string
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		return nil, usageError{fmt.Errorf("no examples in %s", file)}
	}
	return out, nil
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
	examples := fs.String("examples", "", "a `file` of more examples, one a line, each in the language of its letters (- for standard input)")
	o := learnFlags(fs)
	s, err := parseSettings(fs, args, flagIntents, e.getenv)
	if err != nil {
		return err
	}
	if *examples != "" {
		lines, err := readExamples(*examples, e)
		if err != nil {
			return err
		}
		for _, line := range lines {
			lang := kb.DetectLanguage(line, intents.LangRU)
			in.Examples[lang] = append(in.Examples[lang], line)
		}
	}
	switch {
	case *id == "":
		return usageError{errors.New("--id is required")}
	case len(in.Examples) == 0:
		return usageError{errors.New("give at least one --example-ru or --example-en")}
	}
	if err := o.check(e); err != nil {
		return err
	}
	in.ID = *id
	edit, err := intents.PrepareIntent(s.IntentsDir, *file, in)
	if err != nil {
		return err
	}
	return learn(ctx, edit, s, o, e)
}

// learn shows a prepared edit, runs the guard on it and, unless it blocks
// and is not forced with a reason, or this is a dry run, saves it.
func learn(ctx context.Context, edit *intents.Edit, s *settings, o *learnOptions, e env) error {
	fmt.Fprint(e.stdout, edit.Diff())
	fmt.Fprintln(e.stdout)
	report, err := kb.Guard(ctx, edit.Old, edit.New, s.matchOptions())
	if err != nil {
		return err
	}
	printGuard(e.stdout, report)
	if report.Blocked() {
		if !*o.force {
			return fmt.Errorf("the edit is blocked and was not saved (failing tests: %d, intents worse: %d); "+
				"to save it anyway, give --force --reason WHY", len(report.Failed), countBlocking(report))
		}
		edit.Reason, edit.Warning = *o.reason, report.Summary()
		fmt.Fprintf(e.stdout, "saving over the warning: %s\n", *o.reason)
	}
	if *o.dryRun {
		fmt.Fprintln(e.stdout, "dry run: not saved")
		return nil
	}
	c, err := intents.NewWriter(s.IntentsDir).Apply(edit, o.who)
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
				sc.Intent, sc.AddedRight, sc.Added)
		case sc.Added > 0:
			fmt.Fprintf(w, "  %s: %d of its %d new examples recognised by the others; on the %d it had, %.2f → %.2f\n",
				sc.Intent, sc.AddedRight, sc.Added, sc.Compared, sc.Before, sc.After)
		}
		if sc.Blocks() {
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
	fmt.Fprintln(tw, "TIME\tBY\tKIND\tFILE\tINTENT\tADDED\tREASON")
	for _, c := range changes {
		var added []string
		for _, lang := range intents.Languages {
			for _, ex := range c.Added[lang] {
				added = append(added, lang+": "+fmt.Sprintf("%q", ex))
			}
		}
		reason := ""
		if c.Reason != "" {
			reason = fmt.Sprintf("%q (over: %s)", c.Reason, c.Warning)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Time.Format("2006-01-02 15:04:05"), c.By, c.Kind, c.File, c.Intent,
			strings.Join(added, ", "), reason)
	}
	return tw.Flush()
}
