package panel

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// The review page's "Knowledge base health" section: which intents need
// more or different examples, from kb.Advise. Cross-validating takes
// about as long as a few builds of the knowledge base, so it is done once
// per knowledge base loaded, not per request.

// healthCache keeps the advice on the knowledge base in use.
type healthCache struct {
	mu  sync.Mutex
	run *healthRun // the latest knowledge base's, done or under way
	// wait is how long a page waits for a run under way before it shows
	// the section as under way (SetHealthWait).
	wait time.Duration
	// advise, when set, replaces kb.Advise, so tests can hold a run.
	advise func(context.Context, *intents.Set, kb.Options) (*kb.Advice, error)
}

// defaultHealthWait is how long the review page waits for the health
// check: enough for the demo knowledge base (about a second on two cores),
// little enough that a page after an edit of a big one is not held up.
const defaultHealthWait = 3 * time.Second

// errHealthPending: the health check is still under way.
var errHealthPending = errors.New("the knowledge base's health check is under way")

// SetHealthWait sets how long the review page waits for the knowledge
// base's health check, run after each reload, before it shows the check
// as under way (3 s by default).
func (p *Panel) SetHealthWait(d time.Duration) {
	p.health.mu.Lock()
	defer p.health.mu.Unlock()
	p.health.wait = d
}

// healthRun is the advice on one knowledge base, computed once: done is
// closed when advice or err is set.
type healthRun struct {
	set    *intents.Set
	opts   kb.Options
	done   chan struct{}
	advice *kb.Advice
	err    error
}

// kbHealth returns the advice on the knowledge base in use, and the
// intents it is about, computing it when the knowledge base was loaded
// since the last call. The computation runs on the panel's lifetime
// rather than the request's, so that a closed page does not waste it, and
// concurrent requests wait for the same one, each for the health wait at
// most: then it returns errHealthPending.
func (p *Panel) kbHealth(ctx context.Context) (*kb.Advice, *intents.Set, error) {
	k, release := p.kb.Acquire()
	if k == nil {
		release()
		return nil, nil, dialog.Errorf(dialog.EUNAVAILABLE, "the knowledge base is not loaded")
	}
	set, opts := k.Set(), k.Options()
	release()

	p.health.mu.Lock()
	run := p.health.run
	if run == nil || run.set != set || run.opts != opts {
		run = &healthRun{set: set, opts: opts, done: make(chan struct{})}
		p.health.run = run
		life := p.lifetime
		if life == nil { // a Panel built without New
			life = context.Background()
		}
		advise := p.health.advise
		if advise == nil {
			advise = kb.Advise
		}
		p.wg.Go(func() {
			defer close(run.done)
			run.advice, run.err = advise(life, set, opts)
			// A check cut short by the server's shutdown is no error.
			if run.err != nil && !errors.Is(run.err, context.Canceled) {
				p.log.Error("review: check the knowledge base's health", "err", run.err)
			}
		})
	}
	wait := p.health.wait
	p.health.mu.Unlock()

	select {
	case <-run.done: // done before, however short the wait
		return run.advice, run.set, run.err
	default:
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-run.done:
		return run.advice, run.set, run.err
	case <-timer.C:
		return nil, nil, errHealthPending
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

// healthData is the section as the page shows it, in the reader's
// language.
type healthData struct {
	Pending  bool   // the check is under way
	Error    string // why there is no advice
	Summary  string
	Flagged  []healthIntent
	Intents  int // intents in all
	All      []healthRow
	Duration string
}

// healthIntent is an intent that needs work.
type healthIntent struct {
	ID, Title string
	Where     string // FILE:LINE, the file relative to the intents directory
	Lines     []healthLine
}

// healthLine is what to expect of an intent's questions in one language,
// and what to do about it; Lang is "" for a language it has no examples in.
type healthLine struct {
	Lang   string
	Flags  string // few, weak, alike: for tests and styles
	Expect string
	Todo   []string
	Missed []string // examples to word differently
}

// healthRow is one intent and language in the table of every intent.
type healthRow struct {
	ID, Title, Lang                       string
	Examples, Right, Wrong, Offered, None int
}

// healthSection turns the advice on the knowledge base in use into the
// section's data; a failure is shown in the section, not as the page's.
func (p *Panel) healthSection(ctx context.Context, lang string) *healthData {
	a, set, err := p.kbHealth(ctx)
	if errors.Is(err, errHealthPending) {
		return &healthData{Pending: true}
	}
	if err != nil {
		// The log has the details when the check itself failed.
		return &healthData{Error: tr(lang, "health.error")}
	}
	d := &healthData{Intents: len(a.Intents)}
	d.Summary = tr(lang, "health.summary", a.Examples, a.Folds,
		inTen(lang, a.Right, a.Examples), inTen(lang, a.Wrong, a.Examples),
		inTen(lang, a.Offered, a.Examples), inTen(lang, a.None, a.Examples))
	d.Duration = fmt.Sprintf("%.1f", a.Duration.Seconds())
	for _, in := range a.Intents {
		title := in.Intent
		if i := set.Intent(in.Intent); i != nil {
			title = i.TitleFor(lang)
		}
		for _, l := range in.Langs {
			d.All = append(d.All, healthRow{ID: in.Intent, Title: title, Lang: l.Lang, Examples: l.Examples,
				Right: l.Right, Wrong: l.WrongCount(), Offered: l.Offered, None: l.None})
		}
		if !in.Flagged() {
			continue
		}
		hi := healthIntent{ID: in.Intent, Title: title, Where: fmt.Sprintf("%s:%d", p.relFile(in.Pos.File), in.Pos.Line)}
		for _, l := range in.Langs {
			if line, ok := healthLineOf(lang, a, in.Intent, l); ok {
				hi.Lines = append(hi.Lines, line)
			}
		}
		for _, missing := range in.MissingLangs {
			hi.Lines = append(hi.Lines, healthLine{Flags: "lang", Todo: []string{tr(lang, "health.todo.lang", missing, missing)}})
		}
		d.Flagged = append(d.Flagged, hi)
	}
	return d
}

// healthLineOf says what to expect of an intent's questions in one
// language and what to add, when the language needs work.
func healthLineOf(lang string, a *kb.Advice, id string, l kb.LangAdvice) (healthLine, bool) {
	var alike []string
	for _, pr := range a.Pairs {
		switch {
		case pr.Lang != l.Lang:
		case pr.A == id:
			alike = append(alike, pr.B)
		case pr.B == id:
			alike = append(alike, pr.A)
		}
	}
	if !l.Few && !l.Weak && len(alike) == 0 {
		return healthLine{}, false
	}
	line := healthLine{Lang: l.Lang}
	var flags []string
	parts := []string{tr(lang, "health.examples", l.Examples), tr(lang, "health.answered", inTen(lang, l.Right, l.Examples))}
	if n := l.WrongCount(); n > 0 {
		ids := make([]string, len(l.Wrong))
		for i, c := range l.Wrong {
			ids[i] = c.Intent
		}
		parts = append(parts, tr(lang, "health.confused", strings.Join(ids, ", "), inTen(lang, n, l.Examples)))
	}
	if l.Offered > 0 {
		parts = append(parts, tr(lang, "health.offered", inTen(lang, l.Offered, l.Examples)))
	}
	if l.None > 0 {
		parts = append(parts, tr(lang, "health.unanswered", inTen(lang, l.None, l.Examples)))
	}
	line.Expect = strings.Join(parts, "; ")
	switch {
	case l.Few:
		flags = append(flags, "few")
		line.Todo = append(line.Todo, tr(lang, "health.todo.few", kb.AdviceMinExamples))
	case l.Weak && l.Examples < 2*kb.AdviceMinExamples:
		// Too few for any one wording to be what is missing.
		flags = append(flags, "weak")
		line.Todo = append(line.Todo, tr(lang, "health.todo.more"))
	case l.Weak:
		flags = append(flags, "weak")
		line.Todo = append(line.Todo, tr(lang, "health.todo.missed"))
		line.Missed = l.Missed
	}
	for _, other := range alike {
		flags = append(flags, "alike")
		line.Todo = append(line.Todo, tr(lang, "health.todo.alike", other))
	}
	line.Flags = strings.Join(flags, " ")
	return line, true
}

// inTen writes n of total as "6 in 10" in lang (see kb.Tenths).
func inTen(lang string, n, total int) string {
	return tr(lang, "health.in_ten", kb.Tenths(n, total))
}

// relFile is an intents file as the page names it: relative to the
// intents directory, so that no server path shows.
func (p *Panel) relFile(path string) string {
	if p.learning.Dir != "" {
		if rel, err := filepath.Rel(p.learning.Dir, path); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return filepath.Base(path)
}
