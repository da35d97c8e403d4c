package panel

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// Why a message is on the review page: what the bot did with it then.
const (
	reasonEscalated  = "escalated"   // nothing matched, even after a rephrase: it went to people
	reasonRephrased  = "rephrased"   // nothing matched: the bot asked to say it in other words
	reasonClarified  = "clarified"   // the bot asked which of the intents offered was meant
	reasonNotHelpful = "not_helpful" // the customer said the answer to it did not help
)

// reviewReasons returns the reasons in the order the page lists them.
func reviewReasons() []string {
	return []string{reasonEscalated, reasonRephrased, reasonClarified, reasonNotHelpful}
}

// The review page's limits: the messages it looks at, at most, and the
// samples a group shows before it is expanded.
const (
	maxReviewMessages = 2000
	reviewSamples     = 3
	// maxReviewSuggestions is how many of the intents the matcher now
	// prefers for a group's messages the group names.
	maxReviewSuggestions = 2
)

// reviewMessage is a customer's message the bot did not answer
// confidently, with what it does with the message now.
type reviewMessage struct {
	ID      int64
	Text    string
	Lang    string
	Channel string
	At      time.Time
	Reasons []string // in reviewReasons order

	// The matcher's verdict with the knowledge base in use now.
	Decision   kb.Decision
	Top        string // the top intent; "" when none
	TopTitle   string
	Confidence float64
}

// reviewGroup is a set of messages about the same thing.
type reviewGroup struct {
	N         int // 1-based, for element ids
	Messages  []*reviewMessage
	Samples   []*reviewMessage
	Reasons   []reasonCount
	Suggested []suggestion
	// Similar are the knowledge base's examples most like the group's
	// first message, found by full-text search, for choosing the intent
	// to add it to.
	Similar []similarExample
	// Examples are the group's texts, each once, for the new intent form.
	Examples []reviewExample
}

// reasonCount is how many of a group's messages have a reason.
type reasonCount struct {
	Reason string
	Count  int
}

// suggestion is an intent the matcher now puts first for some of a
// group's messages.
type suggestion struct {
	Intent string
	Title  string
	Count  int
}

// similarExample is an example of the knowledge base like a message.
type similarExample struct {
	Intent string
	Title  string
	Text   string
}

// similarPerGroup is how many similar examples a group shows.
const similarPerGroup = 3

// reviewExample is a text offered as an example of a new intent.
type reviewExample struct {
	Lang string
	Text string
}

// ExampleLines are the group's texts in lang, one a line, for the new
// intent form's text area: each line is an example, which the admin may
// remove, and more wordings may be added below.
func (g *reviewGroup) ExampleLines(lang string) string {
	var lines []string
	for _, ex := range g.Examples {
		if ex.Lang == lang {
			lines = append(lines, oneLine(ex.Text))
		}
	}
	return strings.Join(lines, "\n")
}

// ExampleRows is how many lines high the text area of lang is: its
// examples and a few empty ones for more, within bounds.
func (g *reviewGroup) ExampleRows(lang string) int {
	return exampleRows(strings.Count(g.ExampleLines(lang), "\n") + 1)
}

// exampleRows is the height of a text area of n examples.
func exampleRows(n int) int {
	return min(max(n+2, 3), 15)
}

// oneLine joins the lines of a message with spaces: in the text area a
// line is an example.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// intentChoice is an intent in the add-an-example select.
type intentChoice struct {
	ID    string
	Title string
}

// reviewData is what the review page lists for a range of days.
type reviewData struct {
	Groups    []*reviewGroup
	Messages  int  // messages listed
	Known     int  // left out: their text is an example already
	Truncated bool // more than maxReviewMessages messages were found
	Intents   []intentChoice
}

// loadReview finds the messages of [from, to) that the bot did not answer
// confidently, drops those the knowledge base has as examples now, matches
// the rest with it and groups them.
func (p *Panel) loadReview(ctx context.Context, from, to time.Time, lang string) (*reviewData, error) {
	found, truncated, err := p.unanswered(ctx, from, to)
	if err != nil {
		return nil, err
	}
	k, release := p.kb.Acquire()
	defer release()
	if k == nil {
		return nil, dialog.Errorf(dialog.EUNAVAILABLE, "the knowledge base is not loaded")
	}
	set := k.Set()
	examples := map[string]bool{}
	data := &reviewData{Truncated: truncated}
	for _, in := range set.Intents {
		for _, l := range intents.Languages {
			for _, ex := range in.Examples[l] {
				examples[intents.NormalizeExample(ex)] = true
			}
		}
		data.Intents = append(data.Intents, intentChoice{ID: in.ID, Title: in.TitleFor(lang)})
	}
	sortChoices(data.Intents)

	var list []*reviewMessage
	var matched []kb.Result
	for _, m := range found {
		if examples[intents.NormalizeExample(m.Text)] {
			data.Known++
			continue
		}
		res := k.Match(ctx, m.Text, m.Lang)
		m.Decision = res.Decision
		if top := res.Top(); top.Intent != "" {
			m.Top, m.Confidence = top.Intent, top.Confidence
			if in := set.Intent(top.Intent); in != nil {
				m.TopTitle = in.TitleFor(lang)
			}
		}
		list = append(list, m)
		matched = append(matched, res)
	}
	texts := make([]string, len(list))
	for i, m := range list {
		texts[i] = m.Text
	}
	for i, members := range k.GroupTopics(texts, matched, kb.DefaultGroupSimilarity) {
		g := &reviewGroup{N: i + 1}
		for _, j := range members {
			g.Messages = append(g.Messages, list[j])
		}
		g.fill()
		hits, err := k.SearchExamples(ctx, g.Messages[0].Text, similarPerGroup)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			s := similarExample{Intent: h.Intent, Title: h.Intent, Text: h.Text}
			if in := set.Intent(h.Intent); in != nil {
				s.Title = in.TitleFor(lang)
			}
			g.Similar = append(g.Similar, s)
		}
		data.Messages += len(g.Messages)
		data.Groups = append(data.Groups, g)
	}
	return data, nil
}

// fill works out a group's samples, reasons, suggestions and examples
// from its messages.
func (g *reviewGroup) fill() {
	g.Samples = g.Messages[:min(len(g.Messages), reviewSamples)]
	reasons := map[string]int{}
	tops := map[string]*suggestion{}
	seen := map[string]bool{}
	for _, m := range g.Messages {
		for _, r := range m.Reasons {
			reasons[r]++
		}
		if m.Top != "" {
			s := tops[m.Top]
			if s == nil {
				s = &suggestion{Intent: m.Top, Title: m.TopTitle}
				tops[m.Top] = s
			}
			s.Count++
		}
		if key := intents.NormalizeExample(m.Text); key != "" && !seen[key] && slices.Contains(intents.Languages, m.Lang) {
			seen[key] = true
			g.Examples = append(g.Examples, reviewExample{Lang: m.Lang, Text: strings.TrimSpace(m.Text)})
		}
	}
	for _, r := range reviewReasons() {
		if n := reasons[r]; n > 0 {
			g.Reasons = append(g.Reasons, reasonCount{Reason: r, Count: n})
		}
	}
	for _, s := range tops {
		g.Suggested = append(g.Suggested, *s)
	}
	slices.SortFunc(g.Suggested, func(a, b suggestion) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Intent, b.Intent))
	})
	g.Suggested = g.Suggested[:min(len(g.Suggested), maxReviewSuggestions)]
}

// unanswered finds, from the analytics events of [from, to), the customer
// messages the bot did not answer confidently, in the order they were
// written: those it asked to rephrase, whether or not the customer came
// back; those escalated because nothing matched, and the first wording
// before it (asked to rephrase, also when recorded before the bot
// recorded such requests); those it asked to clarify; and those whose
// answer the customer said did not help. The last are found through the
// answer's event, and a first wording through the conversation's messages,
// either of which may be older than the range.
func (p *Panel) unanswered(ctx context.Context, from, to time.Time) ([]*reviewMessage, bool, error) {
	acts, err := p.store.Activities(ctx, dialog.ActivityFilter{From: from, To: to, WholeConversations: true})
	if err != nil {
		return nil, false, fmt.Errorf("review: analytics events: %w", err)
	}
	reasons := map[int64]map[string]bool{}
	var order []int64
	add := func(id int64, reason string) {
		if id == 0 {
			return
		}
		if reasons[id] == nil {
			reasons[id] = map[string]bool{}
			order = append(order, id)
		}
		reasons[id][reason] = true
	}
	// answered[conversation][intent] is the message last answered with it.
	answered := map[int64]map[string]int64{}
	// in[conversation] are the last two customer messages: the one of the
	// turn being recorded, and the one before it.
	in := map[int64][2]int64{}
	for _, a := range acts {
		switch a.Kind {
		case dialog.ActivityAnswered:
			if answered[a.ConversationID] == nil {
				answered[a.ConversationID] = map[string]int64{}
			}
			answered[a.ConversationID][a.Intent] = a.MessageID
		case dialog.ActivityMessageIn:
			in[a.ConversationID] = [2]int64{a.MessageID, in[a.ConversationID][0]}
		}
		if a.At.Before(from) || !a.At.Before(to) {
			continue
		}
		switch {
		case a.Kind == dialog.ActivityEscalated && a.Reason == dialog.ReasonNoMatch:
			add(a.MessageID, reasonEscalated)
			// The bot escalates for no match only on the second miss in
			// a row: the message before was the first wording, which it
			// asked to rephrase.
			if last := in[a.ConversationID]; last[0] == a.MessageID {
				add(last[1], reasonRephrased)
			}
		case a.Kind == dialog.ActivityRephraseAsked:
			add(a.MessageID, reasonRephrased)
		case a.Kind == dialog.ActivityClarifyAsked:
			add(a.MessageID, reasonClarified)
		case a.Kind == dialog.ActivityFeedback && a.Value == 0:
			add(answered[a.ConversationID][a.Intent], reasonNotHelpful)
		}
	}
	slices.Sort(order) // message ids grow as messages are written
	truncated := len(order) > maxReviewMessages
	order = order[:min(len(order), maxReviewMessages)]
	out := make([]*reviewMessage, 0, len(order))
	for _, id := range order {
		m, err := p.store.Message(ctx, id)
		if err != nil {
			return nil, false, fmt.Errorf("review: message %d: %w", id, err)
		}
		if m.Author != dialog.AuthorCustomer || strings.TrimSpace(m.Text) == "" {
			continue
		}
		rm := &reviewMessage{ID: m.ID, Text: m.Text, Lang: m.Lang, At: m.CreatedAt}
		for _, r := range reviewReasons() {
			if reasons[id][r] {
				rm.Reasons = append(rm.Reasons, r)
			}
		}
		out = append(out, rm)
	}
	return out, truncated, nil
}

// reviewPage is the data of the review page.
type reviewPage struct {
	base
	From, To string
	Range    string
	Error    *pageError // why the range was refused
	Review   *reviewData
	CanEdit  bool // an admin, with the intents directory known
	Saved    *historyRow
	History  []historyRow
	// HistoryError says why the audit log could not be read.
	HistoryError string
	Langs        []string
	LearnedFile  string
	// Health is the "Knowledge base health" section (health.go).
	Health *healthData
}

// historyRow is one line of the audit log as the page shows it.
type historyRow struct {
	intents.Change
	Examples []reviewExample
}

func (p *Panel) reviewPage(c *gin.Context) {
	data := &reviewPage{base: newBase(c, "review"), Langs: intents.Languages, LearnedFile: intents.LearnedFile}
	lang := data.Lang
	data.Title = tr(lang, "review.title")
	data.CanEdit = auth.CurrentUser(c).Role == dialog.RoleAdmin && p.learning.Dir != ""
	var from, to time.Time
	var err error
	data.From, data.To, from, to, err = p.parseDays(strings.TrimSpace(c.Query("from")), strings.TrimSpace(c.Query("to")), lang)
	p.loadHistory(data, c.Query("saved"))
	if err != nil {
		data.Error = newPageError(lang, err)
		p.render(c, httperror.Status(dialog.ErrorCode(err)), p.pages.review, "layout", data)
		return
	}
	data.Range = tr(lang, "analytics.range", data.From, to.AddDate(0, 0, -1).Format(time.DateOnly), int(to.Sub(from)/(24*time.Hour)))
	if data.Review, err = p.loadReview(c.Request.Context(), from, to, lang); err != nil {
		p.fail(c, err)
		return
	}
	data.Health = p.healthSection(c.Request.Context(), lang)
	p.render(c, http.StatusOK, p.pages.review, "layout", data)
}

// loadHistory fills in the audit log, newest first, and the change just
// saved, which the page announces: the newest whose file's checksum after
// it starts with saved.
func (p *Panel) loadHistory(data *reviewPage, saved string) {
	if p.learning.Dir == "" {
		return
	}
	changes, err := intents.ReadHistory(p.learning.Dir)
	if err != nil {
		p.log.Error("review: read the audit log", "err", err)
		data.HistoryError = tr(data.Lang, "review.history.error") // the details, with server paths, are in the log
		return
	}
	savedAt := -1
	for i := len(changes) - 1; i >= 0; i-- {
		row := historyRow{Change: changes[i]}
		for _, l := range intents.Languages {
			for _, ex := range changes[i].Added[l] {
				row.Examples = append(row.Examples, reviewExample{Lang: l, Text: ex})
			}
		}
		if savedAt < 0 && len(saved) >= savedKeyLength && strings.HasPrefix(row.SHA256After, saved) {
			savedAt = len(data.History)
		}
		data.History = append(data.History, row)
	}
	if savedAt >= 0 {
		data.Saved = &data.History[savedAt]
	}
}

// savedKeyLength is how much of the saved file's checksum the redirect
// after a save carries to name the change.
const savedKeyLength = 16

// reviewURL is the review page for a range of days, announcing the change
// whose file's checksum is saved, if any.
func reviewURL(from, to, saved string) string {
	v := url.Values{}
	if from != "" {
		v.Set("from", from)
	}
	if to != "" {
		v.Set("to", to)
	}
	if saved != "" {
		v.Set("saved", saved)
	}
	if len(v) == 0 {
		return "/panel/review"
	}
	return "/panel/review?" + v.Encode()
}

// sortChoices sorts intents by title, then id.
func sortChoices(list []intentChoice) {
	slices.SortFunc(list, func(a, b intentChoice) int {
		return cmp.Or(strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
}
