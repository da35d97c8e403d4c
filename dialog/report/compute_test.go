package report

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// t0 is the start of the day the tests report on.
var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// events builds an event log: each call adds one event, with the next id.
type events []*dialog.Activity

// field sets a kind-specific field of an event.
type field func(*dialog.Activity)

func ticket(id int64) field        { return func(a *dialog.Activity) { a.TicketID = id } }
func intent(s string) field        { return func(a *dialog.Activity) { a.Intent = s } }
func value(v int) field            { return func(a *dialog.Activity) { a.Value = v } }
func reason(s string) field        { return func(a *dialog.Activity) { a.Reason = s } }
func queue(s string) field         { return func(a *dialog.Activity) { a.Queue = s } }
func agent(s string) field         { return func(a *dialog.Activity) { a.Agent = s } }
func author(s dialog.Author) field { return func(a *dialog.Activity) { a.Author = s } }
func channel(s string) field       { return func(a *dialog.Activity) { a.Channel = s } }
func lang(s string) field          { return func(a *dialog.Activity) { a.Lang = s } }
func turn(id int64) field          { return func(a *dialog.Activity) { a.MessageID = id } }
func due(fr, res time.Duration) field {
	return func(a *dialog.Activity) {
		if fr > 0 {
			a.FirstResponseDue = a.At.Add(fr)
		}
		if res > 0 {
			a.ResolutionDue = a.At.Add(res)
		}
	}
}

// add appends an event of conversation conv at t0+at.
func (es *events) add(conv int64, at time.Duration, kind dialog.ActivityKind, fields ...field) {
	a := &dialog.Activity{ID: int64(len(*es) + 1), At: t0.Add(at), Kind: kind, ConversationID: conv, Channel: "webchat", Lang: "ru"}
	for _, f := range fields {
		f(a)
	}
	*es = append(*es, a)
}

// answered adds a turn in which the bot answered the customer with id.
func (es *events) answered(conv int64, at time.Duration, id string) {
	es.add(conv, at, dialog.ActivityMessageIn)
	es.add(conv, at, dialog.ActivityMessageOut, author(dialog.AuthorBot))
	es.add(conv, at, dialog.ActivityAnswered, intent(id))
}

// escalated adds a turn that escalated into ticket tk.
func (es *events) escalated(conv int64, at time.Duration, tk int64, why string, fields ...field) {
	es.add(conv, at, dialog.ActivityMessageIn)
	es.add(conv, at, dialog.ActivityEscalated, append([]field{ticket(tk), reason(why), queue("first_line")}, fields...)...)
	es.add(conv, at, dialog.ActivityMessageOut, ticket(tk), author(dialog.AuthorBot))
}

// opts are the options of a report on the day t0, made a month later.
func opts() Options {
	return Options{From: t0, To: t0.Add(24 * time.Hour), Now: t0.Add(30 * 24 * time.Hour),
		ContactGap: 30 * time.Minute, ReopenWindow: 7 * 24 * time.Hour}
}

// compute computes a report and fails the test on an error.
func compute(t *testing.T, es events, o Options) *Report {
	t.Helper()
	r, err := Compute(es, o)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return r
}

// outcomes lists a report's contacts by outcome as text, and checks that
// they partition the contacts.
func outcomes(t *testing.T, r *Report) string {
	t.Helper()
	c := r.Contacts
	parts := []Ratio{c.Escalated, c.Confirmed, c.Assumed, c.Returned, c.Unanswered, c.Pending}
	sum := 0
	for _, p := range parts {
		sum += p.Num
		if p.Den != c.Total {
			t.Errorf("an outcome's denominator %d is not the %d contacts", p.Den, c.Total)
		}
	}
	if sum != c.Total {
		t.Errorf("outcomes add up to %d, not the %d contacts", sum, c.Total)
	}
	reasons := 0
	for _, rr := range c.Reasons {
		reasons += rr.Ratio.Num
	}
	if reasons != c.Escalated.Num {
		t.Errorf("reasons add up to %d, not the %d escalated contacts", reasons, c.Escalated.Num)
	}
	if c.Deflected.Num != c.Confirmed.Num+c.Assumed.Num || c.Deflected.Den != c.Total {
		t.Errorf("deflected %+v is not confirmed + assumed over the contacts", c.Deflected)
	}
	var b strings.Builder
	for i, name := range []string{"escalated", "confirmed", "assumed", "returned", "unanswered", "pending"} {
		if parts[i].Num > 0 {
			b.WriteString(" " + name + "=" + strconv.Itoa(parts[i].Num))
		}
	}
	return strings.TrimSpace(b.String())
}

func TestContactsAndOutcomes(t *testing.T) {
	const min, hour, day = time.Minute, time.Hour, 24 * time.Hour
	for _, c := range []struct {
		name  string
		build func(es *events)
		now   time.Duration // when the report is made, after t0; a month when 0
		want  string        // the outcomes
	}{
		{"silence shorter than the gap continues the contact", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.answered(1, 10*hour+29*min+59*time.Second, "pay")
		}, 0, "assumed=1"},
		{"silence of exactly the gap starts a new contact, and the first returned", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.answered(1, 10*hour+30*min, "pay")
		}, 0, "assumed=1 returned=1"},
		{"a yes confirms", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.add(1, 10*hour+min, dialog.ActivityMessageIn)
			es.add(1, 10*hour+min, dialog.ActivityFeedback, intent("pay"), value(1))
		}, 0, "confirmed=1"},
		{"a yes after the gap continues the answered contact: confirmed", func(es *events) {
			es.answered(1, 8*hour, "pay")
			es.add(1, 9*hour, dialog.ActivityMessageIn, turn(100))
			es.add(1, 9*hour, dialog.ActivityFeedback, intent("pay"), value(1), turn(100))
			es.add(1, 9*hour, dialog.ActivityMessageOut, author(dialog.AuthorBot), turn(100))
		}, 0, "confirmed=1"},
		{"a yes after the gap keeps the contact open a gap longer", func(es *events) {
			es.answered(1, 8*hour, "pay")
			es.add(1, 9*hour, dialog.ActivityMessageIn, turn(100))
			es.add(1, 9*hour, dialog.ActivityFeedback, intent("pay"), value(1), turn(100))
		}, 9*hour + 29*min, "pending=1"},
		{"a no after the gap escalates the answered contact", func(es *events) {
			es.answered(1, 8*hour, "pay")
			es.add(1, 9*hour, dialog.ActivityMessageIn, turn(100))
			es.add(1, 9*hour, dialog.ActivityFeedback, intent("pay"), turn(100))
			es.add(1, 9*hour, dialog.ActivityEscalated, ticket(1), reason(dialog.ReasonNotHelpful), turn(100))
		}, 0, "escalated=1"},
		{"a yes after another contact started is a contact of its own", func(es *events) {
			es.answered(1, 8*hour, "pay")
			es.add(1, 8*hour+40*min, dialog.ActivityMessageIn, turn(100)) // please rephrase
			es.add(1, 9*hour+30*min, dialog.ActivityMessageIn, turn(101))
			es.add(1, 9*hour+30*min, dialog.ActivityFeedback, intent("pay"), value(1), turn(101))
		}, 0, "confirmed=1 returned=1 unanswered=1"},
		{"a no escalates", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.add(1, 10*hour+min, dialog.ActivityMessageIn)
			es.add(1, 10*hour+min, dialog.ActivityFeedback, intent("pay"))
			es.add(1, 10*hour+min, dialog.ActivityEscalated, ticket(1), reason(dialog.ReasonNotHelpful))
		}, 0, "escalated=1"},
		{"a yes, then an escalation in the same contact: escalated", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.add(1, 10*hour+min, dialog.ActivityMessageIn)
			es.add(1, 10*hour+min, dialog.ActivityFeedback, intent("pay"), value(1))
			es.escalated(1, 10*hour+2*min, 1, dialog.ReasonCustomerAsk)
		}, 0, "escalated=1"},
		{"no answer at all", func(es *events) {
			es.add(1, 10*hour, dialog.ActivityMessageIn)
			es.add(1, 10*hour, dialog.ActivityMessageOut, author(dialog.AuthorBot)) // please rephrase
		}, 0, "unanswered=1"},
		{"back on the last day of the window: returned", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.answered(1, 10*hour+30*min+7*day, "pay") // exactly the window after the first ended: not the day's
		}, 0, "returned=1"},
		{"back a moment after the window: assumed", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.answered(1, 10*hour+30*min+7*day+time.Second, "pay")
		}, 0, "assumed=1"},
		{"the window has not passed yet: pending", func(es *events) {
			es.answered(1, 10*hour, "pay")
		}, 10*hour + 30*min + 7*day, "pending=1"},
		{"the window has just passed: assumed", func(es *events) {
			es.answered(1, 10*hour, "pay")
		}, 10*hour + 30*min + 7*day + time.Microsecond, "assumed=1"},
		{"a contact not over yet is pending, even with a yes", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.add(1, 10*hour+min, dialog.ActivityMessageIn)
			es.add(1, 10*hour+min, dialog.ActivityFeedback, intent("pay"), value(1))
		}, 10*hour + 30*min, "pending=1"},
		{"a contact ends the gap after its last message", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.add(1, 10*hour+min, dialog.ActivityMessageIn)
			es.add(1, 10*hour+min, dialog.ActivityFeedback, intent("pay"), value(1))
		}, 10*hour + 31*min, "confirmed=1"},
		{"an open ticket holds the contact open; the gap counts from the close", func(es *events) {
			es.escalated(1, 10*hour, 1, dialog.ReasonCustomerAsk)
			es.add(1, 15*hour, dialog.ActivityMessageIn, ticket(1))
			es.add(1, 20*hour, dialog.ActivityClosed, ticket(1), agent("olga"), queue("first_line"))
			es.add(1, 20*hour+29*min, dialog.ActivityMessageIn, ticket(1)) // a rating
			es.add(1, 20*hour+29*min, dialog.ActivityCSAT, ticket(1), value(5))
			es.answered(1, 20*hour+58*min, "pay") // within the gap after the rating
		}, 0, "escalated=1"},
		{"a rating after the gap starts no contact", func(es *events) {
			es.escalated(1, 10*hour, 1, dialog.ReasonCustomerAsk)
			es.add(1, 11*hour, dialog.ActivityClosed, ticket(1), agent("olga"), queue("first_line"))
			es.add(1, 13*hour, dialog.ActivityMessageIn, ticket(1))
			es.add(1, 13*hour, dialog.ActivityCSAT, ticket(1), value(2))
			es.add(1, 13*hour, dialog.ActivityMessageOut, author(dialog.AuthorBot))
		}, 0, "escalated=1"},
		{"a message to a ticket escalated before events were kept starts no contact", func(es *events) {
			es.add(1, 10*hour, dialog.ActivityMessageIn, ticket(7))
			es.add(1, 11*hour, dialog.ActivityClosed, ticket(7), agent("olga"))
		}, 0, ""},
		{"contacts of other conversations are apart", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.answered(2, 10*hour+min, "pay")
		}, 0, "assumed=2"},
		{"a contact that started the day before is not the day's", func(es *events) {
			es.answered(1, -10*min, "pay")
			es.answered(1, 10*min, "pay") // within its gap
		}, 0, ""},
		{"a contact that starts at the end of the range is the next day's", func(es *events) {
			es.answered(1, day, "pay")
		}, 0, ""},
		{"events after now are not seen", func(es *events) {
			es.answered(1, 10*hour, "pay")
			es.answered(1, 10*hour+40*min, "pay")
		}, 10*hour + 35*min, "pending=1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var es events
			c.build(&es)
			o := opts()
			if c.now != 0 {
				o.Now = t0.Add(c.now)
			}
			if got := outcomes(t, compute(t, es, o)); got != c.want {
				t.Errorf("outcomes %q, want %q", got, c.want)
			}
		})
	}
}

// TestZeroReopenWindow reports with no time to come back in: a contact is
// assumed once it ends, and returned only when the next one starts at
// that moment.
func TestZeroReopenWindow(t *testing.T) {
	o := opts()
	o.ReopenWindow = 0
	var es events
	es.answered(1, time.Hour, "pay")
	es.answered(1, time.Hour+30*time.Minute, "pay") // the moment the first ended
	es.answered(2, time.Hour, "pay")
	es.answered(2, time.Hour+31*time.Minute, "pay")
	if got := outcomes(t, compute(t, es, o)); got != "assumed=3 returned=1" {
		t.Errorf("outcomes %q, want assumed=3 returned=1", got)
	}
	o.Now = t0.Add(2*time.Hour + time.Minute) // the last contact ended at 2:01
	if got := outcomes(t, compute(t, es, o)); got != "assumed=2 returned=1 pending=1" {
		t.Errorf("outcomes at its end %q, want assumed=2 returned=1 pending=1", got)
	}
}

func TestReasonsClarificationAndMessages(t *testing.T) {
	var es events
	es.escalated(1, time.Hour, 1, dialog.ReasonNoMatch)
	es.escalated(2, time.Hour, 2, dialog.ReasonNoMatch)
	es.escalated(3, time.Hour, 3, dialog.ReasonCustomerAsk)
	es.escalated(4, time.Hour, 4, "from_a_newer_version")
	// Closed, then escalated again in the same contact: the first reason
	// counts.
	es.add(4, time.Hour+time.Minute, dialog.ActivityClosed, ticket(4), agent("olga"))
	es.escalated(4, time.Hour+2*time.Minute, 4, dialog.ReasonNotHelpful)
	es.add(4, time.Hour+2*time.Minute, dialog.ActivityReopened, ticket(4))
	// A clarification picked, one ignored, and one picked in a later
	// contact: each counts in the contact it was asked in.
	es.add(5, time.Hour, dialog.ActivityMessageIn)
	es.add(5, time.Hour, dialog.ActivityMessageOut, author(dialog.AuthorBot))
	es.add(5, time.Hour, dialog.ActivityClarifyAsked, intent("a"))
	es.add(5, time.Hour+time.Minute, dialog.ActivityMessageIn)
	es.add(5, time.Hour+time.Minute, dialog.ActivityClarifyAnswered, intent("a"))
	es.add(5, time.Hour+time.Minute, dialog.ActivityMessageOut, author(dialog.AuthorBot))
	es.add(5, time.Hour+time.Minute, dialog.ActivityAnswered, intent("a"))
	es.add(5, time.Hour+2*time.Minute, dialog.ActivityMessageIn)
	es.add(5, time.Hour+2*time.Minute, dialog.ActivityMessageOut, author(dialog.AuthorBot))
	es.add(5, time.Hour+2*time.Minute, dialog.ActivityClarifyAsked, intent("a"))
	es.add(5, time.Hour+3*time.Minute, dialog.ActivityMessageIn) // not an option
	es.add(5, time.Hour+3*time.Minute, dialog.ActivityMessageOut, author(dialog.AuthorBot))
	es.add(5, time.Hour+3*time.Minute, dialog.ActivityClarifyAsked, intent("b"))
	es.add(5, 5*time.Hour, dialog.ActivityMessageIn) // hours later: a new contact
	es.add(5, 5*time.Hour, dialog.ActivityClarifyAnswered, intent("b"))
	es.add(5, 5*time.Hour, dialog.ActivityMessageOut, author(dialog.AuthorBot))
	es.add(5, 5*time.Hour, dialog.ActivityAnswered, intent("b"))

	r := compute(t, es, opts())
	// Conversation 5 came back hours after its first contact, which
	// returned; its second contact was answered and then nothing came
	// for the week: assumed.
	if got := outcomes(t, r); got != "escalated=4 assumed=1 returned=1" {
		t.Errorf("outcomes %q", got)
	}
	want := []ReasonRatio{
		{dialog.ReasonNoMatch, Ratio{2, 6}},
		{dialog.ReasonCustomerAsk, Ratio{1, 6}},
		{dialog.ReasonIntent, Ratio{0, 6}},
		{dialog.ReasonNotHelpful, Ratio{0, 6}},
		{"from_a_newer_version", Ratio{1, 6}},
	}
	if !reflect.DeepEqual(r.Contacts.Reasons, want) {
		t.Errorf("reasons %+v, want %+v", r.Contacts.Reasons, want)
	}
	if r.Contacts.Clarified != (Ratio{2, 3}) {
		t.Errorf("clarified %+v, want 2 of 3", r.Contacts.Clarified)
	}
	if c := r.Contacts; c.MessagesIn != 5+5 || c.BotMessages != 5+5 || c.AgentMessages != 0 || c.SystemMessages != 0 {
		t.Errorf("messages in %d, bot %d, agent %d, system %d; want 10, 10, 0, 0", c.MessagesIn, c.BotMessages, c.AgentMessages, c.SystemMessages)
	}
}

func TestTickets(t *testing.T) {
	const min, hour, day = time.Minute, time.Hour, 24 * time.Hour
	var es events
	// 1: answered in 10 minutes, resolved in 2 hours, rated 5.
	es.escalated(1, 1*hour, 1, dialog.ReasonCustomerAsk, due(4*hour, 24*hour))
	es.add(1, 1*hour+5*min, dialog.ActivityAssigned, ticket(1), agent("olga"), queue("first_line"))
	es.add(1, 1*hour+10*min, dialog.ActivityFirstResponse, ticket(1), agent("olga"))
	es.add(1, 3*hour, dialog.ActivityClosed, ticket(1), agent("olga"), queue("first_line"))
	es.add(1, 3*hour+min, dialog.ActivityMessageIn, ticket(1))
	es.add(1, 3*hour+min, dialog.ActivityCSAT, ticket(1), value(5))
	// 2: high priority, both deadlines missed, rated 2, reopened the next
	// day (that escalation is the next day's).
	es.escalated(2, 2*hour, 2, dialog.ReasonIntent, queue("second_line"), due(hour, 8*hour))
	es.add(2, 3*hour+20*min, dialog.ActivityAssigned, ticket(2), agent("ivan"), queue("second_line"))
	es.add(2, 3*hour+30*min, dialog.ActivityFirstResponse, ticket(2), agent("ivan"))
	es.add(2, 12*hour, dialog.ActivityClosed, ticket(2), agent("ivan"), queue("second_line"))
	es.add(2, 12*hour+min, dialog.ActivityMessageIn, ticket(2))
	es.add(2, 12*hour+min, dialog.ActivityCSAT, ticket(2), value(2))
	es.escalated(2, day+hour, 2, dialog.ReasonNotHelpful, queue("second_line"))
	es.add(2, day+hour, dialog.ActivityReopened, ticket(2))
	// 3: closed without a reply after the first-response deadline.
	es.escalated(3, 5*hour, 3, dialog.ReasonNoMatch, due(4*hour, 24*hour))
	es.add(3, 10*hour, dialog.ActivityClosed, ticket(3), agent("olga"), queue("first_line"))
	// 4: never touched; both deadlines passed by now.
	es.escalated(4, 6*hour, 4, dialog.ReasonNoMatch, due(4*hour, 24*hour))
	// 5: created the day before and closed then; reopened today without
	// deadlines, taken, transferred, taken by another agent and closed.
	es.escalated(5, -2*hour, 5, dialog.ReasonNoMatch)
	es.add(5, -hour, dialog.ActivityClosed, ticket(5), agent("olga"), queue("first_line"))
	es.escalated(5, 7*hour, 5, dialog.ReasonCustomerAsk)
	es.add(5, 7*hour, dialog.ActivityReopened, ticket(5))
	es.add(5, 7*hour+10*min, dialog.ActivityAssigned, ticket(5), agent("olga"), queue("first_line"))
	es.add(5, 7*hour+20*min, dialog.ActivityFirstResponse, ticket(5), agent("olga"))
	es.add(5, 7*hour+30*min, dialog.ActivityTransferred, ticket(5), agent("olga"), queue("second_line"))
	es.add(5, 7*hour+40*min, dialog.ActivityAssigned, ticket(5), agent("ivan"), queue("second_line"))
	es.add(5, 8*hour, dialog.ActivityClosed, ticket(5), agent("ivan"), queue("second_line"))

	r := compute(t, es, opts())
	want := Tickets{
		Tickets: 5, // 1, 2, 3, 4 and the reopen of 5
		Created: 4,
		Reopens: 1,
		Closed:  4, // all but 4
		// 10m (1), 20m (5), 90m (2): ranks ⌈1.5⌉ = 2 and ⌈2.7⌉ = 3.
		FirstResponse: Durations{Count: 3, Median: 20 * min, P90: 90 * min},
		// 1h (5), 2h (1), 5h (3), 10h (2): ranks ⌈2⌉ = 2 and ⌈3.6⌉ = 4.
		Resolution: Durations{Count: 4, Median: 2 * hour, P90: 10 * hour},
		// Of 1-4, which have deadlines: 2 replied late, 3 closed without
		// a reply after the deadline, 4 has none by now.
		FirstResponseBreached: Ratio{3, 4},
		// 2 closed late, 4 still open past the deadline.
		ResolutionBreached: Ratio{2, 4},
		Reopened:           Ratio{1, 4}, // 2, of the closed 1, 2, 3 and 5
		CSAT:               Mean{5 + 2, 2},
		Rated:              Ratio{2, 4},
		Ratings:            [5]int{0, 1, 0, 0, 1},
	}
	if !reflect.DeepEqual(r.Tickets, want) {
		t.Errorf("tickets\n got %+v\nwant %+v", r.Tickets, want)
	}

	var agents, queues []string
	for _, a := range r.Agents {
		agents = append(agents, a.Name+":"+strconv.Itoa(a.Tickets))
	}
	for _, q := range r.Queues {
		queues = append(queues, q.Name+":"+strconv.Itoa(q.Tickets))
	}
	// Each ticket goes to the agent and queue it was closed with, or has.
	if got := strings.Join(agents, " "); got != "ivan:2 olga:2 :1" {
		t.Errorf("agents %s", got)
	}
	if got := strings.Join(queues, " "); got != "first_line:3 second_line:2" {
		t.Errorf("queues %s", got)
	}
	ivan := Tickets{
		Name: "ivan", Tickets: 2, Created: 1, Reopens: 1, Closed: 2,
		FirstResponse:         Durations{Count: 2, Median: 20 * min, P90: 90 * min}, // ranks 1 and 2
		Resolution:            Durations{Count: 2, Median: hour, P90: 10 * hour},
		FirstResponseBreached: Ratio{1, 1},
		ResolutionBreached:    Ratio{1, 1},
		Reopened:              Ratio{1, 2},
		CSAT:                  Mean{2, 1},
		Rated:                 Ratio{1, 2},
		Ratings:               [5]int{0, 1, 0, 0, 0},
	}
	if !reflect.DeepEqual(r.Agents[0], ivan) {
		t.Errorf("ivan\n got %+v\nwant %+v", r.Agents[0], ivan)
	}
}

func TestFilters(t *testing.T) {
	var es events
	// 1: Telegram, English, answered "pay".
	es.add(1, time.Hour, dialog.ActivityMessageIn, channel("telegram"), lang("en"))
	es.add(1, time.Hour, dialog.ActivityAnswered, intent("pay"), channel("telegram"), lang("en"))
	// 2: answered "reset", not helpful: ticket 1, closed by olga.
	es.answered(2, time.Hour, "reset")
	es.add(2, time.Hour+time.Minute, dialog.ActivityMessageIn)
	es.add(2, time.Hour+time.Minute, dialog.ActivityFeedback, intent("reset"))
	es.add(2, time.Hour+time.Minute, dialog.ActivityEscalated, ticket(1), reason(dialog.ReasonNotHelpful), intent("reset"), queue("first_line"))
	es.add(2, 2*time.Hour, dialog.ActivityAssigned, ticket(1), agent("olga"), queue("first_line"))
	es.add(2, 3*time.Hour, dialog.ActivityClosed, ticket(1), agent("olga"), queue("first_line"))
	// 3: /human: ticket 2, taken by ivan, transferred: open, nobody's.
	es.escalated(3, time.Hour, 2, dialog.ReasonCustomerAsk)
	es.add(3, 2*time.Hour, dialog.ActivityAssigned, ticket(2), agent("ivan"), queue("first_line"))
	es.add(3, 3*time.Hour, dialog.ActivityTransferred, ticket(2), agent("ivan"), queue("second_line"))

	for _, c := range []struct {
		filter            Filter
		contacts, tickets int
	}{
		{Filter{}, 3, 2},
		{Filter{Channel: "telegram"}, 1, 0},
		{Filter{Channel: "webchat"}, 2, 2},
		{Filter{Lang: "en"}, 1, 0},
		{Filter{Intent: "pay"}, 1, 0},
		{Filter{Intent: "reset"}, 1, 1},
		{Filter{Queue: "first_line"}, 1, 1},
		{Filter{Queue: "second_line"}, 1, 1},
		{Filter{Agent: "olga"}, 1, 1},
		{Filter{Agent: "ivan"}, 0, 0}, // ivan gave the ticket away
		{Filter{Channel: "webchat", Intent: "pay"}, 0, 0},
	} {
		o := opts()
		o.Filter = c.filter
		r := compute(t, es, o)
		if r.Contacts.Total != c.contacts || r.Tickets.Tickets != c.tickets {
			t.Errorf("%+v: %d contacts, %d tickets; want %d and %d", c.filter, r.Contacts.Total, r.Tickets.Tickets, c.contacts, c.tickets)
		}
		if r.Filter != c.filter {
			t.Errorf("report filter %+v, want %+v", r.Filter, c.filter)
		}
	}
}

func TestIntents(t *testing.T) {
	var es events
	es.answered(1, time.Hour, "pay")
	es.add(1, time.Hour+time.Minute, dialog.ActivityMessageIn)
	es.add(1, time.Hour+time.Minute, dialog.ActivityFeedback, intent("pay"), value(1))
	es.answered(2, time.Hour, "pay")
	es.add(2, time.Hour+time.Minute, dialog.ActivityMessageIn)
	es.add(2, time.Hour+time.Minute, dialog.ActivityFeedback, intent("pay"))
	es.add(2, time.Hour+time.Minute, dialog.ActivityEscalated, ticket(1), reason(dialog.ReasonNotHelpful), intent("pay"))
	es.answered(3, time.Hour, "complaint")
	es.add(3, time.Hour, dialog.ActivityEscalated, ticket(2), reason(dialog.ReasonIntent), intent("complaint"))
	es.answered(4, time.Hour, "hours")
	es.answered(4, time.Hour+time.Minute, "hours")
	es.answered(5, -time.Hour, "hours") // the day before
	// Nothing matched: the guess recorded with the escalation is not the
	// contact's intent.
	es.add(6, time.Hour, dialog.ActivityMessageIn)
	es.add(6, time.Hour, dialog.ActivityEscalated, ticket(3), reason(dialog.ReasonNoMatch), intent("pay"))

	want := []Intent{
		// Two answers in one contact.
		{Intent: "hours", Contacts: 1, Answered: 2, EscalatedAfter: Ratio{0, 2}},
		{Intent: "pay", Contacts: 2, Answered: 2, Helpful: Ratio{1, 2}, EscalatedAfter: Ratio{1, 2}},
		{Intent: "complaint", Contacts: 1, Answered: 1, EscalatedAfter: Ratio{1, 1}},
	}
	if got := compute(t, es, opts()).Intents; !reflect.DeepEqual(got, want) {
		t.Errorf("intents\n got %+v\nwant %+v", got, want)
	}
	o := opts()
	o.Filter.Intent = "pay"
	r := compute(t, es, o)
	if !reflect.DeepEqual(r.Intents, want[1:2]) {
		t.Errorf("intents of pay\n got %+v\nwant %+v", r.Intents, want[1:2])
	}
	if r.Contacts.Total != 2 || r.Tickets.Tickets != 1 {
		t.Errorf("filtered by pay: %d contacts, %d tickets; want 2 and 1, without the unmatched one", r.Contacts.Total, r.Tickets.Tickets)
	}
}

func TestLateFeedbackAndIntent(t *testing.T) {
	var es events
	// 1: "yes" an hour after the answer, in the answer's contact.
	es.answered(1, 8*time.Hour, "pay")
	es.add(1, 9*time.Hour, dialog.ActivityMessageIn, turn(100))
	es.add(1, 9*time.Hour, dialog.ActivityFeedback, intent("pay"), value(1), turn(100))
	// 2: escalated for "complaint", closed, then answered "pay" in the
	// same contact: the answer's intent is the contact's.
	es.escalated(2, 10*time.Hour, 1, dialog.ReasonIntent, intent("complaint"))
	es.add(2, 10*time.Hour+10*time.Minute, dialog.ActivityClosed, ticket(1), agent("olga"), queue("first_line"))
	es.answered(2, 10*time.Hour+20*time.Minute, "pay")

	o := opts()
	o.Filter.Intent = "pay"
	r := compute(t, es, o)
	if got := outcomes(t, r); got != "escalated=1 confirmed=1" {
		t.Errorf("outcomes of pay %q, want escalated=1 confirmed=1", got)
	}
	want := []Intent{{Intent: "pay", Contacts: 2, Answered: 2, Helpful: Ratio{1, 1}, EscalatedAfter: Ratio{0, 2}}}
	if !reflect.DeepEqual(r.Intents, want) {
		t.Errorf("intents of pay\n got %+v\nwant %+v", r.Intents, want)
	}
	o.Filter.Intent = "complaint"
	if r := compute(t, es, o); r.Contacts.Total != 0 || r.Tickets.Tickets != 1 {
		t.Errorf("complaint: %d contacts, %d tickets; want 0 and the ticket", r.Contacts.Total, r.Tickets.Tickets)
	}
}

func TestNearestRank(t *testing.T) {
	seq := func(n int) []time.Duration {
		ds := make([]time.Duration, n)
		for i := range ds {
			ds[i] = time.Duration(n-i) * time.Second // unsorted on purpose
		}
		return ds
	}
	for _, c := range []struct {
		n           int
		median, p90 time.Duration
	}{
		{0, 0, 0},
		{1, 1 * time.Second, 1 * time.Second},
		{2, 1 * time.Second, 2 * time.Second},
		{3, 2 * time.Second, 3 * time.Second},
		{10, 5 * time.Second, 9 * time.Second},
		{11, 6 * time.Second, 10 * time.Second},
		{100, 50 * time.Second, 90 * time.Second},
	} {
		got := summarise(seq(c.n))
		if got != (Durations{Count: c.n, Median: c.median, P90: c.p90}) {
			t.Errorf("n=%d: %+v, want median %s p90 %s", c.n, got, c.median, c.p90)
		}
	}
}

func TestRatio(t *testing.T) {
	if p := (Ratio{1, 3}).Percent(); math.Abs(p-33.333333) > 1e-5 {
		t.Errorf("1/3 = %v%%", p)
	}
	if p := (Ratio{}).Percent(); !math.IsNaN(p) {
		t.Errorf("0/0 = %v%%, want NaN", p)
	}
	for _, c := range []struct {
		r    Ratio
		want string
	}{
		{Ratio{1, 4}, `{"num":1,"den":4,"percent":25}`},
		{Ratio{0, 0}, `{"num":0,"den":0,"percent":null}`},
	} {
		b, err := json.Marshal(c.r)
		if err != nil || string(b) != c.want {
			t.Errorf("%+v as JSON: %s, %v; want %s", c.r, b, err, c.want)
		}
	}
}

func TestOptionsChecked(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(o *Options)
	}{
		{"no from", func(o *Options) { o.From = time.Time{} }},
		{"empty range", func(o *Options) { o.To = o.From }},
		{"reversed range", func(o *Options) { o.From, o.To = o.To, o.From }},
		{"no now", func(o *Options) { o.Now = time.Time{} }},
		{"no gap", func(o *Options) { o.ContactGap = 0 }},
		{"negative window", func(o *Options) { o.ReopenWindow = -time.Hour }},
	} {
		o := opts()
		c.change(&o)
		if _, err := Compute(nil, o); dialog.ErrorCode(err) != dialog.EINVALID {
			t.Errorf("%s: %v, want an invalid-input error", c.name, err)
		}
	}
	r := compute(t, nil, opts())
	if r.Contacts.Total != 0 || r.Tickets.Tickets != 0 || len(r.Intents) != 0 || len(r.Agents) != 0 {
		t.Errorf("a report on no events: %+v", r)
	}
}

// TestIncidentDeflects: a contact the bot answered with an incident
// notice, and that did not escalate, is deflected as "incident"; one
// whose customer still wanted a person is escalated; one still going on
// is pending. The contact's intent is the one asked about.
func TestIncidentDeflects(t *testing.T) {
	var es events
	notice := func(conv int64, at time.Duration) {
		es.add(conv, at, dialog.ActivityMessageIn)
		es.add(conv, at, dialog.ActivityMessageOut, author(dialog.AuthorBot))
		es.add(conv, at, dialog.ActivityIncidentNotice, intent("no_internet"), value(7))
	}
	notice(1, time.Hour)
	notice(2, time.Hour)
	es.escalated(2, time.Hour+time.Minute, 1, dialog.ReasonCustomerAsk, intent("no_internet"))
	notice(3, 23*time.Hour+50*time.Minute)
	es.answered(4, 2*time.Hour, "reset_password")
	o := opts()
	o.Now = t0.Add(24 * time.Hour)
	c := compute(t, es, o).Contacts
	if c.Incident != (Ratio{Num: 1, Den: 4}) || c.Escalated.Num != 1 || c.Pending.Num != 2 || c.Deflected.Num != 1 {
		t.Errorf("contacts = %+v; want 1 incident (deflected), 1 escalated, 2 pending", c)
	}
	r := compute(t, es, o)
	for _, in := range r.Intents {
		if in.Intent == "no_internet" && in.Contacts != 3 {
			t.Errorf("no_internet has %d contacts, want 3", in.Contacts)
		}
	}
}
