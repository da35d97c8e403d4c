package storetest

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

func testTicketSearch(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "webchat", "chat-1")
	add := func(name string, status dialog.TicketStatus) *dialog.Ticket {
		return createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: status, CustomerName: name})
	}
	// In order of creation: oldest first.
	annaPetrova := add("Анна Петрова", dialog.TicketQueued)
	anna := add("АННА", dialog.TicketQueued)
	annaSmith := add("anna smith", dialog.TicketQueued)
	ivan := add("Иван", dialog.TicketClosed)
	alena := add("АЛЁНА", dialog.TicketQueued)
	sure := add("100%_sure", dialog.TicketQueued)
	nameless := add("", dialog.TicketQueued)
	open := []dialog.TicketStatus{dialog.TicketQueued, dialog.TicketAssigned}

	tests := []struct {
		name   string
		filter dialog.TicketFilter
		want   []*dialog.Ticket
	}{
		{"cyrillic lower", dialog.TicketFilter{Search: "анна"}, []*dialog.Ticket{anna, annaPetrova}},
		{"cyrillic mixed case", dialog.TicketFilter{Search: "аНнА"}, []*dialog.Ticket{anna, annaPetrova}},
		{"cyrillic upper", dialog.TicketFilter{Search: "ИВАН"}, []*dialog.Ticket{ivan}},
		{"cyrillic yo", dialog.TicketFilter{Search: "алёна"}, []*dialog.Ticket{alena}},
		{"inside the name", dialog.TicketFilter{Search: "петр"}, []*dialog.Ticket{annaPetrova}},
		{"latin", dialog.TicketFilter{Search: "ANNA"}, []*dialog.Ticket{annaSmith}},
		{"across a space", dialog.TicketFilter{Search: "a s"}, []*dialog.Ticket{annaSmith}},
		{"number", dialog.TicketFilter{Search: ivan.Number}, []*dialog.Ticket{ivan}},
		{"number lower case", dialog.TicketFilter{Search: strings.ToLower(nameless.Number)}, []*dialog.Ticket{nameless}},
		{"part of a number", dialog.TicketFilter{Search: nameless.Number[:5]}, nil},
		{"percent is no wildcard", dialog.TicketFilter{Search: "%"}, []*dialog.Ticket{sure}},
		{"underscore is no wildcard", dialog.TicketFilter{Search: "_"}, []*dialog.Ticket{sure}},
		{"nothing", dialog.TicketFilter{Search: "nobody"}, nil},
		{"with statuses", dialog.TicketFilter{Search: "иван", Statuses: open}, nil},
		{"with limit", dialog.TicketFilter{Search: "анна", Limit: 1}, []*dialog.Ticket{anna}},
		{"in queue order", dialog.TicketFilter{Search: "анна", Order: dialog.OrderQueue}, []*dialog.Ticket{annaPetrova, anna}},
		// The number or the name matches, but only within the queues.
		{"number outside the queues", dialog.TicketFilter{Search: ivan.Number, Queues: []string{"billing"}}, nil},
		{"name outside the queues", dialog.TicketFilter{Search: "анна", Queues: []string{"billing"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.Tickets(t.Context(), tt.filter)
			if err != nil {
				t.Fatalf("Tickets: %v", err)
			}
			got, want := ticketNames(list), ticketNames(tt.want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Tickets(%+v) = %q, want %q", tt.filter, got, want)
			}
		})
	}
}

// ticketNames returns the customer names of list, in order, with the
// number for a ticket without a name; nil for an empty list.
func ticketNames(list []*dialog.Ticket) []string {
	var names []string
	for _, tk := range list {
		if tk.CustomerName == "" {
			names = append(names, tk.Number)
		} else {
			names = append(names, tk.CustomerName)
		}
	}
	return names
}

func testTicketQueueOrder(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "webchat", "chat-1")
	base := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return base.Add(d) }

	// Created in this order, so that ids say nothing of the queue order.
	// The customer name says what the ticket is.
	tickets := []*dialog.Ticket{
		{CustomerName: "low, due now", Priority: "low", FirstResponseDue: at(0)},
		{CustomerName: "normal, no SLA, older", Priority: "normal"},
		{CustomerName: "urgent, responded, resolution in 60m", Priority: "urgent",
			FirstResponseDue: at(5 * time.Minute), FirstResponseAt: at(-time.Minute), ResolutionDue: at(time.Hour)},
		{CustomerName: "unknown priority, overdue", Priority: "", FirstResponseDue: at(-time.Hour)},
		{CustomerName: "high, due in 1m, older", Priority: "high", FirstResponseDue: at(time.Minute)},
		// Closed: works towards no deadline any more, however overdue.
		{CustomerName: "normal, closed", Priority: "normal", Status: dialog.TicketClosed,
			FirstResponseDue: at(-2 * time.Hour), ResolutionDue: at(-time.Hour), ClosedAt: at(-time.Minute)},
		{CustomerName: "urgent, due in 10m", Priority: "urgent", FirstResponseDue: at(10 * time.Minute)},
		// No first response due: the resolution is next.
		{CustomerName: "normal, resolution in 2m", Priority: "normal", ResolutionDue: at(2 * time.Minute)},
		{CustomerName: "urgent, no SLA", Priority: "urgent"},
		// No first response yet: that deadline counts, not the earlier
		// resolution one.
		{CustomerName: "normal, due in 30m", Priority: "normal",
			FirstResponseDue: at(30 * time.Minute), ResolutionDue: at(time.Minute)},
		{CustomerName: "high, due in 1m, newer", Priority: "high", FirstResponseDue: at(time.Minute)},
		{CustomerName: "normal, no SLA, newer", Priority: "normal"},
		{CustomerName: "custom priority, no SLA", Priority: "vip"},
		// Responded, and no resolution due: no deadline left.
		{CustomerName: "urgent, responded, no resolution due", Priority: "urgent",
			FirstResponseDue: at(time.Minute), FirstResponseAt: at(0)},
	}
	for _, tk := range tickets {
		tk.ConversationID = c.ID
		if tk.Status == "" {
			tk.Status = dialog.TicketQueued
		}
		createTicket(t, s, tk)
	}

	want := []string{
		"urgent, due in 10m",
		"urgent, responded, resolution in 60m",
		"urgent, no SLA",
		"urgent, responded, no resolution due",
		"high, due in 1m, older",
		"high, due in 1m, newer",
		"normal, resolution in 2m",
		"normal, due in 30m",
		"normal, no SLA, older",
		"normal, closed",
		"normal, no SLA, newer",
		"low, due now",
		"unknown priority, overdue",
		"custom priority, no SLA",
	}

	// The expected order is the one the domain types define.
	sorted := slices.Clone(tickets)
	slices.SortStableFunc(sorted, compareQueue)
	if got := ticketNames(sorted); !reflect.DeepEqual(got, want) {
		t.Fatalf("the test disagrees with dialog.PriorityRank and Ticket.NextDue:\n got %q\nwant %q", got, want)
	}

	list, err := s.Tickets(t.Context(), dialog.TicketFilter{Order: dialog.OrderQueue})
	if err != nil {
		t.Fatalf("Tickets: %v", err)
	}
	if got := ticketNames(list); !reflect.DeepEqual(got, want) {
		t.Errorf("queue order:\n got %q\nwant %q", got, want)
	}

	// Filters and a limit apply before the order.
	list, err = s.Tickets(t.Context(), dialog.TicketFilter{
		Order:    dialog.OrderQueue,
		Statuses: []dialog.TicketStatus{dialog.TicketQueued},
		Limit:    10,
	})
	if err != nil {
		t.Fatalf("Tickets: %v", err)
	}
	wantOpen := slices.DeleteFunc(slices.Clone(want), func(name string) bool { return name == "normal, closed" })[:10]
	if got := ticketNames(list); !reflect.DeepEqual(got, wantOpen) {
		t.Errorf("queue order of queued tickets, limit 10:\n got %q\nwant %q", got, wantOpen)
	}

	// A first response moves a ticket on to its resolution deadline.
	first := list[0]
	first.FirstResponseAt = at(0)
	first.ResolutionDue = at(3 * time.Hour)
	update(t, s, func(tx dialog.Tx) error {
		return tx.UpdateTicket(t.Context(), first)
	})
	list, err = s.Tickets(t.Context(), dialog.TicketFilter{Order: dialog.OrderQueue, Limit: 3})
	if err != nil {
		t.Fatalf("Tickets: %v", err)
	}
	wantTop := []string{"urgent, responded, resolution in 60m", "urgent, due in 10m", "urgent, no SLA"}
	if got := ticketNames(list); !reflect.DeepEqual(got, wantTop) {
		t.Errorf("queue order after a first response:\n got %q\nwant %q", got, wantTop)
	}
}

// compareQueue orders tickets as dialog.OrderQueue says, from the domain
// types: priority rank, then the next deadline (none last), then id.
func compareQueue(a, b *dialog.Ticket) int {
	if ra, rb := dialog.PriorityRank(a.Priority), dialog.PriorityRank(b.Priority); ra != rb {
		return ra - rb
	}
	da, db := a.NextDue(), b.NextDue()
	switch {
	case da.IsZero() && !db.IsZero():
		return 1
	case !da.IsZero() && db.IsZero():
		return -1
	case !da.Equal(db):
		return da.Compare(db)
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

func testQueueStats(t *testing.T, s dialog.Store) {
	now := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return now.Add(d) }

	stats, err := s.QueueStats(t.Context(), now)
	if err != nil || len(stats) != 0 {
		t.Fatalf("QueueStats of an empty store = %+v, %v; want none", stats, err)
	}

	c := ensure(t, s, "webchat", "chat-1")
	// Created in this order: the ticket assigned first is the oldest, and
	// must not count as waiting.
	tickets := []*dialog.Ticket{
		{CustomerName: "assigned, replied in time", Queue: "first_line", Status: dialog.TicketAssigned,
			FirstResponseDue: at(-2 * time.Hour), FirstResponseAt: at(-3 * time.Hour), ResolutionDue: at(time.Hour)},
		{CustomerName: "queued, no SLA", Queue: "first_line"},
		{CustomerName: "queued, first response overdue", Queue: "first_line", FirstResponseDue: at(-time.Hour)},
		{CustomerName: "queued, due this instant", Queue: "first_line", FirstResponseDue: at(0), ResolutionDue: at(0)},
		{CustomerName: "assigned, replied late", Queue: "first_line", Status: dialog.TicketAssigned,
			FirstResponseDue: at(-2 * time.Hour), FirstResponseAt: at(-time.Hour), ResolutionDue: at(time.Hour)},
		{CustomerName: "closed, overdue", Queue: "first_line", Status: dialog.TicketClosed,
			FirstResponseDue: at(-2 * time.Hour), ClosedAt: at(-time.Minute)},
		{CustomerName: "assigned, resolution overdue", Queue: "second_line", Status: dialog.TicketAssigned,
			FirstResponseDue: at(-time.Hour), FirstResponseAt: at(-2 * time.Hour), ResolutionDue: at(-time.Minute)},
		{CustomerName: "queued, due later", Queue: "second_line", FirstResponseDue: at(time.Hour)},
		{CustomerName: "closed only", Queue: "third_line", Status: dialog.TicketClosed, ClosedAt: at(-time.Hour)},
		{CustomerName: "alone, no SLA", Queue: "vip"},
	}
	for _, tk := range tickets {
		tk.ConversationID = c.ID
		if tk.Status == "" {
			tk.Status = dialog.TicketQueued
		}
		createTicket(t, s, tk)
	}
	// The ticket with no SLA was created before the overdue one, but
	// changed after it (as a transfer into the queue would change it):
	// the overdue one has waited longest.
	noSLA := tickets[1]
	update(t, s, func(tx dialog.Tx) error { return tx.UpdateTicket(t.Context(), noSLA) })

	want := []dialog.QueueStat{
		{Queue: "first_line", Queued: 3, Assigned: 2, WaitingSince: tickets[2].UpdatedAt, Breached: 2},
		{Queue: "second_line", Queued: 1, Assigned: 1, WaitingSince: tickets[7].UpdatedAt, Breached: 1},
		{Queue: "vip", Queued: 1, WaitingSince: tickets[9].UpdatedAt},
	}
	// The expected breaches are the ones the domain type defines.
	breached := map[string]int{}
	for _, tk := range tickets {
		if tk.Open() && tk.Breached(now) {
			breached[tk.Queue]++
		}
	}
	if breached["first_line"] != want[0].Breached || breached["second_line"] != want[1].Breached || len(breached) != 2 {
		t.Fatalf("the test disagrees with Ticket.Breached: %v", breached)
	}

	stats, err = s.QueueStats(t.Context(), now)
	if err != nil {
		t.Fatalf("QueueStats: %v", err)
	}
	if len(stats) != len(want) {
		t.Fatalf("QueueStats = %+v, want %+v", stats, want)
	}
	for i, w := range want {
		g := stats[i]
		checkTime(t, w.Queue+" WaitingSince", g.WaitingSince, w.WaitingSince)
		g.WaitingSince, w.WaitingSince = time.Time{}, time.Time{}
		if g != w {
			t.Errorf("QueueStats[%d] = %+v, want %+v", i, g, w)
		}
	}

	// Later, everything open with a deadline is past it; a queue with
	// nobody waiting has no waiting time.
	if err := s.Update(t.Context(), func(tx dialog.Tx) error {
		h := tickets[7]
		h.Status, h.Assignee = dialog.TicketAssigned, "olga"
		return tx.UpdateTicket(t.Context(), h)
	}); err != nil {
		t.Fatal(err)
	}
	stats, err = s.QueueStats(t.Context(), at(2*time.Hour))
	if err != nil {
		t.Fatalf("QueueStats: %v", err)
	}
	if len(stats) != 3 || stats[0].Breached != 4 || stats[1].Breached != 2 || stats[2].Breached != 0 ||
		stats[1].Queued != 0 || stats[1].Assigned != 2 || !stats[1].WaitingSince.IsZero() {
		t.Errorf("QueueStats two hours on = %+v", stats)
	}
}
