package sqlite

import (
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/schema"
	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// appliedMigrations returns the versions in schema_migrations with the
// times they were applied.
func appliedMigrations(t *testing.T, db *DB) map[int]string {
	t.Helper()
	rows, err := db.writer.QueryContext(t.Context(), `SELECT version, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	applied := map[int]string{}
	for rows.Next() {
		var (
			version int
			at      string
		)
		if err := rows.Scan(&version, &at); err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		applied[version] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return applied
}

// tableExists reports whether the database has a table of that name.
func tableExists(t *testing.T, db *DB, name string) bool {
	t.Helper()
	var n int
	err := db.writer.QueryRowContext(t.Context(),
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n)
	if err != nil {
		t.Fatalf("look for table %s: %v", name, err)
	}
	return n == 1
}

func TestMigrationsApplyOnce(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "firstline.db")
	want, err := schema.Load(migrationFiles, sqlstore.MigrationFiles)
	if err != nil {
		t.Fatalf("schema.Load: %v", err)
	}

	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	first := appliedMigrations(t, db)
	if len(first) != len(want) {
		t.Fatalf("applied %v, want versions 1..%d", first, len(want))
	}
	for _, m := range want {
		at, ok := first[m.Version]
		if !ok {
			t.Errorf("migration %s not applied", m.Name)
		} else if _, err := sqlstore.ParseTime(at); err != nil {
			t.Errorf("migration %s applied at %q: %v", m.Name, at, err)
		}
	}
	tables := []string{"conversations", "messages", "tickets", "users", "sessions", "api_tokens",
		"attachments", "inbox", "outbox"}
	for _, table := range tables {
		if !tableExists(t, db, table) {
			t.Errorf("table %s missing", table)
		}
	}

	// Migrating again, and opening again, changes nothing.
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	db.Close()
	db, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	again := appliedMigrations(t, db)
	if len(again) != len(first) {
		t.Fatalf("after reopen applied %v, want %v", again, first)
	}
	for version, at := range first {
		if again[version] != at {
			t.Errorf("migration %d applied at %s, then again at %s", version, at, again[version])
		}
	}
}

func TestOpenNewerDatabase(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "firstline.db")
	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	// A later program has applied a migration this one does not know.
	_, err = db.writer.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, applied_at) VALUES (1000, ?)`, sqlstore.FormatTime(time.Now()))
	if err != nil {
		t.Fatalf("insert version: %v", err)
	}
	db.Close()

	db, err = Open(ctx, path, nil)
	if err == nil {
		db.Close()
		t.Fatal("Open of a newer database succeeded")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open returned %v, want it to say the database is newer", err)
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	ctx := t.Context()
	db, err := openPools(ctx, filepath.Join(t.TempDir(), "firstline.db"), nil, busyTimeout)
	if err != nil {
		t.Fatalf("openPools: %v", err)
	}
	defer db.Close()

	fsys := fstest.MapFS{
		"migrations/0001_first.sql":  {Data: []byte(`CREATE TABLE first (id INTEGER PRIMARY KEY);`)},
		"migrations/0002_broken.sql": {Data: []byte(`CREATE TABLE second (id INTEGER PRIMARY KEY); CREATE TABLE oops (`)},
	}
	if err := db.migrate(ctx, nil, fsys); err == nil {
		t.Fatal("migrate with a broken migration succeeded")
	} else if !strings.Contains(err.Error(), "0002_broken.sql") {
		t.Errorf("error %v does not name the broken migration", err)
	}
	if !tableExists(t, db, "first") {
		t.Error("table of the good migration missing")
	}
	if tableExists(t, db, "second") {
		t.Error("table of the broken migration left behind")
	}
	applied := appliedMigrations(t, db)
	if len(applied) != 1 || applied[1] == "" {
		t.Errorf("applied %v, want only version 1", applied)
	}

	// Fixed, it applies on the next run.
	fsys["migrations/0002_broken.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE second (id INTEGER PRIMARY KEY);`)}
	if err := db.migrate(ctx, nil, fsys); err != nil {
		t.Fatalf("migrate after the fix: %v", err)
	}
	if !tableExists(t, db, "second") {
		t.Error("table of the fixed migration missing")
	}
}

func TestEmbeddedMigrations(t *testing.T) {
	if _, err := schema.Load(migrationFiles, sqlstore.MigrationFiles); err != nil {
		t.Errorf("embedded migrations: %v", err)
	}
}

// TestMigrateFromVersion1 opens, with this program, a database that a
// program knowing only the first migration wrote a ticket to.
func TestMigrateFromVersion1(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "firstline.db")
	first, err := fs.ReadFile(migrationFiles, "migrations/0001_init.sql")
	if err != nil {
		t.Fatalf("read the first migration: %v", err)
	}
	old, err := openPools(ctx, path, nil, busyTimeout)
	if err != nil {
		t.Fatalf("openPools: %v", err)
	}
	err = old.migrate(ctx, nil, fstest.MapFS{"migrations/0001_init.sql": {Data: first}})
	if err != nil {
		t.Fatalf("migrate to version 1: %v", err)
	}
	// The rows as the first version of the program wrote them.
	created := "2024-05-06T07:08:09.123456Z"
	_, err = old.writer.ExecContext(ctx,
		`INSERT INTO conversations (id, channel, chat_id, customer_name, state, created_at, updated_at)
		VALUES (1, 'webchat', 'chat-1', 'АННА Иванова', 'queued', ?, ?)`, created, created)
	if err != nil {
		t.Fatalf("insert conversation: %v", err)
	}
	_, err = old.writer.ExecContext(ctx,
		`INSERT INTO tickets (id, number, conversation_id, status, reason, intent, candidates, priority,
			queue, channel, customer_name, assignee, csat, created_at, updated_at)
		VALUES (7, 'FL-000007', 1, 'assigned', 'no_match', 'refund', '[{"intent":"refund","confidence":0.5}]',
			'high', 'billing', 'webchat', 'АННА Иванова', 'olga', 0, ?, ?)`, created, created)
	if err != nil {
		t.Fatalf("insert ticket: %v", err)
	}
	if err := old.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	latest, err := schema.Load(migrationFiles, sqlstore.MigrationFiles)
	if err != nil {
		t.Fatalf("schema.Load: %v", err)
	}
	if applied := appliedMigrations(t, db); len(applied) != len(latest) {
		t.Errorf("applied %v, want versions 1..%d", applied, len(latest))
	}
	got, err := db.Ticket(ctx, 7)
	if err != nil {
		t.Fatalf("Ticket: %v", err)
	}
	at, _ := sqlstore.ParseTime(created)
	want := &dialog.Ticket{
		ID:             7,
		Number:         "FL-000007",
		ConversationID: 1,
		Status:         dialog.TicketAssigned,
		Reason:         dialog.ReasonNoMatch,
		Intent:         "refund",
		Candidates:     []dialog.Candidate{{Intent: "refund", Confidence: 0.5}},
		Priority:       "high",
		Queue:          "billing",
		Channel:        "webchat",
		CustomerName:   "АННА Иванова",
		Assignee:       "olga",
		CreatedAt:      at,
		UpdatedAt:      at,
		Version:        1, // tickets from before versions were counted
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("migrated ticket:\n got %+v\nwant %+v", got, want)
	}

	// The migration lowered the stored name the way new tickets are.
	list, err := db.Tickets(ctx, dialog.TicketFilter{Search: "анна"})
	if err != nil {
		t.Fatalf("Tickets: %v", err)
	}
	if len(list) != 1 || list[0].ID != 7 {
		t.Errorf("search for a migrated ticket found %d tickets, want ticket 7", len(list))
	}
	load, err := db.OpenTicketLoad(ctx)
	if err != nil {
		t.Fatalf("OpenTicketLoad: %v", err)
	}
	if len(load) != 1 || load["olga"] != 1 {
		t.Errorf("OpenTicketLoad = %v, want olga: 1", load)
	}
	users, err := db.Users(ctx)
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	if len(users) != 0 {
		t.Errorf("%d users after the migration, want none", len(users))
	}

	// The migrated ticket takes the new fields.
	got.Reopens = 1
	got.FirstResponseDue = at.Add(time.Hour)
	err = db.Update(ctx, func(tx dialog.Tx) error {
		return tx.UpdateTicket(ctx, got)
	})
	if err != nil {
		t.Fatalf("UpdateTicket: %v", err)
	}
	again, err := db.Ticket(ctx, 7)
	if err != nil {
		t.Fatalf("Ticket: %v", err)
	}
	if again.Reopens != 1 || !again.FirstResponseDue.Equal(got.FirstResponseDue) {
		t.Errorf("updated migrated ticket = %+v, want Reopens 1 and FirstResponseDue %s", again, got.FirstResponseDue)
	}
}

// TestMigrateBelowTheHighest applies a migration numbered below one the
// database has already (a database's own migration between its history
// and the shared ones): it is applied, not passed over.
func TestMigrateBelowTheHighest(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	late := fstest.MapFS{"migrations/0050_late.sql": {Data: []byte("CREATE TABLE late (id INTEGER);")}}
	if err := db.migrate(ctx, dataSteps(), migrationFiles, sqlstore.MigrationFiles, late); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	var n int
	if err := db.writer.QueryRowContext(ctx, `SELECT count(*) FROM late`).Scan(&n); err != nil {
		t.Errorf("the late migration's table: %v", err)
	}
}
