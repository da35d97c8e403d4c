package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// testWaitingDue checks which tickets waiting for the customer the
// waiting sweep is given: not reminded and waiting long enough for the
// reminder, reminded long enough ago to close, or, without reminders,
// waiting long enough to close; never another status, and at most limit,
// by id.
func testWaitingDue(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	mk := func(chat string, status dialog.TicketStatus, since, reminded time.Time) string {
		c := ensure(t, s, "test", "waiting-"+chat)
		return createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: status, WaitingSince: since, RemindedAt: reminded}).Number
	}
	fresh := mk("fresh", dialog.TicketWaiting, at(-10), time.Time{})   // too early for anything
	remind := mk("remind", dialog.TicketWaiting, at(-50), time.Time{}) // due its reminder
	reminded := mk("reminded", dialog.TicketWaiting, at(-60), at(-10)) // reminded lately
	closing := mk("closing", dialog.TicketWaiting, at(-150), at(-80))  // reminded long ago
	mk("assigned", dialog.TicketAssigned, time.Time{}, time.Time{})    // not waiting
	mk("closed", dialog.TicketClosed, time.Time{}, time.Time{})        // not waiting
	long := mk("long", dialog.TicketWaiting, at(-100), time.Time{})    // long, never reminded
	_ = fresh

	check := func(what string, remindBefore, closeBefore time.Time, limit int, want ...string) {
		t.Helper()
		got, err := s.WaitingDue(ctx, remindBefore, closeBefore, limit)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s: WaitingDue = %v, want %v", what, got, want)
		}
	}
	// Remind after 48h, close 72h after the reminder.
	check("both", at(-48), at(-72), 10, remind, closing, long)
	check("both, limited", at(-48), at(-72), 2, remind, closing)
	// No closing: reminders only.
	check("reminders only", at(-48), time.Time{}, 10, remind, long)
	// No reminders: close 72h after the start (or after a reminder sent
	// while they were on).
	check("closing only", time.Time{}, at(-72), 10, closing, long)
	check("neither", time.Time{}, time.Time{}, 10)
	_ = reminded
}

// testWaitingTicket checks that a ticket's waiting times are saved and
// read back, cleared when it stops waiting, and that a waiting ticket
// counts as held by its agent and is judged for SLA breaches as of when
// it began waiting.
func testWaitingTicket(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c := ensure(t, s, "test", "waiting")
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketAssigned, Assignee: "olga",
		Queue: "first_line", ResolutionDue: base.Add(time.Hour)})
	tk.Status, tk.WaitingSince, tk.RemindedAt = dialog.TicketWaiting, base, base.Add(30*time.Minute)
	update(t, s, func(tx dialog.Tx) error { return tx.UpdateTicket(ctx, tk) })
	got, err := s.Ticket(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkTicket(t, "waiting ticket", got, tk)

	load, err := s.OpenTicketLoad(ctx)
	if err != nil || load["olga"] != 1 {
		t.Errorf("OpenTicketLoad = %v, %v; want the waiting ticket counted for olga", load, err)
	}
	// Two hours on, the resolution deadline passed, but the ticket
	// waits since before it: no breach.
	stats, err := s.QueueStats(ctx, base.Add(2*time.Hour))
	if err != nil || len(stats) != 1 || stats[0].Waiting != 1 || stats[0].Assigned != 0 || stats[0].Breached != 0 {
		t.Errorf("QueueStats = %+v, %v; want one waiting, not breached", stats, err)
	}
	if list, err := s.DeadlinesDue(ctx, base, base.Add(2*time.Hour)); err != nil || len(list) != 0 {
		t.Errorf("DeadlinesDue = %v, %v; want none for a waiting ticket", list, err)
	}
	waiting, err := s.Tickets(ctx, dialog.TicketFilter{Statuses: []dialog.TicketStatus{dialog.TicketWaiting}})
	if err != nil || len(waiting) != 1 || waiting[0].ID != tk.ID {
		t.Errorf("Tickets(waiting) = %v, %v", waiting, err)
	}

	tk.Status, tk.WaitingSince, tk.RemindedAt = dialog.TicketAssigned, time.Time{}, time.Time{}
	update(t, s, func(tx dialog.Tx) error { return tx.UpdateTicket(ctx, tk) })
	if got, err = s.Ticket(ctx, tk.ID); err != nil {
		t.Fatal(err)
	}
	checkTicket(t, "ticket back from waiting", got, tk)
	stats, err = s.QueueStats(ctx, base.Add(2*time.Hour))
	if err != nil || len(stats) != 1 || stats[0].Assigned != 1 || stats[0].Breached != 1 {
		t.Errorf("QueueStats = %+v, %v; want one assigned, breached", stats, err)
	}
}
