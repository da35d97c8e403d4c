package panel

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
)

// actionFunc performs one agent action with the form that asked for it.
// It returns the ticket as the action left it when the action can take the
// ticket out of the agent's sight (a transfer), and nil otherwise.
type actionFunc func(ctx context.Context, a dialog.TicketAction, form url.Values) (*dialog.Ticket, error)

// act runs an agent action from a ticket page's form: on success it
// redirects back to the ticket (so a reload does not repeat it), or to the
// queue when the agent no longer sees the ticket (transferred to a queue
// they do not work); on failure it shows the ticket again with the error,
// its status and what the agent typed. The engine refuses actions on
// tickets the agent may not see, as not found.
func (p *Panel) act(c *gin.Context, do actionFunc) {
	lang := pageLang(c)
	if err := parseForm(c, lang); err != nil {
		p.showTicket(c, httperror.Status(dialog.ErrorCode(err)), ticketForm{}, err)
		return
	}
	form := c.Request.PostForm
	kept := ticketForm{Text: form.Get("text"), Queue: form.Get("queue"), Note: form.Get("note"),
		Field: form.Get("field"), Question: form.Get("question")}
	number := c.Param("number")
	// Every form carries the version it was made from: an action on a
	// ticket that changed since must not go through unseen.
	version, err := strconv.ParseInt(form.Get("version"), 10, 64)
	if err != nil || version < 1 {
		err := panelError(dialog.EINVALID, lang, "error.no_version")
		p.showTicket(c, http.StatusBadRequest, kept, err)
		return
	}
	user := auth.CurrentUser(c)
	a := dialog.TicketAction{Number: number, Agent: user.Name, Version: version, User: user}
	t, err := do(c.Request.Context(), a, form)
	if err != nil {
		p.showTicket(c, httperror.Status(dialog.ErrorCode(err)), kept, err)
		return
	}
	if t != nil && !user.CanSeeTicket(t) {
		c.Redirect(http.StatusSeeOther, homePath)
		return
	}
	c.Redirect(http.StatusSeeOther, "/panel/tickets/"+url.PathEscape(number))
}

func (p *Panel) take(c *gin.Context) {
	p.act(c, func(ctx context.Context, a dialog.TicketAction, _ url.Values) (*dialog.Ticket, error) {
		_, err := p.engine.Take(ctx, a)
		return nil, err
	})
}

// reply sends the agent's reply to the customer; a canned reply's
// shortcut at its start is sent as the canned reply (see expandReply).
func (p *Panel) reply(c *gin.Context) {
	lang := pageLang(c)
	p.act(c, func(ctx context.Context, a dialog.TicketAction, form url.Values) (*dialog.Ticket, error) {
		text, err := p.expandCanned(ctx, a, lang, form.Get("text"))
		if err != nil {
			return nil, err
		}
		_, err = p.engine.Reply(ctx, a, text)
		return nil, err
	})
}

// wait puts the ticket on hold for the customer's answer (see
// dialog.Engine.Wait), sending the reply box's text first when there is
// any; a canned reply's shortcut is expanded as for a reply.
func (p *Panel) wait(c *gin.Context) {
	lang := pageLang(c)
	p.act(c, func(ctx context.Context, a dialog.TicketAction, form url.Values) (*dialog.Ticket, error) {
		text := form.Get("text")
		if strings.TrimSpace(text) != "" {
			var err error
			if text, err = p.expandCanned(ctx, a, lang, text); err != nil {
				return nil, err
			}
		} else {
			text = ""
		}
		_, err := p.engine.Wait(ctx, a, text)
		return nil, err
	})
}

// typing tells the customer that the agent is writing a reply (see
// dialog.Engine.AgentTyping). The reply box posts it every few seconds
// while the agent types; it answers 204 and changes nothing stored, so it
// needs no form version.
func (p *Panel) typing(c *gin.Context) {
	user := auth.CurrentUser(c)
	a := dialog.TicketAction{Number: c.Param("number"), Agent: user.Name, User: user}
	if err := p.engine.AgentTyping(c.Request.Context(), a); err != nil {
		httperror.Error(p.log, c.Writer, c.Request, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// askField sends the agent's question for a field of the ticket to the
// customer, whose next message becomes its value (see
// dialog.Engine.AskField).
func (p *Panel) askField(c *gin.Context) {
	p.act(c, func(ctx context.Context, a dialog.TicketAction, form url.Values) (*dialog.Ticket, error) {
		_, err := p.engine.AskField(ctx, a, form.Get("field"), form.Get("question"))
		return nil, err
	})
}

func (p *Panel) note(c *gin.Context) {
	p.act(c, func(ctx context.Context, a dialog.TicketAction, form url.Values) (*dialog.Ticket, error) {
		_, err := p.engine.Note(ctx, a, form.Get("text"))
		return nil, err
	})
}

func (p *Panel) transfer(c *gin.Context) {
	p.act(c, func(ctx context.Context, a dialog.TicketAction, form url.Values) (*dialog.Ticket, error) {
		return p.engine.Transfer(ctx, a, form.Get("queue"), form.Get("note"))
	})
}

func (p *Panel) closeTicket(c *gin.Context) {
	p.act(c, func(ctx context.Context, a dialog.TicketAction, _ url.Values) (*dialog.Ticket, error) {
		_, err := p.engine.Close(ctx, a)
		return nil, err
	})
}

// erase deletes the personal data of the ticket's customer (see
// dialog.Engine.Erase), for an admin who confirmed it, and records who did
// it in the log.
func (p *Panel) erase(c *gin.Context) {
	lang := pageLang(c)
	if err := parseForm(c, lang); err != nil {
		p.showTicket(c, httperror.Status(dialog.ErrorCode(err)), ticketForm{}, err)
		return
	}
	// The form says it was confirmed: a post without it (a stray
	// request, a script) erases nothing.
	if c.Request.PostForm.Get("confirm") != "erase" {
		err := panelError(dialog.EINVALID, lang, "action.erase.unconfirmed")
		p.showTicket(c, http.StatusBadRequest, ticketForm{}, err)
		return
	}
	ctx := c.Request.Context()
	t, err := p.findTicket(ctx, auth.CurrentUser(c), lang, c.Param("number"))
	if err != nil {
		p.fail(c, err)
		return
	}
	conv, err := p.engine.Erase(ctx, t.ConversationID)
	if dialog.ErrorCode(err) == dialog.ECONFLICT {
		err = panelError(dialog.ECONFLICT, lang, "action.erase.open")
	}
	if err != nil {
		p.showTicket(c, httperror.Status(dialog.ErrorCode(err)), ticketForm{}, err)
		return
	}
	p.log.Info("customer data erased from the panel", "by", auth.CurrentUser(c).Name,
		"conversation", conv.ID, "ticket", t.Number, "erased_at", conv.ErasedAt)
	c.Redirect(http.StatusSeeOther, "/panel/tickets/"+url.PathEscape(t.Number))
}
