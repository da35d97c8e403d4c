package dialog

// A queue is an access boundary. Agents see, and work, only the tickets of
// the queues they work (User.Queues; none means every queue); admins and
// analysts see every ticket. Whatever shows a ticket or acts on one — the
// panel, the tickets API, live events, attachments and the engine's agent
// actions — asks here, and a ticket a user may not see is treated as one
// that does not exist (ENOTFOUND), so that its existence does not leak.

// seesAll reports whether u sees the tickets of every queue.
func (u *User) seesAll() bool {
	return u.Role != RoleAgent || len(u.Queues) == 0
}

// CanSeeQueue reports whether u sees the tickets of queue.
func (u *User) CanSeeQueue(queue string) bool {
	return u.seesAll() || u.WorksQueue(queue)
}

// CanSeeTicket reports whether u may see t and, when u's role works
// tickets, act on it.
func (u *User) CanSeeTicket(t *Ticket) bool {
	return u.CanSeeQueue(t.Queue)
}

// VisibleQueues is the TicketFilter.Queues that lists the tickets u may
// see: nil when u sees every queue.
func (u *User) VisibleQueues() []string {
	if u.seesAll() {
		return nil
	}
	return append([]string(nil), u.Queues...)
}

// CanSeeMessage reports whether u sees m, a message of the conversation
// whose tickets are tickets. A message written while a ticket was open
// goes with that ticket; one written while there was none (to the bot)
// goes with the conversation, which u sees through any ticket of it u
// may see.
func (u *User) CanSeeMessage(m *Message, tickets []*Ticket) bool {
	if u.seesAll() {
		return true
	}
	for _, t := range tickets {
		if (m.TicketID == 0 || m.TicketID == t.ID) && u.CanSeeTicket(t) {
			return true
		}
	}
	return false
}

// CanSeeEvent reports whether a live event may go to u. An event about a
// ticket goes to those who see its queue, and on a transfer also to those
// who saw the queue it left, so that their views drop it; an event that
// names no ticket carries nothing of one.
func (u *User) CanSeeEvent(e Event) bool {
	if e.TicketID == 0 && e.TicketNumber == "" {
		return true
	}
	return u.CanSeeQueue(e.Queue) || e.FromQueue != "" && u.CanSeeQueue(e.FromQueue)
}
