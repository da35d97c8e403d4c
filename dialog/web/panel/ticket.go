package panel

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
	"github.com/firstline-support/firstline/intents"
)

// ticketPage is the data of the ticket page.
type ticketPage struct {
	base
	Ticket       *dialog.Ticket
	Version      string // the ticket's version, carried by every form
	Conversation *dialog.Conversation
	Why          string
	Candidates   []candidateView
	Messages     []messageView
	Others       []*dialog.Ticket // the customer's other tickets in this conversation, newest first
	Canned       []cannedView
	Queues       []string // where the ticket can be transferred to
	// TransferLeaves says some of Queues are queues the viewer does not
	// work: a transfer there takes the ticket out of their sight.
	TransferLeaves bool
	Can            permissions
	// FieldQuestions are the fields the agent may ask the customer for
	// by name, with the question in the customer's language.
	FieldQuestions []fieldQuestion
	// FieldLabels name the ticket's fields for the viewer: the question
	// that asks for each, in the panel's language, by field name; a field
	// no question asks any more is shown by its name.
	FieldLabels map[string]string
	// WaitingField is the field an agent asked the customer for and the
	// customer has not answered yet; "" when none.
	WaitingField string
	Form         ticketForm // what the agent typed, kept when an action fails
	Error        *pageError // why the last action failed
	// Incident is the incident the ticket is linked to; nil for none.
	Incident *dialog.Incident
}

// permissions say which actions the page offers the viewer.
type permissions struct {
	Work     bool   // the role works tickets at all; analysts only read
	Take     bool   // nobody has the ticket
	Reply    bool   // the viewer may write to the customer
	Wait     bool   // the viewer may put the ticket on hold for the customer's answer
	Transfer bool   // the ticket is open
	Close    bool   // the ticket is open
	HeldBy   string // another agent who has the ticket, if any
	// Erase: an admin may erase the customer's personal data; not while a
	// ticket of the conversation is open, nor once it is erased.
	Erase bool
	// EraseOpen: an admin would erase, but a ticket is open.
	EraseOpen bool
}

// ticketForm is what the agent typed into the page's forms.
type ticketForm struct {
	Text     string // the reply or note
	Queue    string // the transfer's queue
	Note     string // the transfer's note
	Field    string // the name of the field asked for
	Question string // the question asking for it
}

// fieldQuestion is a field the knowledge base asks for, as the form that
// asks the customer for it offers it.
type fieldQuestion struct {
	Name string
	Ask  string // in the customer's language
}

// candidateView is an intent the bot considered.
type candidateView struct {
	Intent     string
	Title      string
	Confidence float64
}

// messageView is a transcript entry as the page shows it.
type messageView struct {
	*dialog.Message
	Lang        string
	IntentTitle string
	OtherTicket string // the number of another ticket the message was written under
}

// cannedView is a canned reply rendered for the ticket at hand.
type cannedView struct {
	Shortcut string
	Title    string
	Text     string
}

// transcriptPage is the data of the transcript fragment.
type transcriptPage struct {
	Lang     string
	Messages []messageView
}

func (p *Panel) ticketPage(c *gin.Context) {
	p.showTicket(c, http.StatusOK, ticketForm{}, nil)
}

// showTicket renders the ticket page with status; after a failed action,
// with the error and the agent's text.
func (p *Panel) showTicket(c *gin.Context, status int, form ticketForm, actionErr error) {
	data, err := p.loadTicket(c, c.Param("number"))
	if err != nil {
		p.fail(c, err)
		return
	}
	data.Form = form
	if actionErr != nil {
		data.Error = newPageError(data.Lang, actionErr)
		httperror.Log(p.log, c.Request, actionErr)
	}
	p.render(c, status, p.pages.ticket, "layout", data)
}

// findTicket returns the ticket with number, or a not-found error in lang
// when there is none or user may not see it.
func (p *Panel) findTicket(ctx context.Context, user *dialog.User, lang, number string) (*dialog.Ticket, error) {
	t, err := p.store.TicketByNumber(ctx, number)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND || err == nil && !user.CanSeeTicket(t) {
		return nil, panelError(dialog.ENOTFOUND, lang, "error.no_ticket", number)
	} else if err != nil {
		return nil, fmt.Errorf("get ticket %s: %w", number, err)
	}
	return t, nil
}

// loadTicket reads everything the ticket page shows.
func (p *Panel) loadTicket(c *gin.Context, number string) (*ticketPage, error) {
	ctx := c.Request.Context()
	data := &ticketPage{base: newBase(c, "queue")}
	lang := data.Lang
	user := auth.CurrentUser(c)
	t, err := p.findTicket(ctx, user, lang, number)
	if err != nil {
		return nil, err
	}
	data.Ticket = t
	data.Version = formatVersion(t.Version)
	data.Title = tr(lang, "ticket.title", t.Number)
	data.Path = "/panel/tickets/" + t.Number
	if data.Conversation, err = p.store.Conversation(ctx, t.ConversationID); err != nil {
		return nil, fmt.Errorf("get conversation of ticket %s: %w", t.Number, err)
	}
	if t.IncidentID != 0 {
		if data.Incident, err = p.store.Incident(ctx, t.IncidentID); err != nil {
			return nil, fmt.Errorf("get incident of ticket %s: %w", t.Number, err)
		}
	}
	msgs, err := p.store.Messages(ctx, dialog.MessageFilter{ConversationID: t.ConversationID})
	if err != nil {
		return nil, fmt.Errorf("get transcript of ticket %s: %w", t.Number, err)
	}
	all, err := p.store.Tickets(ctx, dialog.TicketFilter{ConversationID: t.ConversationID})
	if err != nil {
		return nil, fmt.Errorf("get tickets of conversation %d: %w", t.ConversationID, err)
	}
	// The customer's tickets in queues the viewer does not work, and what
	// was written under them, stay out of the page.
	msgs = visibleMessages(user, msgs, all)
	all = visibleTickets(user, all)
	if err := p.withAttachments(ctx, msgs); err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.ID != t.ID {
			data.Others = append(data.Others, o)
		}
	}

	data.Can = ticketPermissions(user, t)
	if user.Role == dialog.RoleAdmin && !data.Conversation.Erased() {
		open := data.Conversation.State == dialog.StateQueued || data.Conversation.State == dialog.StateAgent
		data.Can.Erase, data.Can.EraseOpen = !open, open
	}
	p.withSet(func(set *intents.Set) {
		data.Why = whyText(lang, t, set)
		for _, cand := range t.Candidates {
			data.Candidates = append(data.Candidates, candidateView{
				Intent: cand.Intent, Title: intentTitle(set, cand.Intent, lang), Confidence: cand.Confidence,
			})
		}
		data.Messages = messageViews(lang, t, all, msgs, set)
		if data.Can.Work && t.Open() {
			data.Canned = cannedViews(set, lang, data.Conversation, t, user)
		}
		customerLang := data.Conversation.Lang
		data.FieldLabels = map[string]string{}
		for _, q := range dialog.FieldQuestions(set, t.Intent) {
			data.FieldQuestions = append(data.FieldQuestions, fieldQuestion{Name: q.Name, Ask: q.Ask.Get(customerLang)})
			data.FieldLabels[q.Name] = fieldLabel(q.Ask.Get(lang))
		}
	})
	if c := data.Conversation; c.Pending == dialog.PendingField && len(c.PendingOptions) > 0 && c.TicketID == t.ID {
		data.WaitingField = c.PendingOptions[0]
	}
	if data.Can.Work && t.Open() {
		for _, q := range p.engine.Config().Queues {
			if q != t.Queue {
				data.Queues = append(data.Queues, q)
				data.TransferLeaves = data.TransferLeaves || !user.CanSeeQueue(q)
			}
		}
	}
	return data, nil
}

// withSet runs fn with the knowledge base's intents in use (nil before
// one is loaded), holding it only as long as fn runs.
func (p *Panel) withSet(fn func(set *intents.Set)) {
	k, release := p.kb.Acquire()
	defer release()
	var set *intents.Set
	if k != nil {
		set = k.Set()
	}
	fn(set)
}

// ticketPermissions works out what user may do to t.
func ticketPermissions(user *dialog.User, t *dialog.Ticket) permissions {
	var can permissions
	if !user.Role.CanWorkTickets() {
		return can
	}
	can.Work = true
	if !t.Open() {
		return can
	}
	mine := t.Held() && t.Assignee == user.Name
	can.Take = t.Status == dialog.TicketQueued
	can.Reply = can.Take || mine
	can.Wait = can.Reply && t.Status != dialog.TicketWaiting
	can.Transfer = true
	can.Close = true
	if t.Held() && !mine {
		can.HeldBy = t.Assignee
	}
	return can
}

// whyText says in words why the bot handed the conversation over.
func whyText(lang string, t *dialog.Ticket, set *intents.Set) string {
	switch t.Reason {
	case dialog.ReasonNoMatch:
		return tr(lang, "why.no_match")
	case dialog.ReasonIntent:
		return tr(lang, "why.intent", intentTitle(set, t.Intent, lang))
	case dialog.ReasonNotHelpful:
		return tr(lang, "why.not_helpful", intentTitle(set, t.Intent, lang))
	case dialog.ReasonCustomerAsk:
		return tr(lang, "why.customer_ask")
	}
	return tr(lang, "why.other", t.Reason)
}

// intentTitle is an intent's title in lang, or its id when the knowledge
// base no longer has it.
func intentTitle(set *intents.Set, id, lang string) string {
	if set != nil {
		if in := set.Intent(id); in != nil {
			return in.TitleFor(lang)
		}
	}
	return id
}

// messageViews prepares a transcript for display. tickets are the
// conversation's tickets, to name the one a message was written under
// when it is not t.
func messageViews(lang string, t *dialog.Ticket, tickets []*dialog.Ticket, msgs []*dialog.Message, set *intents.Set) []messageView {
	numbers := map[int64]string{}
	for _, o := range tickets {
		numbers[o.ID] = o.Number
	}
	out := make([]messageView, 0, len(msgs))
	for _, m := range msgs {
		v := messageView{Message: m, Lang: lang}
		if m.Intent != "" {
			v.IntentTitle = intentTitle(set, m.Intent, lang)
		}
		if m.TicketID != 0 && m.TicketID != t.ID {
			v.OtherTicket = numbers[m.TicketID]
		}
		out = append(out, v)
	}
	return out
}

// cannedViews renders the canned replies for the ticket, in the
// customer's language, signed by the viewer, in the knowledge base's
// order; titles are in the panel's language.
func cannedViews(set *intents.Set, lang string, conv *dialog.Conversation, t *dialog.Ticket, user *dialog.User) []cannedView {
	if set == nil {
		return nil
	}
	vars := intents.Vars{
		"name":       conv.CustomerName,
		"first_name": firstName(conv.CustomerName),
		"ticket":     t.Number,
		"agent":      user.Name,
	}
	out := make([]cannedView, 0, len(set.Canned))
	for _, cn := range set.Canned {
		out = append(out, cannedView{Shortcut: cn.Shortcut, Title: cn.TitleFor(lang), Text: cn.Render(conv.Lang, vars)})
	}
	return out
}

// firstName is the first word of a customer's name, as the engine's
// templates use it.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// transcript returns the transcript entries after a message id, as HTML
// to append to the page.
func (p *Panel) transcript(c *gin.Context) {
	ctx := c.Request.Context()
	lang := pageLang(c)
	after, err := strconv.ParseInt(c.DefaultQuery("after", "0"), 10, 64)
	if err != nil || after < 0 {
		p.fail(c, panelError(dialog.EINVALID, lang, "error.after"))
		return
	}
	user := auth.CurrentUser(c)
	t, err := p.findTicket(ctx, user, lang, c.Param("number"))
	if err != nil {
		p.fail(c, err)
		return
	}
	msgs, err := p.store.Messages(ctx, dialog.MessageFilter{ConversationID: t.ConversationID, AfterID: after})
	if err != nil {
		p.fail(c, fmt.Errorf("get transcript of ticket %s: %w", t.Number, err))
		return
	}
	var tickets []*dialog.Ticket
	if len(msgs) > 0 {
		if tickets, err = p.store.Tickets(ctx, dialog.TicketFilter{ConversationID: t.ConversationID}); err != nil {
			p.fail(c, fmt.Errorf("get tickets of conversation %d: %w", t.ConversationID, err))
			return
		}
		msgs = visibleMessages(user, msgs, tickets)
		tickets = visibleTickets(user, tickets)
	}
	if err := p.withAttachments(ctx, msgs); err != nil {
		p.fail(c, err)
		return
	}
	data := transcriptPage{Lang: lang}
	p.withSet(func(set *intents.Set) { data.Messages = messageViews(lang, t, tickets, msgs, set) })
	p.render(c, http.StatusOK, p.pages.ticket, "transcript", data)
}

// fieldLabel makes a question a label: "Номер договора?" → "Номер
// договора".
func fieldLabel(question string) string {
	return strings.TrimRight(strings.TrimSpace(question), "?？: ")
}
