// Package api serves the JSON API over tickets that agents' tools and
// integrations use.
package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
)

// maxList is the most tickets one list call returns.
const maxList = 500

// API is the tickets API.
type API struct {
	store dialog.Store
	log   *slog.Logger
}

// New returns the tickets API over store.
func New(store dialog.Store, log *slog.Logger) *API {
	return &API{store: store, log: log}
}

// Routes registers the API's endpoints. They answer logged-in users of any
// role, by session cookie or API token, so the router must run
// auth.Service.Middleware before them. A user sees the tickets of the
// queues they work only (dialog.User.CanSeeTicket): others are left out of
// lists and answered as not found (404).
func (a *API) Routes(r gin.IRouter) {
	g := r.Group("/api/v1/tickets", auth.Require())
	g.GET("", a.list)
	g.GET("/:number", a.get)
}

// Ticket is a ticket as the API shows it.
type Ticket struct {
	Number     string             `json:"number"`
	Status     string             `json:"status"`
	Reason     string             `json:"reason"`
	Intent     string             `json:"intent,omitempty"`
	Candidates []dialog.Candidate `json:"candidates"`
	// Fields are the details the customer gave the bot before the
	// handoff, in the order asked; an empty value was not given.
	Fields       []dialog.Field `json:"fields"`
	Priority     string         `json:"priority"`
	Queue        string         `json:"queue"`
	Channel      string         `json:"channel"`
	CustomerName string         `json:"customer_name"`
	// The e-mail and phone the customer gave (the web chat's contact
	// form), on a single ticket only; left out when not given.
	CustomerEmail  string `json:"customer_email,omitempty"`
	CustomerPhone  string `json:"customer_phone,omitempty"`
	Assignee       string `json:"assignee"`
	CSAT           int    `json:"csat,omitempty"`
	Reopens        int    `json:"reopens"`
	ConversationID int64  `json:"conversation_id"`
	// SLA deadlines and whether one was missed; null when not set.
	FirstResponseDue *time.Time `json:"first_response_due"`
	ResolutionDue    *time.Time `json:"resolution_due"`
	FirstResponseAt  *time.Time `json:"first_response_at"`
	Breached         bool       `json:"sla_breached"`
	// WaitingSince is when the ticket began waiting for the customer's
	// answer (status "waiting"); null otherwise.
	WaitingSince *time.Time `json:"waiting_since"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	ClosedAt     *time.Time `json:"closed_at"`
	Transcript   []Message  `json:"transcript,omitempty"`
}

// Message is a transcript entry as the API shows it.
type Message struct {
	ID         int64     `json:"id"`
	Author     string    `json:"author"`
	AuthorName string    `json:"author_name,omitempty"`
	Text       string    `json:"text"`
	Buttons    []string  `json:"buttons,omitempty"`
	Intent     string    `json:"intent,omitempty"`
	Confidence float64   `json:"confidence,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

func (a *API) list(ctx *gin.Context) {
	var f dialog.TicketFilter
	if s := ctx.Query("status"); s != "" {
		for _, v := range strings.Split(s, ",") {
			st := dialog.TicketStatus(v)
			if st != dialog.TicketQueued && st != dialog.TicketAssigned && st != dialog.TicketWaiting && st != dialog.TicketClosed {
				a.fail(ctx, dialog.Errorf(dialog.EINVALID, "status must be queued, assigned, waiting or closed"))
				return
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	f.Queues = auth.CurrentUser(ctx).VisibleQueues()
	f.Limit = maxList
	if s := ctx.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxList {
			a.fail(ctx, dialog.Errorf(dialog.EINVALID, "limit must be between 1 and %d", maxList))
			return
		}
		f.Limit = n
	}
	tickets, err := a.store.Tickets(ctx.Request.Context(), f)
	if err != nil {
		a.fail(ctx, err)
		return
	}
	out := make([]Ticket, 0, len(tickets))
	for _, t := range tickets {
		out = append(out, newTicket(t))
	}
	ctx.JSON(http.StatusOK, gin.H{"tickets": out})
}

func (a *API) get(ctx *gin.Context) {
	rctx := ctx.Request.Context()
	user := auth.CurrentUser(ctx)
	number := ctx.Param("number")
	t, err := a.store.TicketByNumber(rctx, number)
	if err == nil && !user.CanSeeTicket(t) {
		// As if there were no such ticket: its existence is not the
		// caller's to know either.
		err = dialog.Errorf(dialog.ENOTFOUND, "ticket %s not found", number)
	}
	if err != nil {
		a.fail(ctx, err)
		return
	}
	msgs, err := a.store.Messages(rctx, dialog.MessageFilter{ConversationID: t.ConversationID})
	if err != nil {
		a.fail(ctx, err)
		return
	}
	tickets, err := a.store.Tickets(rctx, dialog.TicketFilter{ConversationID: t.ConversationID})
	if err != nil {
		a.fail(ctx, err)
		return
	}
	conv, err := a.store.Conversation(rctx, t.ConversationID)
	if err != nil {
		a.fail(ctx, err)
		return
	}
	out := newTicket(t)
	out.CustomerEmail, out.CustomerPhone = conv.CustomerEmail, conv.CustomerPhone
	out.Transcript = []Message{}
	for _, m := range msgs {
		// A closed ticket's transcript ends where the ticket did.
		if !t.ClosedAt.IsZero() && m.CreatedAt.After(t.ClosedAt) && m.TicketID != t.ID {
			break
		}
		// What was written under the customer's tickets in other queues
		// stays with them.
		if !user.CanSeeMessage(m, tickets) {
			continue
		}
		out.Transcript = append(out.Transcript, Message{
			ID: m.ID, Author: string(m.Author), AuthorName: m.AuthorName, Text: m.Text,
			Buttons: m.Buttons, Intent: m.Intent, Confidence: m.Confidence, CreatedAt: m.CreatedAt,
		})
	}
	ctx.JSON(http.StatusOK, out)
}

func newTicket(t *dialog.Ticket) Ticket {
	out := Ticket{
		Number: t.Number, Status: string(t.Status), Reason: t.Reason, Intent: t.Intent,
		Candidates: t.Candidates, Priority: t.Priority, Queue: t.Queue, Channel: t.Channel,
		CustomerName: t.CustomerName, Assignee: t.Assignee, CSAT: t.CSAT,
		ConversationID: t.ConversationID, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}
	if out.Candidates == nil {
		out.Candidates = []dialog.Candidate{}
	}
	out.Fields = t.Fields
	if out.Fields == nil {
		out.Fields = []dialog.Field{}
	}
	out.Reopens = t.Reopens
	out.ClosedAt = timeOrNil(t.ClosedAt)
	out.FirstResponseDue = timeOrNil(t.FirstResponseDue)
	out.ResolutionDue = timeOrNil(t.ResolutionDue)
	out.FirstResponseAt = timeOrNil(t.FirstResponseAt)
	out.Breached = t.Breached(time.Now())
	out.WaitingSince = timeOrNil(t.WaitingSince)
	return out
}

// timeOrNil makes a zero time a JSON null.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// fail answers with the error; see httperror.Error.
func (a *API) fail(ctx *gin.Context, err error) {
	httperror.Error(a.log, ctx.Writer, ctx.Request, err)
	ctx.Abort()
}
