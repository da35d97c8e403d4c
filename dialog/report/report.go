// Package report computes support figures for a date range from the
// analytics events (dialog.Activity) alone: contacts and their outcomes,
// deflection, escalation by reason, clarification, answer quality per
// intent, and how tickets were handled, overall, per agent and per queue.
//
// Every rate is a Ratio of two counts, so a figure can be recomputed from
// the events by hand. The definitions are in README ("For analysts") and
// on the types below.
package report

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/calendar"
)

// DefaultContactGap is how long a customer may stay silent before their
// next message starts a new contact, unless configured otherwise.
const DefaultContactGap = 30 * time.Minute

// Options are what a report is computed for.
type Options struct {
	// From and To are the range: a contact belongs to it when its first
	// message is at or after From and before To; a ticket when it was
	// escalated (created or reopened) in it.
	From, To time.Time
	// Now is when the report is made. Events after it are left out, and
	// outcomes that need more time to tell are pending.
	Now time.Time
	// ContactGap is the customer's silence after which a contact ends,
	// unless a ticket of it is still open.
	ContactGap time.Duration
	// ReopenWindow is how soon a customer must come back after a contact
	// for it to count as returned (tickets.reopen_window). It may be 0:
	// then an answered contact is assumed as soon as it ends, and
	// returned only when the next contact starts the moment it ended.
	ReopenWindow time.Duration
	Filter       Filter
	// Hours are the working hours by queue, "" being the default for
	// queues not listed (dialog.Config.Hours). With any, first response
	// and resolution times count working time only: each stretch of a
	// ticket's wait by the hours of the queue it was in during it. Empty,
	// they are wall-clock time.
	Hours map[string]*calendar.Calendar
}

// Filter narrows a report. Each field, when set, keeps only the contacts
// and tickets with that value; see Report for what a contact's and a
// ticket's values are.
type Filter struct {
	Channel string `json:"channel,omitempty"`
	Lang    string `json:"lang,omitempty"`
	Intent  string `json:"intent,omitempty"`
	Queue   string `json:"queue,omitempty"`
	Agent   string `json:"agent,omitempty"`
}

// check rejects options no report can be computed for.
func (o Options) check() error {
	switch {
	case o.From.IsZero() || o.To.IsZero():
		return dialog.Errorf(dialog.EINVALID, "a report needs a range: from and to")
	case !o.From.Before(o.To):
		return dialog.Errorf(dialog.EINVALID, "the range is empty: from %s is not before to %s",
			o.From.Format(time.RFC3339), o.To.Format(time.RFC3339))
	case o.Now.IsZero():
		return dialog.Errorf(dialog.EINVALID, "a report needs the time it is made at")
	case o.ContactGap <= 0:
		return dialog.Errorf(dialog.EINVALID, "the contact gap must be positive, got %s", o.ContactGap)
	case o.ReopenWindow < 0:
		return dialog.Errorf(dialog.EINVALID, "the reopen window must not be negative, got %s", o.ReopenWindow)
	}
	return nil
}

// Report is every figure for one range and filter.
//
// A contact's channel and language are those of its first message; its
// intent is the intent of its first answer or, without one, of its first
// escalation, unless nothing matched (the escalation's intent is then only
// the matcher's unconfident guess); its queue and agent are those of the
// ticket it was first escalated into (empty when it was not). A ticket's
// channel, language and intent are those of its escalation (no intent when
// nothing matched); its queue and agent are the ones it was closed with,
// or has at Now when still open.
type Report struct {
	From         time.Time     `json:"from"`
	To           time.Time     `json:"to"`
	Now          time.Time     `json:"now"`
	ContactGap   time.Duration `json:"-"`
	ReopenWindow time.Duration `json:"-"`
	Filter       Filter        `json:"filter"`
	// Since is when the first analytics event was recorded (the store
	// was migrated to keep them); zero when there is none. Nothing before
	// it is counted.
	Since time.Time `json:"since,omitzero"`
	// WorkingTime says the ticket times are working time (Options.Hours).
	WorkingTime bool `json:"working_time,omitempty"`

	Contacts Contacts  `json:"contacts"`
	Intents  []Intent  `json:"intents"`
	Tickets  Tickets   `json:"tickets"`
	Agents   []Tickets `json:"agents"`
	Queues   []Tickets `json:"queues"`
}

// MarshalJSON writes the durations of the options in seconds.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	return json.Marshal(struct {
		plain
		ContactGap   float64 `json:"contact_gap_seconds"`
		ReopenWindow float64 `json:"reopen_window_seconds"`
	}{plain(r), r.ContactGap.Seconds(), r.ReopenWindow.Seconds()})
}

// Contacts are the figures about the range's contacts. The seven outcomes
// partition them: their numerators add up to Total, and each has Total as
// its denominator.
type Contacts struct {
	Total int `json:"total"`

	// Escalated: a ticket was created or reopened in the contact.
	Escalated Ratio `json:"escalated"`
	// Confirmed: not escalated, and the customer said an answer helped.
	Confirmed Ratio `json:"confirmed"`
	// Assumed: not escalated, answered, no "helped", and the customer did
	// not come back within the reopen window after the contact ended.
	Assumed Ratio `json:"assumed"`
	// Returned: not escalated, answered, no "helped", and the customer's
	// next contact started within the reopen window after this one ended.
	Returned Ratio `json:"returned"`
	// Unanswered: not escalated, and the bot sent no intent's answer.
	Unanswered Ratio `json:"unanswered"`
	// Pending: not escalated, and too recent to tell: the contact has not
	// ended by Now, or it was answered without a "helped" and the reopen
	// window after it has not passed with no new contact.
	Pending Ratio `json:"pending"`
	// Incident: not escalated, ended, and the bot told the customer of a
	// known outage or planned works covering what they asked (an
	// incident notice) instead of answering: the incident answered it.
	Incident Ratio `json:"incident"`

	// Deflected: contacts the bot handled alone, confirmed + assumed +
	// incident.
	Deflected Ratio `json:"deflected"`
	// Answered: contacts in which the bot sent an intent's answer,
	// whatever their outcome: what the bot took on, beside what it
	// settled (Deflected).
	Answered Ratio `json:"answered"`
	// Reasons splits the escalated contacts by the reason of their first
	// escalation, each over Total; their numerators add up to Escalated's.
	Reasons []ReasonRatio `json:"reasons"`
	// Clarified: clarification questions the customer answered by picking
	// an option, over the questions asked, in these contacts.
	Clarified Ratio `json:"clarified"`

	// Messages in these contacts: from the customer, and to them by
	// author.
	MessagesIn     int `json:"messages_in"`
	BotMessages    int `json:"bot_messages"`
	AgentMessages  int `json:"agent_messages"`
	SystemMessages int `json:"system_messages"`
}

// ReasonRatio is the share of contacts escalated for one reason.
type ReasonRatio struct {
	Reason string `json:"reason"`
	Ratio  Ratio  `json:"ratio"`
}

// reasons are the escalation reasons in the order reports list them.
func reasons() []string {
	return []string{dialog.ReasonNoMatch, dialog.ReasonCustomerAsk, dialog.ReasonIntent, dialog.ReasonNotHelpful}
}

// Intent is how the bot's answers of one intent fared in the range's
// contacts.
type Intent struct {
	Intent string `json:"intent"`
	// Contacts is the intent's volume: the contacts it is the intent of
	// (see Report).
	Contacts int `json:"contacts"`
	// Answered counts the answers sent.
	Answered int `json:"answered"`
	// Helpful: "yes" replies to "did this help?" over all replies.
	Helpful Ratio `json:"helpful"`
	// EscalatedAfter: answers followed by an escalation later in the same
	// contact, over the answers.
	EscalatedAfter Ratio `json:"escalated_after"`
}

// Tickets are the figures about tickets escalated in the range: each
// escalation counts, whether it created a ticket or reopened one, and is
// followed until the ticket is closed.
type Tickets struct {
	// Name is the agent or queue of a row of Report.Agents or
	// Report.Queues ("" for tickets without one); empty in Report.Tickets.
	Name string `json:"name"`

	Tickets int `json:"tickets"` // escalations
	Created int `json:"created"` // ...that created a ticket
	Reopens int `json:"reopens"` // ...that reopened one
	Closed  int `json:"closed"`  // ...closed by Now

	// FirstResponse: from the escalation to the first agent reply, for
	// the tickets that got one. With business hours (Options.Hours) this
	// and Resolution are working time.
	FirstResponse Durations `json:"first_response"`
	// Resolution: from the escalation to the close, for closed tickets,
	// time spent waiting for the customer included (what the customer
	// lived through). A ticket closed because its customer never
	// answered counts as closed by its agent.
	Resolution Durations `json:"resolution"`
	// FirstResponseBreached: tickets whose first agent reply came after
	// its deadline (or has not come, and the ticket was closed or Now is
	// past it), over the tickets with that deadline.
	FirstResponseBreached Ratio `json:"first_response_breached"`
	// ResolutionBreached: tickets closed after their resolution deadline
	// (or still open past it at Now), over the tickets with that deadline.
	// The SLA clock stands still while a ticket waits for the customer:
	// the deadlines move on by the time waited, and a ticket waiting at
	// Now is judged as of when it began waiting.
	ResolutionBreached Ratio `json:"resolution_breached"`
	// Reopened: closed tickets reopened afterwards (by Now), over the
	// closed tickets.
	Reopened Ratio `json:"reopened"`

	// CSAT is the mean rating.
	CSAT Mean `json:"csat"`
	// Rated: closed tickets the customer rated, over the closed tickets.
	Rated Ratio `json:"rated"`
	// Ratings counts the ratings 1 to 5 (Ratings[0] is the 1s).
	Ratings [5]int `json:"ratings"`
}

// Ratio is a rate as the two counts it is made of.
type Ratio struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Value is Num/Den, or NaN when Den is 0.
func (r Ratio) Value() float64 {
	if r.Den == 0 {
		return math.NaN()
	}
	return float64(r.Num) / float64(r.Den)
}

// Percent is 100·Num/Den, or NaN when Den is 0.
func (r Ratio) Percent() float64 {
	return 100 * r.Value()
}

// MarshalJSON writes the counts with the percent they make, null when Den
// is 0.
func (r Ratio) MarshalJSON() ([]byte, error) {
	var percent *float64
	if r.Den != 0 {
		p := r.Percent()
		percent = &p
	}
	return json.Marshal(struct {
		Num     int      `json:"num"`
		Den     int      `json:"den"`
		Percent *float64 `json:"percent"`
	}{r.Num, r.Den, percent})
}

// Mean is an average as the sum and the count it is made of.
type Mean struct {
	Sum   int `json:"sum"`
	Count int `json:"count"`
}

// Value is Sum/Count, or NaN when Count is 0.
func (m Mean) Value() float64 {
	if m.Count == 0 {
		return math.NaN()
	}
	return float64(m.Sum) / float64(m.Count)
}

// MarshalJSON writes the sum and count with the mean, null when Count is
// 0.
func (m Mean) MarshalJSON() ([]byte, error) {
	var mean *float64
	if m.Count != 0 {
		v := m.Value()
		mean = &v
	}
	return json.Marshal(struct {
		Sum   int      `json:"sum"`
		Count int      `json:"count"`
		Mean  *float64 `json:"mean"`
	}{m.Sum, m.Count, mean})
}

// Durations summarise how long something took: the median and the 90th
// percentile by the nearest-rank method (sorted ascending, the p-th
// percentile of n values is the value at rank ⌈p·n/100⌉, counting from 1;
// the median is the 50th percentile, so of an even count the lower middle).
type Durations struct {
	Count  int
	Median time.Duration // 0 when Count is 0
	P90    time.Duration // 0 when Count is 0
}

// MarshalJSON writes the durations in seconds.
func (d Durations) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Count  int     `json:"count"`
		Median float64 `json:"median_seconds"`
		P90    float64 `json:"p90_seconds"`
	}{d.Count, d.Median.Seconds(), d.P90.Seconds()})
}

// Known are the intents, queues and agents a filter may name besides those
// in the range's events: the knowledge base's intents, the configured
// queues, the users.
type Known struct {
	Intents []string
	Queues  []string
	Agents  []string
}

// CheckFilter fails with EINVALID when f names an intent, a queue or an
// agent that is neither known nor among v, the values of the range: a
// mistyped name would otherwise give a report of zeros that looks like an
// answer.
func CheckFilter(f Filter, known Known, v Values) error {
	for _, c := range []struct {
		what, value  string
		known, found []string
	}{
		{"intent", f.Intent, known.Intents, v.Intents},
		{"queue", f.Queue, known.Queues, v.Queues},
		{"agent", f.Agent, known.Agents, v.Agents},
	} {
		if c.value == "" || slices.Contains(c.known, c.value) || slices.Contains(c.found, c.value) {
			continue
		}
		all := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(c.known), c.found...))))
		if len(all) == 0 {
			return dialog.Errorf(dialog.EINVALID, "there is no %s %q", c.what, c.value)
		}
		return dialog.Errorf(dialog.EINVALID, "there is no %s %q; the %ss are %s", c.what, c.value, c.what, strings.Join(all, ", "))
	}
	return nil
}
