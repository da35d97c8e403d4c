package metrics_test

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/calendar"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/metrics"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// fixture is a SQLite store with tickets in several queues and messages
// waiting in the outbox.
type fixture struct {
	store *sqlite.DB
	// oldest and newest are the first and the second queue's longest
	// waiting tickets.
	oldest, newest *dialog.Ticket
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{store: dialogtest.Store(t, nil)}
	ctx := t.Context()
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	tickets := []*dialog.Ticket{
		{Queue: "first_line", Status: dialog.TicketQueued},
		{Queue: "first_line", Status: dialog.TicketQueued, FirstResponseDue: past},
		{Queue: "first_line", Status: dialog.TicketQueued, FirstResponseDue: future},
		{Queue: "first_line", Status: dialog.TicketAssigned, Assignee: "olga", FirstResponseAt: past, ResolutionDue: past},
		{Queue: "first_line", Status: dialog.TicketClosed, FirstResponseDue: past, ClosedAt: time.Now()},
		{Queue: "second_line", Status: dialog.TicketQueued, ResolutionDue: future},
		// A queue the configuration does not name still shows.
		{Queue: "vip", Status: dialog.TicketAssigned, Assignee: "olga"},
		// Waiting for the customer since before its deadline passed: its
		// clock stands still, so no breach.
		{Queue: "vip", Status: dialog.TicketWaiting, Assignee: "olga", ResolutionDue: past, WaitingSince: past.Add(-time.Hour)},
	}
	// Queued a second apart, so that the second queue's ticket waited
	// less than the first queue's.
	start := time.Now().Add(-time.Minute)
	for i, tk := range tickets {
		tk.CreatedAt = start.Add(time.Duration(i) * time.Second)
	}
	err := f.store.Update(ctx, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, "telegram", "42")
		if err != nil {
			return err
		}
		for _, tk := range tickets {
			tk.ConversationID = c.ID
			if err := tx.CreateTicket(ctx, tk); err != nil {
				return err
			}
		}
		// Two replies wait in the Telegram outbox.
		for _, text := range []string{"one", "two"} {
			m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorBot, Text: text}
			if err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
			item := &dialog.OutboxItem{MessageID: m.ID, ConversationID: c.ID, Channel: "telegram", ChatID: "42", Text: text}
			if err := tx.EnqueueOutbox(ctx, item); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.oldest, f.newest = tickets[0], tickets[5]
	return f
}

func TestStoreCollector(t *testing.T) {
	f := newFixture(t)
	// A minute and a half after the first ticket was queued.
	now := f.oldest.UpdatedAt.Add(90 * time.Second)
	c := metrics.NewStoreCollector(f.store, metrics.StoreOptions{
		Queues:   []string{"first_line", "second_line", "third_line"},
		Channels: []string{"telegram", "whatsapp"},
		Now:      func() time.Time { return now },
	})
	secondWaited := strconv.FormatFloat(now.Sub(f.newest.UpdatedAt).Seconds(), 'g', -1, 64)
	want := `
# HELP firstline_queue_tickets Open tickets of each queue: queued (waiting for an agent), assigned, or waiting (for the customer's answer).
# TYPE firstline_queue_tickets gauge
firstline_queue_tickets{queue="first_line",status="assigned"} 1
firstline_queue_tickets{queue="first_line",status="queued"} 3
firstline_queue_tickets{queue="first_line",status="waiting"} 0
firstline_queue_tickets{queue="second_line",status="assigned"} 0
firstline_queue_tickets{queue="second_line",status="queued"} 1
firstline_queue_tickets{queue="second_line",status="waiting"} 0
firstline_queue_tickets{queue="third_line",status="assigned"} 0
firstline_queue_tickets{queue="third_line",status="queued"} 0
firstline_queue_tickets{queue="third_line",status="waiting"} 0
firstline_queue_tickets{queue="vip",status="assigned"} 1
firstline_queue_tickets{queue="vip",status="queued"} 0
firstline_queue_tickets{queue="vip",status="waiting"} 1
# HELP firstline_queue_oldest_waiting_seconds How long the queue's longest-waiting queued ticket has waited since it entered the queue (created, reopened or transferred), in working time with business hours; 0 when none waits.
# TYPE firstline_queue_oldest_waiting_seconds gauge
firstline_queue_oldest_waiting_seconds{queue="first_line"} 90
firstline_queue_oldest_waiting_seconds{queue="second_line"} ` + secondWaited + `
firstline_queue_oldest_waiting_seconds{queue="third_line"} 0
firstline_queue_oldest_waiting_seconds{queue="vip"} 0
# HELP firstline_queue_sla_breached_tickets Open tickets of each queue that missed an SLA deadline: no first reply, or no resolution, by when it was due.
# TYPE firstline_queue_sla_breached_tickets gauge
firstline_queue_sla_breached_tickets{queue="first_line"} 2
firstline_queue_sla_breached_tickets{queue="second_line"} 0
firstline_queue_sla_breached_tickets{queue="third_line"} 0
firstline_queue_sla_breached_tickets{queue="vip"} 0
# HELP firstline_outbox_backlog_messages Messages waiting in the outbox to be delivered, by channel.
# TYPE firstline_outbox_backlog_messages gauge
firstline_outbox_backlog_messages{channel="telegram"} 2
firstline_outbox_backlog_messages{channel="whatsapp"} 0
# HELP firstline_store_up 1 when the store answered this scrape's queries, 0 when it did not (its gauges are then missing).
# TYPE firstline_store_up gauge
firstline_store_up 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want),
		"firstline_queue_tickets", "firstline_queue_oldest_waiting_seconds", "firstline_queue_sla_breached_tickets",
		"firstline_outbox_backlog_messages", "firstline_store_up"); err != nil {
		t.Error(err)
	}
	if now.Sub(f.newest.UpdatedAt) >= 90*time.Second || now.Sub(f.newest.UpdatedAt) <= 0 {
		t.Errorf("the second queue's ticket waited %v: the fixture is not what the test thinks", now.Sub(f.newest.UpdatedAt))
	}

	// The pools: one writer connection, a reader pool as large as the
	// processors (at least four); nothing in use between scrapes.
	pools := fmt.Sprintf(`
# HELP firstline_store_connections_max The most connections the store's pool opens.
# TYPE firstline_store_connections_max gauge
firstline_store_connections_max{pool="reader"} %d
firstline_store_connections_max{pool="writer"} 1
# HELP firstline_store_connections_in_use Connections of the store's pool in use.
# TYPE firstline_store_connections_in_use gauge
firstline_store_connections_in_use{pool="reader"} 0
firstline_store_connections_in_use{pool="writer"} 0
`, max(4, runtime.GOMAXPROCS(0)))
	if err := testutil.CollectAndCompare(c, strings.NewReader(pools),
		"firstline_store_connections_max", "firstline_store_connections_in_use"); err != nil {
		t.Error(err)
	}

	// The waiting time follows the clock.
	now = now.Add(time.Hour)
	want = `
# HELP firstline_queue_oldest_waiting_seconds How long the queue's longest-waiting queued ticket has waited since it entered the queue (created, reopened or transferred), in working time with business hours; 0 when none waits.
# TYPE firstline_queue_oldest_waiting_seconds gauge
firstline_queue_oldest_waiting_seconds{queue="first_line"} 3690
firstline_queue_oldest_waiting_seconds{queue="second_line"} ` + strconv.FormatFloat(now.Sub(f.newest.UpdatedAt).Seconds(), 'g', -1, 64) + `
firstline_queue_oldest_waiting_seconds{queue="third_line"} 0
firstline_queue_oldest_waiting_seconds{queue="vip"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "firstline_queue_oldest_waiting_seconds"); err != nil {
		t.Error(err)
	}
}

// TestStoreCollectorWorkingTime checks that with business hours a queue's
// waiting time is working time: none in a queue closed all along, while a
// queue without hours counts wall-clock time.
func TestStoreCollectorWorkingTime(t *testing.T) {
	f := newFixture(t)
	now := f.oldest.UpdatedAt.Add(90 * time.Second)
	var holidays []string
	for d := -1; d <= 1; d++ {
		holidays = append(holidays, now.UTC().AddDate(0, 0, d).Format(time.DateOnly))
	}
	closed, err := calendar.New(calendar.Config{Hours: []string{"mon-sun 00:00-24:00"}, Holidays: holidays})
	if err != nil {
		t.Fatal(err)
	}
	c := metrics.NewStoreCollector(f.store, metrics.StoreOptions{
		Queues: []string{"first_line", "second_line"},
		Now:    func() time.Time { return now },
		Hours:  map[string]*calendar.Calendar{"first_line": closed},
	})
	want := `
# HELP firstline_queue_oldest_waiting_seconds How long the queue's longest-waiting queued ticket has waited since it entered the queue (created, reopened or transferred), in working time with business hours; 0 when none waits.
# TYPE firstline_queue_oldest_waiting_seconds gauge
firstline_queue_oldest_waiting_seconds{queue="first_line"} 0
firstline_queue_oldest_waiting_seconds{queue="second_line"} ` + strconv.FormatFloat(now.Sub(f.newest.UpdatedAt).Seconds(), 'g', -1, 64) + `
firstline_queue_oldest_waiting_seconds{queue="vip"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "firstline_queue_oldest_waiting_seconds"); err != nil {
		t.Error(err)
	}
}

// TestStoreCollectorStoreDown: with the store gone, a scrape still serves
// what needs no query, and says the store is down.
func TestStoreCollectorStoreDown(t *testing.T) {
	f := newFixture(t)
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewStoreCollector(f.store, metrics.StoreOptions{Queues: []string{"first_line"}}))
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err == nil {
		t.Error("a scrape of a closed store reported no error")
	}
	got := map[string]float64{}
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			got[mf.GetName()] += m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	if up, ok := got["firstline_store_up"]; !ok || up != 0 {
		t.Errorf("firstline_store_up = %v (present %v), want 0", up, ok)
	}
	if got["firstline_store_connections_max"] < 2 {
		t.Errorf("pool gauges missing with the store down: %v", got)
	}
	for _, name := range []string{"firstline_queue_tickets", "firstline_outbox_backlog_messages"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s reported with the store down", name)
		}
	}
}
