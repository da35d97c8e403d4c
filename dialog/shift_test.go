package dialog_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/calendar"
)

// newCalendar builds a calendar in Moscow time or fails the test.
func newCalendar(t *testing.T, hours ...string) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.New(calendar.Config{Zone: "Europe/Moscow", Hours: hours})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestTransferMovesDeadlines checks that a transfer moves a ticket's
// deadlines to the new queue's hours with the working time spent carried
// over, there and back, that the analytics event of the transfer carries
// them, and that a deadline passed already stays.
func TestTransferMovesDeadlines(t *testing.T) {
	always := newCalendar(t, "mon-sun 00:00-24:00")
	h := newHarness(t, withOffice(t), func(c *dialog.Config) { c.Hours["second_line"] = always })
	clock := moscow(t, 2026, 12, 14, 16, 0) // a Monday
	h.engine.SetClock(func() time.Time { return clock })
	tk := h.send("a", "/human").Ticket
	// Normal: 4 working hours to the first reply (Mon 16-18, Tue 9-11),
	// 24 to the resolution (Mon 2, Tue 9, Wed 9, Thu 4).
	if want := moscow(t, 2026, 12, 15, 11, 0); !tk.FirstResponseDue.Equal(want) {
		t.Fatalf("first response due %s, want %s", tk.FirstResponseDue, want)
	}
	if want := moscow(t, 2026, 12, 17, 13, 0); !tk.ResolutionDue.Equal(want) {
		t.Fatalf("resolution due %s, want %s", tk.ResolutionDue, want)
	}

	// An hour later, 3 working hours of the first response and 23 of the
	// resolution are left; second_line works round the clock.
	clock = moscow(t, 2026, 12, 14, 17, 0)
	moved, err := h.engine.Transfer(h.ctx, act(tk.Number, "Olga"), "second_line", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := moscow(t, 2026, 12, 14, 20, 0); !moved.FirstResponseDue.Equal(want) {
		t.Errorf("in second_line, first response due %s, want %s", moved.FirstResponseDue, want)
	}
	if want := moscow(t, 2026, 12, 15, 16, 0); !moved.ResolutionDue.Equal(want) {
		t.Errorf("in second_line, resolution due %s, want %s", moved.ResolutionDue, want)
	}
	events, err := h.store.Activities(h.ctx, dialog.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	for _, e := range events {
		if e.Kind == dialog.ActivityTransferred {
			last = e
		}
	}
	if last.Kind != dialog.ActivityTransferred || !last.FirstResponseDue.Equal(moved.FirstResponseDue) ||
		!last.ResolutionDue.Equal(moved.ResolutionDue) {
		t.Errorf("transfer event %+v does not carry the new deadlines", last)
	}

	// Back at 18:30: 1.5 hours of the first response are left, which the
	// office hours give on Tuesday from 09:00.
	clock = moscow(t, 2026, 12, 14, 18, 30)
	back, err := h.engine.Transfer(h.ctx, act(tk.Number, "Olga"), "first_line", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := moscow(t, 2026, 12, 15, 10, 30); !back.FirstResponseDue.Equal(want) {
		t.Errorf("back in first_line, first response due %s, want %s", back.FirstResponseDue, want)
	}
	if got := h.ticket(tk.Number); !got.FirstResponseDue.Equal(back.FirstResponseDue) {
		t.Errorf("stored first response due %s, want %s", got.FirstResponseDue, back.FirstResponseDue)
	}

	// Past the first response deadline, a transfer leaves it missed.
	clock = moscow(t, 2026, 12, 15, 12, 0)
	late, err := h.engine.Transfer(h.ctx, act(tk.Number, "Olga"), "second_line", "")
	if err != nil {
		t.Fatal(err)
	}
	if !late.FirstResponseDue.Equal(back.FirstResponseDue) || !late.Breached(clock) {
		t.Errorf("a missed deadline moved: %s, was %s", late.FirstResponseDue, back.FirstResponseDue)
	}
}

// TestQueuedTicketsAssignedWhenHoursOpen checks that a ticket queued out
// of hours is given to an agent by the sweep once the queue opens and the
// agent is online, once, and not before.
func TestQueuedTicketsAssignedWhenHoursOpen(t *testing.T) {
	h := newHarness(t, withOffice(t), func(c *dialog.Config) { c.AutoAssign = true })
	clock := moscow(t, 2026, 12, 4, 19, 30) // Friday evening
	h.engine.SetClock(func() time.Time { return clock })
	h.addAgent("anna", dialog.RoleAgent, clock)
	tk := h.send("a", "/human").Ticket
	if tk.Status != dialog.TicketQueued {
		t.Fatalf("out of hours: %+v, want it queued", tk)
	}
	sweep := dialog.NewQueuedAssignments(h.engine, 0, slog.New(slog.DiscardHandler))
	check := func(want int) {
		t.Helper()
		if n, err := sweep.Sweep(h.ctx); err != nil || n != want {
			t.Fatalf("at %s: sweep assigned %d, %v; want %d", clock, n, err, want)
		}
	}
	check(0) // still Friday evening
	clock = moscow(t, 2026, 12, 5, 12, 0)
	h.seen("anna", clock)
	check(0) // Saturday: closed, though anna is online

	clock = moscow(t, 2026, 12, 7, 9, 0) // Monday's opening; anna not seen since Saturday
	check(0)
	h.seen("anna", clock)
	check(1)
	check(0)
	got := h.ticket(tk.Number)
	if got.Status != dialog.TicketAssigned || got.Assignee != "anna" {
		t.Errorf("after the sweep: %+v, want it assigned to anna", got)
	}
	if msgs := h.customerMessages(tk.ConversationID, "подключился специалист anna"); len(msgs) != 1 {
		t.Errorf("the customer was told %d times that anna joined, want 1", len(msgs))
	}

	off := newHarness(t, withOffice(t))
	off.engine.SetClock(func() time.Time { return clock })
	off.addAgent("anna", dialog.RoleAgent, clock)
	off.send("a", "/human")
	if n, err := dialog.NewQueuedAssignments(off.engine, 0, slog.New(slog.DiscardHandler)).Sweep(off.ctx); err != nil || n != 0 {
		t.Errorf("without auto_assign, the sweep assigned %d, %v", n, err)
	}
}

// seen marks the user name as seen in the panel at at.
func (h *harness) seen(name string, at time.Time) {
	h.t.Helper()
	err := h.store.Update(h.ctx, func(tx dialog.Tx) error {
		u, err := tx.UserByName(h.ctx, name)
		if err != nil {
			return err
		}
		u.LastSeenAt = at
		return tx.UpdateUser(h.ctx, u)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// TestAgentShifts checks that auto-assignment gives tickets only to agents
// on shift, within their queue's hours too, and that an agent without a
// shift works the queue's hours.
func TestAgentShifts(t *testing.T) {
	mornings := newCalendar(t, "mon-fri 09:00-13:00")
	weekend := newCalendar(t, "sat,sun 10:00-16:00")
	h := newHarness(t, withOffice(t), func(c *dialog.Config) {
		c.AutoAssign = true
		c.Shifts = map[string]*calendar.Calendar{"anna": mornings, "boris": weekend}
	})
	clock := moscow(t, 2026, 12, 7, 10, 0) // Monday morning
	h.engine.SetClock(func() time.Time { return clock })
	h.addAgent("anna", dialog.RoleAgent, clock)
	h.addAgent("boris", dialog.RoleAgent, clock)
	if got := h.send("a", "/human").Ticket; got.Assignee != "anna" {
		t.Errorf("Monday 10:00: %+v, want it given to anna, on shift", got)
	}

	clock = moscow(t, 2026, 12, 7, 14, 0) // anna's shift is over; boris's is at the weekend
	h.seen("anna", clock)
	h.seen("boris", clock)
	if got := h.send("b", "/human").Ticket; got.Status != dialog.TicketQueued {
		t.Errorf("Monday 14:00: %+v, want it queued: nobody on shift", got)
	}

	clock = moscow(t, 2026, 12, 5, 11, 0) // Saturday: boris's shift, but the queue is closed
	h.seen("boris", clock)
	if got := h.send("c", "/human").Ticket; got.Status != dialog.TicketQueued {
		t.Errorf("Saturday: %+v, want it queued: the queue is closed", got)
	}

	clock = moscow(t, 2026, 12, 7, 15, 0)
	h.addAgent("vera", dialog.RoleAgent, clock) // no shift: the queue's hours
	if got := h.send("d", "/human").Ticket; got.Assignee != "vera" {
		t.Errorf("Monday 15:00: %+v, want it given to vera, without a shift", got)
	}
}

// TestLateNoticeInWorkingTime checks that the late notice's window is
// working time, that none is sent out of hours, that its time is in the
// calendar's zone, and that it promises no sooner than an agent of the
// queue is on shift.
func TestLateNoticeInWorkingTime(t *testing.T) {
	for _, c := range []struct {
		name   string
		shifts map[string]*calendar.Calendar
		want   string
	}{
		{"agents without shifts", nil, "Рассчитываем ответить до 09:10."},
		{"first shift at noon", map[string]*calendar.Calendar{"anna": newCalendar(t, "mon-fri 12:00-18:00")},
			"Рассчитываем ответить до 12:10."},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, withOffice(t), func(cfg *dialog.Config) {
				cfg.LateNoticeBefore = 10 * time.Minute
				cfg.Location = time.UTC // the calendar's zone comes first
				cfg.Shifts = c.shifts
			})
			clock := moscow(t, 2026, 12, 4, 14, 10) // Friday
			h.engine.SetClock(func() time.Time { return clock })
			h.addAgent("anna", dialog.RoleAgent, clock)
			tk := h.send("a", "/human").Ticket
			// 3h50 on Friday, 10 minutes on Monday.
			if want := moscow(t, 2026, 12, 7, 9, 10); !tk.FirstResponseDue.Equal(want) {
				t.Fatalf("first response due %s, want %s", tk.FirstResponseDue, want)
			}
			notices := dialog.NewLateNotices(h.engine, 0, slog.New(slog.DiscardHandler))
			for _, at := range []time.Time{
				moscow(t, 2026, 12, 4, 17, 55), // 15 working minutes left
				moscow(t, 2026, 12, 4, 18, 0),  // 10 left, but closed
				moscow(t, 2026, 12, 5, 12, 0),  // Saturday
				moscow(t, 2026, 12, 7, 8, 58),  // Monday, 12 minutes before, closed
			} {
				clock = at
				if n, err := notices.Sweep(h.ctx); err != nil || n != 0 {
					t.Fatalf("at %s: sweep sent %d, %v; want none", at, n, err)
				}
			}
			clock = moscow(t, 2026, 12, 7, 9, 0)
			if n, err := notices.Sweep(h.ctx); err != nil || n != 1 {
				t.Fatalf("at Monday's opening: sweep sent %d, %v; want 1", n, err)
			}
			if got := h.customerMessages(tk.ConversationID, c.want); len(got) != 1 {
				all := h.customerMessages(tk.ConversationID, "задерживаемся")
				t.Errorf("want one notice %q, got %d: %v", c.want, len(got), all)
			}
		})
	}
}
