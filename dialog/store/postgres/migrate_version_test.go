package postgres

import (
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/firstline-support/firstline/dialog"
)

// TestMigrateTicketVersions opens, with this program, a database with a
// ticket written before tickets counted their versions (every migration
// of PostgreSQL's own directory, none of the shared ones): the ticket
// reads as version 1, and its next save makes it 2.
func TestMigrateTicketVersions(t *testing.T) {
	ctx := t.Context()
	url := newTestDB(t).schemaURL(t)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := newDB(pool, slog.New(slog.DiscardHandler)).migrate(ctx, migrationFiles); err != nil {
		t.Fatalf("migrate to the version before: %v", err)
	}
	for _, stmt := range []string{
		`INSERT INTO conversations (channel, chat_id, state, created_at, updated_at) VALUES ('webchat', 'c1', 'queued', now(), now())`,
		`INSERT INTO tickets (number, conversation_id, status, reason, priority, queue, channel, created_at, updated_at)
		VALUES ('FL-000001', 1, 'queued', 'customer_ask', 'normal', 'first_line', 'webchat', now(), now())`,
	} {
		if _, err := pool.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	db := open(t, url)
	tk, err := db.TicketByNumber(ctx, "FL-000001")
	if err != nil {
		t.Fatalf("the ticket after the migration: %v", err)
	}
	if tk.Version != 1 {
		t.Errorf("migrated ticket's version %d, want 1", tk.Version)
	}
	err = db.Update(ctx, func(tx dialog.Tx) error {
		tk.Priority = "high"
		return tx.UpdateTicket(ctx, tk)
	})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Version != 2 {
		t.Errorf("version %d after a save, want 2", tk.Version)
	}
}
