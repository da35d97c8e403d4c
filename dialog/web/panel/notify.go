package panel

import "github.com/firstline-support/firstline/dialog"

// streamNotice is what a page shows as a browser notification: news for
// the stream's user (see Panel.notice).
type streamNotice struct {
	// Kind is "ticket" for a new ticket in the user's queue, "reply" for
	// the customer writing on the user's ticket.
	Kind     string `json:"kind"`
	Ticket   string `json:"ticket"`
	Queue    string `json:"queue"` // the queue's name in the page's language
	Customer string `json:"customer,omitempty"`
	Preview  string `json:"preview,omitempty"`
}

// Notification kinds, as pages read them.
const (
	noticeTicket = "ticket"
	noticeReply  = "reply"
)

// notice is the notification e is for u, or nil when it is none of u's
// business: a new ticket, or one transferred into a queue, goes to those
// who work the queue (to its assignee alone when it was assigned at
// once), except to whoever transferred it; the customer's message to the
// ticket's assignee. Analysts, who work no tickets, get none; nobody
// gets one about a ticket they may not see. What the customer wrote thus
// reaches only those who may read the ticket anyway. An agent's own
// actions never make a notice: only customers' messages do.
func (p *Panel) notice(u *dialog.User, e dialog.Event, lang string) *streamNotice {
	if u == nil || e.Notice == "" || e.TicketNumber == "" || u.Role == dialog.RoleAnalyst || !u.CanSeeQueue(e.Queue) ||
		e.By != "" && e.By == u.Name {
		return nil
	}
	var kind string
	switch e.Notice {
	case dialog.NoticeNewTicket:
		if !u.WorksQueue(e.Queue) || e.Assignee != "" && e.Assignee != u.Name {
			return nil
		}
		kind = noticeTicket
	case dialog.NoticeCustomerMessage:
		if e.Assignee == "" || e.Assignee != u.Name {
			return nil
		}
		kind = noticeReply
	default:
		return nil
	}
	return &streamNotice{
		Kind:     kind,
		Ticket:   e.TicketNumber,
		Queue:    p.queues.name(lang, e.Queue),
		Customer: e.Customer,
		Preview:  e.Preview,
	}
}
