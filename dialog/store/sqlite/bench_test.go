package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/storetest"
)

// BenchmarkUpdateAddMessage measures one turn's write; each commit waits
// for the disk (synchronous=FULL).
func BenchmarkUpdateAddMessage(b *testing.B) {
	storetest.BenchmarkUpdateAddMessage(b, openTest(b))
}

// fillTickets stores n tickets in one conversation: every twentieth open,
// spread over three queues and four priorities, with SLA deadlines.
func fillTickets(b *testing.B, db *DB, n int) {
	b.Helper()
	ctx := b.Context()
	queues := []string{"billing", "delivery", "general"}
	priorities := []string{"urgent", "high", "normal", "low"}
	base := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	err := db.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		if err != nil {
			return err
		}
		for i := range n {
			tk := &dialog.Ticket{
				ConversationID:   c.ID,
				Status:           dialog.TicketClosed,
				Priority:         priorities[i%len(priorities)],
				Queue:            queues[i%len(queues)],
				CustomerName:     fmt.Sprintf("Клиент %d", i),
				FirstResponseDue: base.Add(time.Duration(i%97) * time.Minute),
				ResolutionDue:    base.Add(time.Duration(i%89) * time.Hour),
			}
			if i%20 == 0 {
				tk.Status = dialog.TicketQueued
			}
			if err := tx.CreateTicket(ctx, tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("fill: %v", err)
	}
}

// BenchmarkTicketsQueueOrder measures the panel's queue view: the first
// page of one queue's open tickets in queue order, among 10,000 tickets.
func BenchmarkTicketsQueueOrder(b *testing.B) {
	db := openTest(b)
	fillTickets(b, db, 10_000)
	f := dialog.TicketFilter{
		Statuses: []dialog.TicketStatus{dialog.TicketQueued, dialog.TicketAssigned},
		Queue:    "billing",
		Order:    dialog.OrderQueue,
		Limit:    50,
	}
	for b.Loop() {
		list, err := db.Tickets(b.Context(), f)
		if err != nil {
			b.Fatalf("Tickets: %v", err)
		}
		if len(list) != 50 {
			b.Fatalf("Tickets returned %d tickets, want 50", len(list))
		}
	}
}

// BenchmarkTicketsSearch measures a search by customer name, which reads
// every ticket's name, among 10,000 tickets.
func BenchmarkTicketsSearch(b *testing.B) {
	db := openTest(b)
	fillTickets(b, db, 10_000)
	f := dialog.TicketFilter{Search: "клиент 999", Limit: 50}
	for b.Loop() {
		list, err := db.Tickets(b.Context(), f)
		if err != nil {
			b.Fatalf("Tickets: %v", err)
		}
		if len(list) != 11 { // 999 and 9990..9999
			b.Fatalf("Tickets returned %d tickets, want 11", len(list))
		}
	}
}

// BenchmarkQueueStats measures what each metrics scrape asks of the store
// about tickets, which reads the open ones only: among 10,000 tickets with
// 500 open, and among 100,000 with 5,000 open.
func BenchmarkQueueStats(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			db := openTest(b)
			fillTickets(b, db, n)
			now := time.Date(2030, 1, 3, 12, 0, 0, 0, time.UTC)
			for b.Loop() {
				stats, err := db.QueueStats(b.Context(), now)
				if err != nil {
					b.Fatalf("QueueStats: %v", err)
				}
				if len(stats) != 3 || stats[0].Queued+stats[1].Queued+stats[2].Queued != n/20 {
					b.Fatalf("QueueStats = %+v, want %d queued tickets in three queues", stats, n/20)
				}
			}
		})
	}
}

// fillActivity stores a year of analytics events from start: conversations
// of ten events each, one every ten events' worth of the year, n events in
// all.
func fillActivity(b *testing.B, db *DB, start time.Time, n int) {
	b.Helper()
	ctx := b.Context()
	convs := n / 10
	step := 365 * 24 * time.Hour / time.Duration(convs)
	kinds := []dialog.ActivityKind{dialog.ActivityMessageIn, dialog.ActivityMessageOut, dialog.ActivityAnswered}
	err := db.Update(ctx, func(tx dialog.Tx) error {
		for i := range convs {
			c, err := tx.EnsureConversation(ctx, "webchat", fmt.Sprintf("chat-%d", i))
			if err != nil {
				return err
			}
			at := start.Add(time.Duration(i) * step)
			for j := range 10 {
				a := &dialog.Activity{
					At:             at.Add(time.Duration(j) * time.Minute),
					Kind:           kinds[j%len(kinds)],
					ConversationID: c.ID,
					Channel:        "webchat",
					Lang:           "ru",
					Intent:         "pay",
				}
				if err := tx.AddActivity(ctx, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("fill: %v", err)
	}
}

// BenchmarkActivitiesYear measures what a report of a year reads: every
// event of the conversations active in it, among 200,000 events, in one
// query, and for comparison in pages of 5,000, each of which selects the
// conversations again.
func BenchmarkActivitiesYear(b *testing.B) {
	const n = 200_000
	db := openTest(b)
	from := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	fillActivity(b, db, from, n)
	whole := dialog.ActivityFilter{From: from, To: from.AddDate(1, 0, 0), WholeConversations: true}
	b.Run("one query", func(b *testing.B) {
		for b.Loop() {
			list, err := db.Activities(b.Context(), whole)
			if err != nil {
				b.Fatalf("Activities: %v", err)
			}
			if len(list) != n {
				b.Fatalf("Activities returned %d events, want %d", len(list), n)
			}
		}
	})
	b.Run("pages", func(b *testing.B) {
		for b.Loop() {
			f, total := whole, 0
			f.Limit = 5000
			for {
				page, err := db.Activities(b.Context(), f)
				if err != nil {
					b.Fatalf("Activities: %v", err)
				}
				total += len(page)
				if len(page) < f.Limit {
					break
				}
				f.AfterID = page[len(page)-1].ID
			}
			if total != n {
				b.Fatalf("Activities returned %d events, want %d", total, n)
			}
		}
	})
}

// BenchmarkAttachmentRead reads a 20 MB file whole and in parts.
func BenchmarkAttachmentRead(b *testing.B) {
	storetest.BenchmarkAttachmentRead(b, openTest(b))
}
