package report

import (
	"reflect"
	"testing"
	"time"
	_ "time/tzdata" // the DST case needs Europe/Berlin wherever the tests run

	"github.com/firstline-support/firstline/dialog"
)

// threeDays is an event log over t0 and the two days after it, with a
// contact the day before and one the day after.
func threeDays() events {
	const hour, day = time.Hour, 24 * time.Hour
	var es events
	es.answered(1, -hour, "pay") // the day before
	// Day 0: a confirmed contact, a Telegram one in English, and a ticket
	// escalated in the evening and closed the next morning.
	es.answered(2, 9*hour, "pay")
	es.add(2, 9*hour+time.Minute, dialog.ActivityMessageIn)
	es.add(2, 9*hour+time.Minute, dialog.ActivityFeedback, intent("pay"), value(1))
	es.add(3, 10*hour, dialog.ActivityMessageIn, channel("telegram"), lang("en"))
	es.add(3, 10*hour, dialog.ActivityAnswered, intent("hours"), channel("telegram"), lang("en"))
	es.escalated(4, 22*hour, 1, dialog.ReasonCustomerAsk, due(hour, 0))
	es.add(4, 22*hour+30*time.Minute, dialog.ActivityAssigned, ticket(1), agent("olga"), queue("first_line"))
	es.add(4, day+8*hour, dialog.ActivityClosed, ticket(1), agent("olga"), queue("first_line"))
	// Day 1: a contact starting exactly at midnight, and one escalated
	// into second_line, taken by ivan.
	es.answered(5, day, "hours")
	es.answered(6, day+12*hour, "complaint")
	es.add(6, day+12*hour, dialog.ActivityEscalated, ticket(2), reason(dialog.ReasonIntent), intent("complaint"), queue("second_line"))
	es.add(6, day+13*hour, dialog.ActivityAssigned, ticket(2), agent("ivan"), queue("second_line"))
	// Day 2: nothing. The day after the range:
	es.answered(7, 3*day+hour, "pay")
	return es
}

// threeDayOpts are the options of a report on threeDays' range.
func threeDayOpts() Options {
	o := opts()
	o.To = t0.AddDate(0, 0, 3)
	return o
}

func TestSeriesDays(t *testing.T) {
	es := threeDays()
	for _, f := range []Filter{{}, {Channel: "webchat"}, {Queue: "second_line"}, {Agent: "olga"}, {Intent: "hours"}} {
		o := threeDayOpts()
		o.Filter = f
		s, err := ComputeSeries(es, o)
		if err != nil {
			t.Fatal(err)
		}
		if want := compute(t, es, o); !reflect.DeepEqual(s.Total, want) {
			t.Errorf("%+v: total\n got %+v\nwant %+v", f, s.Total, want)
		}
		if len(s.Days) != 3 {
			t.Fatalf("%+v: %d days, want 3", f, len(s.Days))
		}
		contacts, tickets := 0, 0
		for i, d := range s.Days {
			dayOpts := o
			dayOpts.From, dayOpts.To = t0.AddDate(0, 0, i), t0.AddDate(0, 0, i+1)
			if want := compute(t, es, dayOpts); !reflect.DeepEqual(d, want) {
				t.Errorf("%+v: day %d\n got %+v\nwant %+v", f, i, d, want)
			}
			contacts += d.Contacts.Total
			tickets += d.Tickets.Tickets
		}
		if contacts != s.Total.Contacts.Total || tickets != s.Total.Tickets.Tickets {
			t.Errorf("%+v: the days have %d contacts and %d tickets, the range %d and %d",
				f, contacts, tickets, s.Total.Contacts.Total, s.Total.Tickets.Tickets)
		}
	}

	// What the days hold, worked out from threeDays.
	s, err := ComputeSeries(es, threeDayOpts())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ contacts, confirmed, escalated, tickets int }{
		{3, 1, 1, 1}, // 2 confirmed, 3 assumed, 4 escalated
		{2, 0, 1, 1}, // 5 at midnight, 6 escalated
		{0, 0, 0, 0},
	} {
		c := s.Days[i].Contacts
		if c.Total != want.contacts || c.Confirmed.Num != want.confirmed || c.Escalated.Num != want.escalated ||
			s.Days[i].Tickets.Tickets != want.tickets {
			t.Errorf("day %d: %d contacts, %d confirmed, %d escalated, %d tickets; want %+v",
				i, c.Total, c.Confirmed.Num, c.Escalated.Num, s.Days[i].Tickets.Tickets, want)
		}
	}
	if d := s.Days[2]; d.Contacts.Deflected != (Ratio{0, 0}) || len(d.Intents) != 0 || len(d.Agents) != 0 {
		t.Errorf("the empty day: %+v", d)
	}
}

func TestSeriesBounds(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		from, to time.Time
		want     []time.Duration // each day's length
	}{
		{"one day", t0, t0.AddDate(0, 0, 1), []time.Duration{24 * time.Hour}},
		{"part of a day", t0.Add(time.Hour), t0.Add(2 * time.Hour), []time.Duration{time.Hour}},
		{"not whole days: the last is shorter", t0.Add(6 * time.Hour), t0.Add(48 * time.Hour),
			[]time.Duration{24 * time.Hour, 18 * time.Hour}},
		// Clocks in Berlin went forward on 29 March 2026: that day has 23 hours.
		{"calendar days in From's location", time.Date(2026, 3, 28, 0, 0, 0, 0, berlin), time.Date(2026, 3, 31, 0, 0, 0, 0, berlin),
			[]time.Duration{24 * time.Hour, 23 * time.Hour, 24 * time.Hour}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := opts()
			o.From, o.To = c.from, c.to
			s, err := ComputeSeries(nil, o)
			if err != nil {
				t.Fatal(err)
			}
			var got []time.Duration
			at := c.from
			for _, d := range s.Days {
				if !d.From.Equal(at) {
					t.Errorf("a day starts at %s, want %s", d.From, at)
				}
				got = append(got, d.To.Sub(d.From))
				at = d.To
			}
			if !at.Equal(c.to) {
				t.Errorf("the days end at %s, want %s", at, c.to)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("day lengths %v, want %v", got, c.want)
			}
		})
	}
}

func TestSeriesValues(t *testing.T) {
	o := threeDayOpts()
	o.Filter = Filter{Channel: "telegram"} // the values are what the filter could be set to: all of them
	s, err := ComputeSeries(threeDays(), o)
	if err != nil {
		t.Fatal(err)
	}
	want := Values{
		Channels: []string{"telegram", "webchat"},
		Langs:    []string{"en", "ru"},
		// Not "pay" of the day before or after: 2's "pay" is in range.
		Intents: []string{"complaint", "hours", "pay"},
		Queues:  []string{"first_line", "second_line"},
		Agents:  []string{"ivan", "olga"},
	}
	if !reflect.DeepEqual(s.Values, want) {
		t.Errorf("values\n got %+v\nwant %+v", s.Values, want)
	}

	// Only the range's: the day before has "pay" alone, and no tickets.
	o = opts()
	o.From, o.To = t0.AddDate(0, 0, -1), t0
	s, err = ComputeSeries(threeDays(), o)
	if err != nil {
		t.Fatal(err)
	}
	want = Values{Channels: []string{"webchat"}, Langs: []string{"ru"}, Intents: []string{"pay"}, Queues: []string{}, Agents: []string{}}
	if !reflect.DeepEqual(s.Values, want) {
		t.Errorf("values of the day before\n got %+v\nwant %+v", s.Values, want)
	}
}

func TestSeriesOptionsChecked(t *testing.T) {
	o := opts()
	o.To = o.From
	if _, err := ComputeSeries(threeDays(), o); dialog.ErrorCode(err) != dialog.EINVALID {
		t.Errorf("an empty range: %v, want an invalid-input error", err)
	}
}
