package dialog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/calendar"
)

// withOffice gives the default queue Moscow office hours, weekdays
// 09:00-18:00, with 8 December 2026 a holiday and the New Year's
// holidays from 28 December to 8 January.
func withOffice(t *testing.T) func(*dialog.Config) {
	cal, err := calendar.New(calendar.Config{Zone: "Europe/Moscow", Hours: []string{"mon-fri 09:00-18:00"},
		Holidays: []string{"2026-12-08", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31",
			"2027-01-01", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"}})
	if err != nil {
		t.Fatal(err)
	}
	return func(c *dialog.Config) { c.Hours = map[string]*calendar.Calendar{"": cal} }
}

func moscow(t *testing.T, y int, m time.Month, d, hh, mm int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// TestHoursFridayEveningDueMonday checks that a ticket escalated on Friday
// evening gets SLA deadlines counted in working time from Monday's
// opening, that the customer is told when people are back and how long
// after, and that the wait told later still counts working time.
func TestHoursFridayEveningDueMonday(t *testing.T) {
	h := newHarness(t, withOffice(t))
	clock := moscow(t, 2026, 12, 4, 19, 30) // a Friday
	h.engine.SetClock(func() time.Time { return clock })
	out := h.send("a", "/human")
	if out.Ticket == nil {
		t.Fatalf("no ticket: %+v", out.Replies)
	}
	// Normal priority: 4h to the first reply, 24h to the resolution;
	// Tuesday 8 December is a holiday.
	if want := moscow(t, 2026, 12, 7, 13, 0); !out.Ticket.FirstResponseDue.Equal(want) {
		t.Errorf("first response due %s, want %s", out.Ticket.FirstResponseDue, want)
	}
	if want := moscow(t, 2026, 12, 10, 15, 0); !out.Ticket.ResolutionDue.Equal(want) {
		t.Errorf("resolution due %s, want %s", out.Ticket.ResolutionDue, want)
	}
	h.expect(out, dialog.StateQueued, "Сейчас нерабочее время: специалисты вернутся в понедельник в 09:00 и ответят в этом же чате в течение 4 часов")

	// On Sunday the wait is still the 4 working hours from Monday's
	// opening, and the acknowledgement says when that is.
	clock = moscow(t, 2026, 12, 6, 12, 0)
	h.expect(h.send("a", "номер договора 123"), dialog.StateQueued,
		"Добавил это к обращению "+out.Ticket.Number+". Сейчас нерабочее время: специалисты вернутся завтра в 09:00 и ответят в течение 4 часов.")
	// On Monday at 11:00, 2 of them are left.
	clock = moscow(t, 2026, 12, 7, 11, 0)
	h.expect(h.send("a", "вы тут?"), dialog.StateQueued, "По нашим срокам специалист ответит в течение 2 часов.")

	// The stored ticket and the breach count agree.
	tk, err := h.store.TicketByNumber(h.ctx, out.Ticket.Number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Breached(moscow(t, 2026, 12, 7, 12, 59)) || !tk.Breached(moscow(t, 2026, 12, 7, 13, 1)) {
		t.Errorf("breach of a ticket due Monday 13:00: %+v", tk)
	}
}

// TestHoursOpensText checks how the next opening is told, and that in
// working hours nothing changes.
func TestHoursOpensText(t *testing.T) {
	for _, c := range []struct {
		name       string
		at         time.Time
		text       string
		want       string
		firstReply time.Time
	}{
		{"in hours", moscow(t, 2026, 12, 3, 10, 0), "/human",
			"Вам ответит человек в этом же чате", moscow(t, 2026, 12, 3, 14, 0)},
		{"before opening", moscow(t, 2026, 12, 3, 7, 0), "let me talk to a person",
			"We are closed now: our team is back today at 09:00 and will answer in this chat within 4 hours", moscow(t, 2026, 12, 3, 13, 0)},
		{"evening", moscow(t, 2026, 12, 3, 18, 0), "let me talk to a person",
			"our team is back tomorrow at 09:00", moscow(t, 2026, 12, 4, 13, 0)},
		{"before the holiday", moscow(t, 2026, 12, 7, 20, 0), "/human",
			"специалисты вернутся в среду в 09:00", moscow(t, 2026, 12, 9, 13, 0)},
		{"before the holiday, in English", moscow(t, 2026, 12, 7, 20, 0), "let me talk to a person",
			"our team is back on Wednesday at 09:00", moscow(t, 2026, 12, 9, 13, 0)},
		{"New Year", moscow(t, 2026, 12, 25, 19, 0), "/human",
			"специалисты вернутся 11 января в 09:00", moscow(t, 2027, 1, 11, 13, 0)},
		{"New Year, in English", moscow(t, 2026, 12, 25, 19, 0), "let me talk to a person",
			"our team is back on 11 January at 09:00", moscow(t, 2027, 1, 11, 13, 0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, withOffice(t))
			h.engine.SetClock(func() time.Time { return c.at })
			out := h.send("a", c.text)
			if out.Ticket == nil {
				t.Fatalf("no ticket: %+v", out.Replies)
			}
			h.expect(out, dialog.StateQueued, c.want)
			if !out.Ticket.FirstResponseDue.Equal(c.firstReply) {
				t.Errorf("first response due %s, want %s", out.Ticket.FirstResponseDue, c.firstReply)
			}
			if c.name == "in hours" && strings.Contains(out.Replies[0].Text, "нерабочее") {
				t.Errorf("in hours: %q", out.Replies[0].Text)
			}
		})
	}
}

// TestHoursPerQueue checks that a queue's own hours win over the default
// and that without any hours the deadlines are wall-clock time.
func TestHoursPerQueue(t *testing.T) {
	always, err := calendar.New(calendar.Config{Hours: []string{"mon-sun 00:00-24:00"}})
	if err != nil {
		t.Fatal(err)
	}
	office := withOffice(t)
	at := moscow(t, 2026, 12, 4, 19, 30)
	for _, c := range []struct {
		name string
		opt  func(*dialog.Config)
	}{
		{"queue open all week", func(cfg *dialog.Config) {
			office(cfg)
			cfg.Hours[cfg.DefaultQueue] = always
		}},
		{"no hours", func(*dialog.Config) {}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.opt)
			h.engine.SetClock(func() time.Time { return at })
			out := h.send("a", "/human")
			if want := at.Add(4 * time.Hour); !out.Ticket.FirstResponseDue.Equal(want) {
				t.Errorf("first response due %s, want %s", out.Ticket.FirstResponseDue, want)
			}
			if strings.Contains(out.Replies[0].Text, "нерабочее") {
				t.Errorf("told of hours: %q", out.Replies[0].Text)
			}
		})
	}
}

// TestHoursAutoAssignOnShift checks that auto-assignment gives tickets
// only within the queue's working hours, the agents' shift: out of them
// an online agent is not given the ticket, and a queue with hours of its
// own follows those.
func TestHoursAutoAssignOnShift(t *testing.T) {
	always, err := calendar.New(calendar.Config{Hours: []string{"mon-sun 00:00-24:00"}})
	if err != nil {
		t.Fatal(err)
	}
	office := withOffice(t)
	h := newHarness(t, office, func(c *dialog.Config) { c.AutoAssign = true })
	clock := moscow(t, 2026, 12, 4, 19, 30) // Friday evening
	h.engine.SetClock(func() time.Time { return clock })
	h.addAgent("anna", dialog.RoleAgent, clock)
	if out := h.send("a", "/human"); out.Ticket.Status != dialog.TicketQueued || out.Ticket.Assignee != "" {
		t.Errorf("out of hours: %+v, want it queued", out.Ticket)
	}
	clock = moscow(t, 2026, 12, 7, 9, 30) // Monday morning
	h.addAgent("boris", dialog.RoleAgent, clock)
	if out := h.send("b", "/human"); out.Ticket.Assignee != "boris" {
		t.Errorf("in hours: %+v, want it given to boris", out.Ticket)
	}

	h = newHarness(t, office, func(c *dialog.Config) {
		c.AutoAssign = true
		c.Hours[c.DefaultQueue] = always
	})
	clock = moscow(t, 2026, 12, 4, 19, 30)
	h.engine.SetClock(func() time.Time { return clock })
	h.addAgent("anna", dialog.RoleAgent, clock)
	if out := h.send("a", "/human"); out.Ticket.Assignee != "anna" {
		t.Errorf("a queue open all week: %+v, want it given to anna", out.Ticket)
	}
}
