package postgres

import (
	"context"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/broker"
)

// eventTimeout bounds waiting for an event that should come; it is a
// deadline against a hang, not a measure of speed.
const eventTimeout = 10 * time.Second

// resync is the event a Notifier publishes locally each time it starts
// listening.
var resync = dialog.Event{Kind: dialog.EventTicket}

// replica is one process's share of live updates: a Notifier on its own
// store, publishing into its own broker.
type replica struct {
	notifier *Notifier
	events   <-chan dialog.Event // a subscription to the broker
}

// startReplica runs a Notifier over db until the test ends, and waits for
// it to listen.
func startReplica(t *testing.T, db *DB) *replica {
	t.Helper()
	b := broker.New()
	events, unsubscribe := b.Subscribe()
	t.Cleanup(unsubscribe)
	n := NewNotifier(db, b, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	t.Cleanup(func() { // runs before the store closes
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	r := &replica{notifier: n, events: events}
	r.expect(t, resync)
	return r
}

// expect fails the test unless the next event is want.
func (r *replica) expect(t *testing.T, want dialog.Event) {
	t.Helper()
	select {
	case got := <-r.events:
		if got != want {
			t.Fatalf("got event %+v, want %+v", got, want)
		}
	case <-time.After(eventTimeout):
		t.Fatalf("no event after %v, want %+v", eventTimeout, want)
	}
}

func TestNotifierReachesEveryReplicaOnce(t *testing.T) {
	testDB := newTestDB(t)
	url := testDB.schemaURL(t)
	a := startReplica(t, open(t, url))
	b := startReplica(t, open(t, url))

	events := []dialog.Event{
		{Kind: dialog.EventTicket, ConversationID: 7, TicketID: 3, TicketNumber: "T-3", Queue: "billing"},
		{Kind: dialog.EventMessage, ConversationID: 7},
	}
	for _, e := range events {
		a.notifier.Publish(e)
		a.expect(t, e)
		b.expect(t, e)
	}
	// A duplicate would come before a later event: one sent from the
	// other replica must be next everywhere.
	fence := dialog.Event{Kind: dialog.EventMessage, ConversationID: 8}
	b.notifier.Publish(fence)
	a.expect(t, fence)
	b.expect(t, fence)
}

func TestNotifierReconnects(t *testing.T) {
	testDB := newTestDB(t)
	url := testDB.schemaURL(t)
	r := startReplica(t, open(t, url))
	ctx := t.Context()

	first := listenerPID(t, testDB)
	var ended bool
	err := testDB.admin.QueryRow(ctx, `SELECT pg_terminate_backend($1, 10000)`, first).Scan(&ended)
	if err != nil || !ended {
		t.Fatalf("terminate listener %d: %v, %v", first, ended, err)
	}
	r.expect(t, resync) // listening again, and views told to re-read
	if second := listenerPID(t, testDB); second == first {
		t.Errorf("the listener is still backend %d", first)
	}

	e := dialog.Event{Kind: dialog.EventMessage, ConversationID: 9, TicketID: 4, TicketNumber: "T-4"}
	r.notifier.Publish(e)
	r.expect(t, e)
}

// listenerPID returns the backend of the one connection listening for
// events.
func listenerPID(t *testing.T, testDB *testDB) int {
	t.Helper()
	var pids []int
	rows, err := testDB.admin.Query(t.Context(), `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN `+notifyChannel+`'`)
	if err != nil {
		t.Fatalf("find the listener: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			t.Fatalf("find the listener: %v", err)
		}
		pids = append(pids, pid)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("find the listener: %v", err)
	}
	if len(pids) != 1 {
		t.Fatalf("listening backends: %v, want one", pids)
	}
	return pids[0]
}

// TestNotifierDatabaseDown publishes to a Notifier whose database is not
// there, before Run and while it runs: Publish returns every time, and Run
// leaves no goroutine behind.
func TestNotifierDatabaseDown(t *testing.T) {
	config, err := pgxpool.ParseConfig(closedPortURL(t) + "&connect_timeout=1")
	if err != nil {
		t.Fatalf("parse URL: %v", err)
	}
	// Open would fail at its ping: build the store around a pool that
	// connects lazily.
	pool, err := pgxpool.NewWithConfig(t.Context(), config)
	if err != nil {
		t.Fatalf("new pool: %v", err)
	}
	defer pool.Close()
	db := newDB(pool, slog.New(slog.DiscardHandler))

	before := runtime.NumGoroutine()
	n := NewNotifier(db, broker.New(), nil)
	// With nothing draining the queue, a Publish that waited for room
	// would never return.
	publishAll(t, n, 1000)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	publishAll(t, n, 1000)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(eventTimeout):
		t.Fatalf("Run did not return %v after its context ended", eventTimeout)
	}
	// Goroutines that have been told to end may take a moment to go.
	deadline := time.Now().Add(eventTimeout)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before Run, %d after it returned", before, after)
	}
}

// publishAll publishes count events, failing the test if that does not
// finish.
func publishAll(t *testing.T, n *Notifier, count int) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range count {
			n.Publish(dialog.Event{Kind: dialog.EventMessage, ConversationID: int64(i + 1)})
		}
	}()
	select {
	case <-done:
	case <-time.After(eventTimeout):
		t.Fatalf("%d Publish calls did not return within %v", count, eventTimeout)
	}
}

func TestNotifierPayload(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    dialog.Event
		wantErr bool
	}{
		{"full", `{"kind":"ticket","conversation_id":7,"ticket_id":3,"ticket_number":"T-3","queue":"billing","from_queue":"sales"}`,
			dialog.Event{Kind: dialog.EventTicket, ConversationID: 7, TicketID: 3, TicketNumber: "T-3", Queue: "billing", FromQueue: "sales"}, false},
		{"typing", `{"kind":"typing","conversation_id":7,"ticket_id":3,"ticket_number":"T-3","queue":"billing","name":"Anna"}`,
			dialog.Event{Kind: dialog.EventTyping, ConversationID: 7, TicketID: 3, TicketNumber: "T-3", Queue: "billing", Name: "Anna"}, false},
		{"notice", `{"kind":"message","conversation_id":7,"ticket_id":3,"ticket_number":"T-3","queue":"billing",` +
			`"notice":"customer_message","assignee":"olga","customer":"Анна","preview":"Алло","by":"boris"}`,
			dialog.Event{Kind: dialog.EventMessage, ConversationID: 7, TicketID: 3, TicketNumber: "T-3", Queue: "billing",
				Notice: dialog.NoticeCustomerMessage, Assignee: "olga", Customer: "Анна", Preview: "Алло", By: "boris"}, false},
		{"ids only", `{"kind":"message","conversation_id":7}`,
			dialog.Event{Kind: dialog.EventMessage, ConversationID: 7}, false},
		{"unknown fields", `{"kind":"message","conversation_id":7,"shard":2}`,
			dialog.Event{Kind: dialog.EventMessage, ConversationID: 7}, false},
		{"no kind", `{"conversation_id":7}`, dialog.Event{}, true},
		{"not JSON", `hello`, dialog.Event{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeEvent(tt.payload)
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodeEvent(%q) error %v, want error %v", tt.payload, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("decodeEvent(%q) = %+v, want %+v", tt.payload, got, tt.want)
			}
			if tt.wantErr {
				return
			}
			// What is sent reads back the same.
			payload, err := encodeEvent(tt.want)
			if err != nil {
				t.Fatalf("encodeEvent(%+v): %v", tt.want, err)
			}
			if back, err := decodeEvent(payload); err != nil || back != tt.want {
				t.Errorf("decodeEvent(encodeEvent(%+v)) = %+v, %v", tt.want, back, err)
			}
		})
	}
}

// A command that runs no Notifier reaches the replicas' live views with
// DB.Notify.
func TestNotifyWithoutNotifier(t *testing.T) {
	url := newTestDB(t).schemaURL(t)
	server := startReplica(t, open(t, url))
	command := open(t, url)
	e := dialog.Event{Kind: dialog.EventAccess}
	if err := command.Notify(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	server.expect(t, e)
}
