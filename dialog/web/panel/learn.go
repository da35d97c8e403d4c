package panel

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// Learning is what the review page needs to change the knowledge base:
// where its files are, and how to make an edit live at once.
type Learning struct {
	// Dir is the intents directory the knowledge base in use is loaded
	// from. Edits go there, and its audit log is the page's history.
	Dir string
	// Reload loads Dir into the knowledge base in use (the server's
	// intents.Watcher.Reload), so that a saved edit answers the next
	// message rather than the one after the next poll. Nil leaves it to
	// the watcher's polling.
	Reload func() error
}

// SetLearning lets admins add examples and intents from the review page.
// Without it the page only lists what the bot could not answer.
func (p *Panel) SetLearning(l Learning) {
	p.learning = l
	p.writer = intents.NewWriter(l.Dir)
}

// baselines keeps the guard's measure of the knowledge base edits start
// from, so that checking an edit measures only the edited one. It is
// measured again when the files change.
type baselines struct {
	mu      sync.Mutex // one measure at a time: concurrent checks wait for it
	version [sha256.Size]byte
	b       *kb.Baseline
}

// baseline returns the guard's measure of the knowledge base e was
// prepared on: the files as they were, which the server may not have
// reloaded yet. It matches with the options of the knowledge base in use.
func (p *Panel) baseline(ctx context.Context, e *intents.Edit) (*kb.Baseline, error) {
	k, release := p.kb.Acquire()
	if k == nil {
		release()
		return nil, dialog.Errorf(dialog.EUNAVAILABLE, "the knowledge base is not loaded")
	}
	opts := k.Options()
	release()
	p.guard.mu.Lock()
	defer p.guard.mu.Unlock()
	if p.guard.b != nil && p.guard.version == e.Version {
		return p.guard.b, nil
	}
	b, err := kb.NewBaseline(ctx, e.Old, opts)
	if err != nil {
		return nil, err
	}
	p.guard.version, p.guard.b = e.Version, b
	return b, nil
}

// editForm is a proposed edit as the forms send it: the example form's
// intent, language and text, or the new intent form's fields.
type editForm struct {
	Kind string // intents.EditAddExample or intents.EditNewIntent

	Intent string // add_example: the intent
	Lang   string // add_example: the example's language
	Text   string // add_example: the message

	ID       string              // new_intent: its id
	Title    intents.Text        // new_intent
	Answer   intents.Text        // new_intent
	Examples map[string][]string // new_intent: the messages ticked, by language
	File     string              // new_intent: the file, in the intents directory

	// Reason is why the admin saves the edit although the guard warned
	// against it; a warned edit is saved only with one.
	Reason string

	From, To string // the review page's range, to return to
}

// readEditForm reads the form's fields; prepare checks them.
func readEditForm(f url.Values) editForm {
	e := editForm{
		Kind: f.Get("kind"), Intent: f.Get("intent"), Lang: f.Get("lang"), Text: f.Get("text"),
		ID: strings.TrimSpace(f.Get("id")), File: strings.TrimSpace(f.Get("file")),
		Title: intents.Text{}, Answer: intents.Text{}, Examples: map[string][]string{},
		Reason: strings.TrimSpace(f.Get("reason")),
		From:   f.Get("from"), To: f.Get("to"),
	}
	for _, l := range intents.Languages {
		if s := f.Get("title_" + l); s != "" {
			e.Title[l] = s
		}
		if s := f.Get("answer_" + l); s != "" {
			e.Answer[l] = s
		}
		// Ticked messages (example_ru), and the text area's lines
		// (examples_ru), each once.
		seen := map[string]bool{}
		lines := append(slices.Clone(f["example_"+l]), strings.Split(f.Get("examples_"+l), "\n")...)
		for _, ex := range lines {
			ex = strings.TrimSpace(ex)
			key := intents.NormalizeExample(ex)
			if ex == "" || seen[key] {
				continue
			}
			seen[key] = true
			e.Examples[l] = append(e.Examples[l], ex)
		}
	}
	return e
}

// ExampleLines are the new intent's examples in lang, one a line, for the
// text area that sends them again.
func (f editForm) ExampleLines(lang string) string {
	return strings.Join(f.Examples[lang], "\n")
}

// ExampleRows is how many lines high the text area of lang is.
func (f editForm) ExampleRows(lang string) int {
	return exampleRows(len(f.Examples[lang]))
}

// prepare makes the edit the form asks for, checked but not written.
func (f editForm) prepare(dir, lang string) (*intents.Edit, error) {
	switch f.Kind {
	case intents.EditAddExample:
		return intents.PrepareExample(dir, intents.NewExample{Intent: f.Intent, Lang: f.Lang, Text: f.Text})
	case intents.EditNewIntent:
		in := intents.NewIntent{ID: f.ID, Title: f.Title, Examples: f.Examples, Answer: f.Answer}
		return intents.PrepareIntent(dir, f.File, in)
	}
	return nil, panelError(dialog.EINVALID, lang, "review.error.kind", f.Kind)
}

// editPage is the data of the page that shows a proposed edit and the
// guard's verdict on it, with the button that saves it when it may be.
type editPage struct {
	base
	Form    editForm
	Intents []intentChoice
	Langs   []string
	// Problem is why the edit was refused before it was checked: a bad
	// id, a duplicate example, the FILE:LINE problems of the edited file.
	Problem *pageError
	Diff    string
	Guard   *kb.GuardReport
	// Blocked is the guard's warning: the edit is saved only with a
	// reason, which the page then asks for.
	Blocked bool
	// NeedReason: a save over the warning was asked for without a reason.
	NeedReason bool
	Worse      []kb.IntentScore // the intents that fell too far
	New        *kb.IntentScore  // the new intent's score
	Added      *kb.IntentScore  // the score of the intent given examples
	Fell       int              // intents that fell within the tolerance
	Back       string           // the review page
}

func (p *Panel) reviewPreview(c *gin.Context) { p.reviewEdit(c, false) }

func (p *Panel) reviewApply(c *gin.Context) { p.reviewEdit(c, true) }

// reviewEdit prepares the edit a form asks for and runs the guard on it.
// A preview shows the change and the verdict; a save, sent with the same
// values, prepares and checks them again, since the files may have changed
// in between, and writes the edit only when nothing blocks it.
func (p *Panel) reviewEdit(c *gin.Context, save bool) {
	lang := pageLang(c)
	if p.learning.Dir == "" {
		p.fail(c, panelError(dialog.EUNAVAILABLE, lang, "review.error.off"))
		return
	}
	if err := parseForm(c, lang); err != nil {
		p.fail(c, err)
		return
	}
	form := readEditForm(c.Request.PostForm)
	data := &editPage{base: newBase(c, "review"), Form: form, Langs: intents.Languages,
		Back: reviewURL(form.From, form.To, "")}
	data.Title = tr(lang, "review.edit.title")
	data.Intents = p.intentChoices(lang)

	ctx := c.Request.Context()
	edit, err := form.prepare(p.learning.Dir, lang)
	if err != nil {
		p.editProblem(c, data, err)
		return
	}
	data.Diff = relativeDiff(p.learning.Dir, edit.Diff())
	b, err := p.baseline(ctx, edit)
	if err != nil {
		p.fail(c, fmt.Errorf("review: guard: %w", err))
		return
	}
	r, err := b.Check(ctx, edit.New)
	if err != nil {
		p.fail(c, fmt.Errorf("review: guard: %w", err))
		return
	}
	data.setGuard(r, p.learning.Dir)
	if save && data.Blocked && form.Reason == "" {
		data.NeedReason = true
	}
	if !save || data.NeedReason {
		status := http.StatusOK
		if save {
			status = http.StatusConflict // asked to save, and it was not
		}
		p.render(c, status, p.pages.reviewEdit, "layout", data)
		return
	}
	if data.Blocked {
		// Saved over the warning: the log says why, and what it was.
		edit.Reason, edit.Warning = form.Reason, r.Summary()
	}
	change, err := p.writer.Apply(edit, auth.CurrentUser(c).Name)
	if err != nil {
		p.editProblem(c, data, err)
		return
	}
	p.log.Info("knowledge base edited from the panel", "by", change.By, "kind", change.Kind,
		"file", change.File, "intent", change.Intent, "reason", change.Reason, "warning", change.Warning)
	if p.learning.Reload != nil {
		if err := p.learning.Reload(); err != nil {
			// Saved and recorded all the same; the watcher's next poll
			// tries again, and the log says why it failed.
			p.log.Error("review: reload the knowledge base after an edit", "err", err)
		}
	}
	c.Redirect(http.StatusSeeOther, reviewURL(form.From, form.To, change.SHA256After[:savedKeyLength]))
}

// editProblem shows why an edit was refused, with nothing written.
func (p *Panel) editProblem(c *gin.Context, data *editPage, err error) {
	code := editErrorCode(err)
	if code == dialog.EINTERNAL {
		httperror.Log(p.log, c.Request, fmt.Errorf("review: edit: %w", err))
		data.Problem = newPageError(data.Lang, err)
	} else {
		data.Problem = &pageError{Title: errorTitle(data.Lang, dialog.Errorf(code, "")), Message: editErrorText(err)}
	}
	p.render(c, httperror.Status(code), p.pages.reviewEdit, "layout", data)
}

// editErrorCode sorts the errors of preparing and applying an edit.
func editErrorCode(err error) string {
	switch {
	case errors.Is(err, intents.ErrDuplicate), errors.Is(err, intents.ErrStale):
		return dialog.ECONFLICT
	case errors.Is(err, intents.ErrInvalidEdit), errors.As(err, new(intents.Errors)):
		return dialog.EINVALID
	case errors.As(err, new(*dialog.Error)):
		return dialog.ErrorCode(err)
	}
	return dialog.EINTERNAL
}

// editErrorText is the message of an edit's error: the intents package's
// own, which names the field, the example or the FILE:LINE at fault.
func editErrorText(err error) string {
	var de *dialog.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

// setGuard fills in the guard's verdict, with the tests' files named
// within the intents directory dir.
func (d *editPage) setGuard(r *kb.GuardReport, dir string) {
	for _, cases := range [][]kb.GuardCase{r.Failed, r.AlreadyFailing} {
		for i := range cases {
			cases[i].Pos.File = relativePath(dir, cases[i].Pos.File)
		}
	}
	d.Guard = r
	d.Blocked = r.Blocked()
	for i, s := range r.Intents {
		if s.Before >= 0 && s.Added > 0 {
			d.Added = &r.Intents[i]
		}
		switch {
		case s.Before < 0:
			d.New = &r.Intents[i]
		case s.Blocks():
			d.Worse = append(d.Worse, s)
		case s.Before > s.After:
			d.Fell++
		}
	}
}

// intentChoices are the knowledge base's intents for a select, by title.
func (p *Panel) intentChoices(lang string) []intentChoice {
	k, release := p.kb.Acquire()
	defer release()
	if k == nil {
		return nil
	}
	var out []intentChoice
	for _, in := range k.Set().Intents {
		out = append(out, intentChoice{ID: in.ID, Title: in.TitleFor(lang)})
	}
	sortChoices(out)
	return out
}

// relativePath names a file of the intents directory dir as the admin
// knows it, within the directory.
func relativePath(dir, file string) string {
	if rel, err := filepath.Rel(dir, file); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return file
}

// relativeDiff is an edit's diff with its first line, the file, named
// within the intents directory dir.
func relativeDiff(dir, diff string) string {
	head, rest, _ := strings.Cut(diff, "\n")
	if file, ok := strings.CutSuffix(head, " (new file)"); ok {
		return relativePath(dir, file) + " (new file)\n" + rest
	}
	i := strings.LastIndex(head, ":")
	if i < 0 {
		return diff
	}
	return relativePath(dir, head[:i]) + head[i:] + "\n" + rest
}
