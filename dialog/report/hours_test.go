package report

import (
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/calendar"
)

// TestWorkingTime checks that with business hours the first response and
// resolution times count working time, each stretch by the hours of the
// queue the ticket was in, and that a transfer's deadlines replace the
// escalation's in the breach counts.
func TestWorkingTime(t *testing.T) {
	const min, hour, day = time.Minute, time.Hour, 24 * time.Hour
	office, err := calendar.New(calendar.Config{Hours: []string{"mon-fri 09:00-18:00"}})
	if err != nil {
		t.Fatal(err)
	}
	always, err := calendar.New(calendar.Config{Hours: []string{"mon-sun 00:00-24:00"}})
	if err != nil {
		t.Fatal(err)
	}
	friday := 4*day + 17*hour + 30*min // t0 is a Monday
	monday := 7 * day
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	dueAt := func(fr, res time.Time) field {
		return func(a *dialog.Activity) { a.FirstResponseDue, a.ResolutionDue = fr, res }
	}

	var es events
	// 1: escalated Friday 17:30, answered Monday 09:30 (1 working hour),
	// closed Monday 10:30 (2); due Monday 09:15, missed.
	es.escalated(1, friday, 1, dialog.ReasonCustomerAsk, dueAt(at(monday+9*hour+15*min), time.Time{}))
	es.add(1, monday+9*hour+30*min, dialog.ActivityFirstResponse, ticket(1), agent("olga"))
	es.add(1, monday+10*hour+30*min, dialog.ActivityClosed, ticket(1), agent("olga"), queue("first_line"))
	// 2: escalated Friday 17:30, moved on Saturday at 12:00 to second_line,
	// open round the clock, with its first response due Saturday 20:00,
	// answered Saturday 14:00 and closed then: half an hour in
	// first_line's hours, two in second_line's.
	es.escalated(2, friday, 2, dialog.ReasonCustomerAsk, dueAt(at(monday+9*hour+15*min), time.Time{}))
	es.add(2, 5*day+12*hour, dialog.ActivityTransferred, ticket(2), agent("olga"), queue("second_line"),
		dueAt(at(5*day+20*hour), time.Time{}))
	es.add(2, 5*day+14*hour, dialog.ActivityFirstResponse, ticket(2), agent("ivan"))
	es.add(2, 5*day+14*hour, dialog.ActivityClosed, ticket(2), agent("ivan"), queue("second_line"))

	o := opts()
	o.To = t0.Add(7 * day)
	wall := compute(t, es, o)
	o.Hours = map[string]*calendar.Calendar{"": office, "second_line": always}
	worked := compute(t, es, o)

	if got, want := wall.Tickets.FirstResponse, (Durations{Count: 2, Median: 20*hour + 30*min, P90: 64 * hour}); got != want {
		t.Errorf("wall-clock first response %+v, want %+v", got, want)
	}
	if got, want := worked.Tickets.FirstResponse, (Durations{Count: 2, Median: hour, P90: 2*hour + 30*min}); got != want {
		t.Errorf("working first response %+v, want %+v", got, want)
	}
	if got, want := worked.Tickets.Resolution, (Durations{Count: 2, Median: 2 * hour, P90: 2*hour + 30*min}); got != want {
		t.Errorf("working resolution %+v, want %+v", got, want)
	}
	if got, want := worked.Tickets.FirstResponseBreached, (Ratio{1, 2}); got != want {
		t.Errorf("first response breached %+v, want %+v: ticket 1 only, ticket 2 met its moved deadline", got, want)
	}
	if wall.WorkingTime || !worked.WorkingTime {
		t.Errorf("working time said %v without hours, %v with", wall.WorkingTime, worked.WorkingTime)
	}
	for _, q := range worked.Queues {
		if q.Name == "first_line" && q.FirstResponse.Median != hour {
			t.Errorf("first_line's first response %+v, want 1h", q.FirstResponse)
		}
	}
}
