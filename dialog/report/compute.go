package report

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// contact is one contact as the events tell it.
type contact struct {
	start        time.Time
	lastActivity time.Time // the last customer message or ticket close in it
	end          time.Time // lastActivity + gap, once ended
	ended        bool
	next         *contact // the conversation's next contact

	channel, lang, intent string

	intentAnswered bool // intent is the first answer's
	answered       bool
	helpful        bool
	incident       bool // the bot told the customer of a known incident
	escalated      bool
	reason         string // of the first escalation
	ticket         *cycle // the first escalation's

	answers  []*answer
	feedback []*dialog.Activity
	asks     []*ask

	messagesIn, bot, agent, system int
}

// answer is one answer the bot sent, and whether the contact escalated
// after it.
type answer struct {
	intent    string
	escalated bool
}

// ask is one clarification question, and whether the customer picked an
// option.
type ask struct {
	picked bool
}

// cycle is a ticket from one escalation to its close: a reopened ticket
// starts a cycle of its own.
type cycle struct {
	start                 time.Time
	channel, lang, intent string
	queue, agent          string
	reopen                bool   // this escalation reopened the ticket
	previous              *cycle // the ticket's cycle before, if recorded
	reopenedLater         bool
	firstResponseDue      time.Time
	resolutionDue         time.Time
	firstResponse         time.Time
	closed                time.Time
	csat                  int
	// stretches are the queues the ticket was in since start, each from
	// when it entered it: what its working time is counted by.
	stretches []stretch
	// waitingSince is when the ticket began waiting for the customer;
	// zero when it does not wait. Its SLA clock stands still meanwhile.
	waitingSince time.Time
}

// stretch is a time from which a ticket was in a queue.
type stretch struct {
	from  time.Time
	queue string
}

// conversation is what is being followed in one conversation.
type conversation struct {
	contacts []*contact
	current  *contact // the open contact
	open     *cycle   // the open ticket
	lastAsk  *ask     // the last clarification asked and not yet answered
	answered *contact // the contact of the last answer
}

// state follows every conversation through its events.
type state struct {
	opts   Options
	cycles []*cycle
	// tickets holds each ticket's latest cycle.
	tickets map[int64]*cycle
}

// Compute makes the report for opts from events, which must hold every
// event of each conversation active in the range from its first event on,
// in id order (see dialog.ActivityFilter.WholeConversations). Events after
// opts.Now are left out.
func Compute(events []*dialog.Activity, opts Options) (*Report, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	return computeChecked(events, opts), nil
}

// computeChecked is Compute for options already checked.
func computeChecked(events []*dialog.Activity, opts Options) *Report {
	st, contacts := followAll(events, opts)
	return st.report(contacts, st.cycles, opts.From, opts.To)
}

// followAll follows every conversation of events up to opts.Now and
// returns the state, which holds every ticket cycle, and every contact, of
// any time.
func followAll(events []*dialog.Activity, opts Options) (*state, []*contact) {
	byConversation := map[int64][]*dialog.Activity{}
	var order []int64
	for _, e := range events {
		if e.At.After(opts.Now) {
			continue
		}
		if _, ok := byConversation[e.ConversationID]; !ok {
			order = append(order, e.ConversationID)
		}
		byConversation[e.ConversationID] = append(byConversation[e.ConversationID], e)
	}
	st := &state{opts: opts, tickets: map[int64]*cycle{}}
	var contacts []*contact
	for _, id := range order {
		list := byConversation[id]
		slices.SortStableFunc(list, func(a, b *dialog.Activity) int { return cmp.Compare(a.ID, b.ID) })
		contacts = append(contacts, st.follow(list)...)
	}
	return st, contacts
}

// report makes the report of [from, to) from contacts and cycles: those
// that started in it and that the filter keeps are counted, the rest left
// out.
func (st *state) report(contacts []*contact, cycles []*cycle, from, to time.Time) *Report {
	opts := st.opts
	r := &Report{
		From:         from,
		To:           to,
		Now:          opts.Now,
		ContactGap:   opts.ContactGap,
		WorkingTime:  len(opts.Hours) > 0,
		ReopenWindow: opts.ReopenWindow,
		Filter:       opts.Filter,
	}
	var kept []*contact
	for _, c := range contacts {
		if inRange(c.start, from, to) && opts.Filter.keepsContact(c) {
			kept = append(kept, c)
		}
	}
	r.Contacts = st.contactFigures(kept)
	r.Intents = intentFigures(kept, opts.Filter.Intent)

	var tickets []*cycle
	for _, c := range cycles {
		if inRange(c.start, from, to) && opts.Filter.keepsTicket(c) {
			tickets = append(tickets, c)
		}
	}
	r.Tickets = st.ticketFigures("", tickets)
	r.Agents = st.groupTickets(tickets, func(c *cycle) string { return c.agent })
	r.Queues = st.groupTickets(tickets, func(c *cycle) string { return c.queue })
	return r
}

// inRange reports whether t is within [from, to).
func inRange(t, from, to time.Time) bool {
	return !t.Before(from) && t.Before(to)
}

// follow goes through one conversation's events in order and returns its
// contacts.
//
// A customer message starts a contact when none is open, unless it was
// sent while a ticket was open or rates a closed one (it carries a
// ticket): such a message belongs to the ticket's contact, if that is
// still open, and otherwise to none. A contact is open while a ticket
// escalated in it is open, and until ContactGap has passed since its last
// customer message or ticket close, whichever came later. Every other
// event belongs to the contact open when it happened, if any; ticket
// events also go to the ticket's cycle.
//
// A customer message whose turn answers "did this help?" continues the
// contact of the answer it replies to, however late it comes, as long as
// no other contact has started since: the reply is about that answer, not
// a new matter.
func (st *state) follow(events []*dialog.Activity) []*contact {
	cv := &conversation{}
	gap := st.opts.ContactGap
	replies := feedbackTurns(events)
	for _, e := range events {
		if e.Kind == dialog.ActivityMessageIn && e.TicketID == 0 && replies[e.MessageID] &&
			cv.answered != nil && cv.answered == cv.contacts[len(cv.contacts)-1] {
			c := cv.answered
			c.lastActivity, c.end, c.ended = e.At, time.Time{}, false
			cv.current = c
		}
		if c := cv.current; c != nil && cv.open == nil && !e.At.Before(c.lastActivity.Add(gap)) {
			c.end, c.ended = c.lastActivity.Add(gap), true
			cv.current = nil
		}
		if e.Kind == dialog.ActivityMessageIn && cv.current == nil && e.TicketID == 0 {
			c := &contact{start: e.At, lastActivity: e.At, channel: e.Channel, lang: e.Lang}
			if n := len(cv.contacts); n > 0 {
				cv.contacts[n-1].next = c
			}
			cv.contacts = append(cv.contacts, c)
			cv.current = c
		} else if e.Kind == dialog.ActivityMessageIn && cv.current != nil {
			cv.current.lastActivity = e.At
		}
		st.ticketEvent(cv, e)
		if cv.current != nil {
			contactEvent(cv, cv.current, e)
		}
	}
	if c := cv.current; c != nil && cv.open == nil && !st.opts.Now.Before(c.lastActivity.Add(gap)) {
		c.end, c.ended = c.lastActivity.Add(gap), true
	}
	return cv.contacts
}

// feedbackTurns returns the customer messages whose turns recorded an
// answer to "did this help?".
func feedbackTurns(events []*dialog.Activity) map[int64]bool {
	turns := map[int64]bool{}
	for _, e := range events {
		if e.Kind == dialog.ActivityFeedback && e.MessageID != 0 {
			turns[e.MessageID] = true
		}
	}
	return turns
}

// contactEvent counts e in its contact c.
func contactEvent(cv *conversation, c *contact, e *dialog.Activity) {
	switch e.Kind {
	case dialog.ActivityMessageIn:
		c.messagesIn++
	case dialog.ActivityMessageOut:
		switch e.Author {
		case dialog.AuthorBot:
			c.bot++
		case dialog.AuthorAgent:
			c.agent++
		case dialog.AuthorSystem:
			c.system++
		}
	case dialog.ActivityAnswered:
		c.answered = true
		// The first answer's intent is the contact's, even over an
		// escalation's recorded before it.
		if !c.intentAnswered {
			c.intent, c.intentAnswered = e.Intent, true
		}
		c.answers = append(c.answers, &answer{intent: e.Intent})
		cv.answered = c
	case dialog.ActivityFeedback:
		if e.Value == 1 {
			c.helpful = true
		}
		c.feedback = append(c.feedback, e)
	case dialog.ActivityIncidentNotice:
		c.incident = true
		if !c.intentAnswered {
			c.intent, c.intentAnswered = e.Intent, true
		}
	case dialog.ActivityClarifyAsked:
		a := &ask{}
		c.asks = append(c.asks, a)
		cv.lastAsk = a
	case dialog.ActivityClarifyAnswered:
		// The engine takes a pick only for the options of the last
		// question, and once.
		if cv.lastAsk != nil {
			cv.lastAsk.picked = true
			cv.lastAsk = nil
		}
	case dialog.ActivityEscalated:
		if !c.escalated {
			c.escalated, c.reason, c.ticket = true, e.Reason, cv.open
			if !c.intentAnswered {
				c.intent = escalationIntent(e)
			}
		}
		for _, a := range c.answers {
			a.escalated = true
		}
	case dialog.ActivityClosed:
		if e.At.After(c.lastActivity) {
			c.lastActivity = e.At
		}
	}
}

// escalationIntent is the intent an escalation is attributed to: none
// when nothing matched, as its intent is then only the matcher's
// unconfident guess, kept on the ticket for the agent.
func escalationIntent(e *dialog.Activity) string {
	if e.Reason == dialog.ReasonNoMatch {
		return ""
	}
	return e.Intent
}

// ticketEvent follows a ticket's cycles. Events about tickets escalated
// before events were recorded have no cycle and are left out.
func (st *state) ticketEvent(cv *conversation, e *dialog.Activity) {
	if e.Kind == dialog.ActivityEscalated {
		c := &cycle{
			start:            e.At,
			channel:          e.Channel,
			lang:             e.Lang,
			intent:           escalationIntent(e),
			queue:            e.Queue,
			previous:         st.tickets[e.TicketID],
			firstResponseDue: e.FirstResponseDue,
			resolutionDue:    e.ResolutionDue,
			stretches:        []stretch{{e.At, e.Queue}},
		}
		st.cycles = append(st.cycles, c)
		st.tickets[e.TicketID] = c
		cv.open = c
		return
	}
	c := st.tickets[e.TicketID]
	if c == nil || e.TicketID == 0 {
		return
	}
	switch e.Kind {
	case dialog.ActivityReopened:
		c.reopen = true
		if c.previous != nil {
			c.previous.reopenedLater = true
		}
	case dialog.ActivityAssigned:
		c.agent, c.queue = e.Agent, e.Queue
	case dialog.ActivityTransferred:
		c.agent, c.queue = "", e.Queue
		c.stretches = append(c.stretches, stretch{e.At, e.Queue})
		// A transfer moves the deadlines to the new queue's hours; events
		// recorded before it did so carry none, and the old ones stand.
		if !e.FirstResponseDue.IsZero() {
			c.firstResponseDue = e.FirstResponseDue
		}
		if !e.ResolutionDue.IsZero() {
			c.resolutionDue = e.ResolutionDue
		}
	case dialog.ActivityFirstResponse:
		if c.firstResponse.IsZero() {
			c.firstResponse = e.At
		}
	case dialog.ActivityWaiting:
		c.waitingSince = e.At
	case dialog.ActivityWaitingEnded:
		// The engine moved the deadlines on by the time waited.
		c.waitingSince = time.Time{}
		c.firstResponseDue, c.resolutionDue = e.FirstResponseDue, e.ResolutionDue
	case dialog.ActivityClosed:
		c.closed, c.agent, c.queue = e.At, e.Agent, e.Queue
		if cv.open == c {
			cv.open = nil
		}
	case dialog.ActivityCSAT:
		if !c.closed.IsZero() {
			c.csat = e.Value
		}
	}
}

// keepsContact reports whether the filter keeps c.
func (f Filter) keepsContact(c *contact) bool {
	var queue, agent string
	if c.ticket != nil {
		queue, agent = c.ticket.queue, c.ticket.agent
	}
	return f.keeps(c.channel, c.lang, c.intent, queue, agent)
}

// keepsTicket reports whether the filter keeps c.
func (f Filter) keepsTicket(c *cycle) bool {
	return f.keeps(c.channel, c.lang, c.intent, c.queue, c.agent)
}

func (f Filter) keeps(channel, lang, intent, queue, agent string) bool {
	match := func(want, got string) bool { return want == "" || want == got }
	return match(f.Channel, channel) && match(f.Lang, lang) && match(f.Intent, intent) &&
		match(f.Queue, queue) && match(f.Agent, agent)
}

// outcome is how a contact ended; see Contacts.
type outcome int

const (
	outcomeEscalated outcome = iota
	outcomeConfirmed
	outcomeAssumed
	outcomeReturned
	outcomeUnanswered
	outcomePending
	outcomeIncident
)

// outcome tells how c ended. The cases are tried in order, so each
// contact gets exactly one.
func (st *state) outcome(c *contact) outcome {
	window := st.opts.ReopenWindow
	switch {
	case c.escalated:
		return outcomeEscalated
	case !c.ended:
		return outcomePending
	case c.incident:
		return outcomeIncident
	case c.helpful:
		return outcomeConfirmed
	case !c.answered:
		return outcomeUnanswered
	case c.next != nil && !c.next.start.After(c.end.Add(window)):
		return outcomeReturned
	case st.opts.Now.After(c.end.Add(window)):
		return outcomeAssumed
	}
	return outcomePending
}

// contactFigures counts the outcomes, reasons, clarifications and
// messages of contacts.
func (st *state) contactFigures(contacts []*contact) Contacts {
	n := len(contacts)
	f := Contacts{Total: n}
	share := func() Ratio { return Ratio{Den: n} }
	f.Escalated, f.Confirmed, f.Assumed, f.Returned, f.Unanswered, f.Pending, f.Deflected, f.Answered =
		share(), share(), share(), share(), share(), share(), share(), share()
	f.Incident = share()
	byReason := map[string]int{}
	for _, c := range contacts {
		switch st.outcome(c) {
		case outcomeEscalated:
			f.Escalated.Num++
			byReason[c.reason]++
		case outcomeConfirmed:
			f.Confirmed.Num++
			f.Deflected.Num++
		case outcomeAssumed:
			f.Assumed.Num++
			f.Deflected.Num++
		case outcomeReturned:
			f.Returned.Num++
		case outcomeUnanswered:
			f.Unanswered.Num++
		case outcomePending:
			f.Pending.Num++
		case outcomeIncident:
			f.Incident.Num++
			f.Deflected.Num++
		}
		if c.answered {
			f.Answered.Num++
		}
		for _, a := range c.asks {
			f.Clarified.Den++
			if a.picked {
				f.Clarified.Num++
			}
		}
		f.MessagesIn += c.messagesIn
		f.BotMessages += c.bot
		f.AgentMessages += c.agent
		f.SystemMessages += c.system
	}
	for _, reason := range reasons() {
		f.Reasons = append(f.Reasons, ReasonRatio{Reason: reason, Ratio: Ratio{Num: byReason[reason], Den: n}})
		delete(byReason, reason)
	}
	// Reasons this program does not know (from a newer one) still count.
	for _, reason := range slices.Sorted(maps.Keys(byReason)) {
		f.Reasons = append(f.Reasons, ReasonRatio{Reason: reason, Ratio: Ratio{Num: byReason[reason], Den: n}})
	}
	return f
}

// intentFigures counts the contacts, answers and feedback per intent,
// most answered first; only intent's when it is set.
func intentFigures(contacts []*contact, intent string) []Intent {
	byIntent := map[string]*Intent{}
	get := func(id string) *Intent {
		if byIntent[id] == nil {
			byIntent[id] = &Intent{Intent: id}
		}
		return byIntent[id]
	}
	for _, c := range contacts {
		if c.intent != "" {
			get(c.intent).Contacts++
		}
		for _, a := range c.answers {
			in := get(a.intent)
			in.Answered++
			in.EscalatedAfter.Den++
			if a.escalated {
				in.EscalatedAfter.Num++
			}
		}
		for _, e := range c.feedback {
			in := get(e.Intent)
			in.Helpful.Den++
			if e.Value == 1 {
				in.Helpful.Num++
			}
		}
	}
	list := []Intent{}
	for id, in := range byIntent {
		if intent == "" || id == intent {
			list = append(list, *in)
		}
	}
	slices.SortFunc(list, func(a, b Intent) int {
		return cmp.Or(cmp.Compare(b.Answered, a.Answered), cmp.Compare(a.Intent, b.Intent))
	})
	return list
}

// ticketFigures computes the ticket figures of cycles under name.
func (st *state) ticketFigures(name string, cycles []*cycle) Tickets {
	now := st.opts.Now
	f := Tickets{Name: name, Tickets: len(cycles)}
	var firstResponse, resolution []time.Duration
	late := func(due, at time.Time) bool { return !due.IsZero() && at.After(due) }
	for _, c := range cycles {
		if c.reopen {
			f.Reopens++
		} else {
			f.Created++
		}
		resolved := now
		if !c.waitingSince.IsZero() {
			resolved = c.waitingSince // the SLA clock stands still
		}
		if !c.closed.IsZero() {
			resolved = c.closed
			f.Closed++
			resolution = append(resolution, st.working(c, c.start, c.closed))
			f.Reopened.Den++
			if c.reopenedLater {
				f.Reopened.Num++
			}
			f.Rated.Den++
			if c.csat >= 1 && c.csat <= 5 {
				f.Rated.Num++
				f.CSAT.Sum += c.csat
				f.CSAT.Count++
				f.Ratings[c.csat-1]++
			}
		}
		responded := c.firstResponse
		if !responded.IsZero() {
			firstResponse = append(firstResponse, st.working(c, c.start, responded))
		} else {
			responded = resolved
		}
		if !c.firstResponseDue.IsZero() {
			f.FirstResponseBreached.Den++
			if late(c.firstResponseDue, responded) {
				f.FirstResponseBreached.Num++
			}
		}
		if !c.resolutionDue.IsZero() {
			f.ResolutionBreached.Den++
			if late(c.resolutionDue, resolved) {
				f.ResolutionBreached.Num++
			}
		}
	}
	f.FirstResponse = summarise(firstResponse)
	f.Resolution = summarise(resolution)
	return f
}

// working is the time from a to b of the ticket of c: wall-clock time
// without business hours, else the working time of each stretch by the
// hours of the queue the ticket was in during it.
func (st *state) working(c *cycle, a, b time.Time) time.Duration {
	hours := st.opts.Hours
	if len(hours) == 0 {
		return b.Sub(a)
	}
	var sum time.Duration
	for i, s := range c.stretches {
		from, to := s.from, b
		if i+1 < len(c.stretches) {
			to = c.stretches[i+1].from
		}
		if from.Before(a) {
			from = a
		}
		if to.After(b) {
			to = b
		}
		cal, ok := hours[s.queue]
		if !ok {
			cal = hours[""]
		}
		sum += cal.WorkingBetween(from, to)
	}
	return sum
}

// groupTickets computes the ticket figures per value of key, by name, the
// empty name last.
func (st *state) groupTickets(cycles []*cycle, key func(*cycle) string) []Tickets {
	groups := map[string][]*cycle{}
	for _, c := range cycles {
		groups[key(c)] = append(groups[key(c)], c)
	}
	names := slices.Sorted(maps.Keys(groups))
	if len(names) > 0 && names[0] == "" {
		names = append(names[1:], "")
	}
	list := []Tickets{}
	for _, name := range names {
		list = append(list, st.ticketFigures(name, groups[name]))
	}
	return list
}

// summarise returns the median and 90th percentile of ds by nearest rank.
func summarise(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return Durations{Count: len(ds), Median: nearestRank(ds, 50), P90: nearestRank(ds, 90)}
}

// nearestRank returns the p-th percentile of sorted, which is not empty:
// the value at rank ⌈p·n/100⌉, counting from 1.
func nearestRank(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}
