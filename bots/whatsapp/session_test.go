package whatsapp_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// TestSessionStore checks that whatsmeow's session store lives in
// firstline's own database file, beside its tables, and starts with a new
// device to pair.
func TestSessionStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "firstline.db")
	store, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	log := slog.New(slog.DiscardHandler)
	container, err := whatsapp.OpenSessions(ctx, path, log)
	if err != nil {
		t.Fatal(err)
	}
	device, err := container.GetFirstDevice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if device.ID != nil {
		t.Errorf("a fresh store has device %s, want a new one to pair", device.ID)
	}
	devices, err := container.GetAllDevices(ctx)
	if err != nil || len(devices) != 0 {
		t.Errorf("devices %v, %v: a new device is not stored before it is paired", devices, err)
	}
	if err := container.Close(); err != nil {
		t.Fatal(err)
	}

	// Opening again finds the tables up to date, and firstline's store
	// still works beside them.
	client, err := whatsapp.OpenClient(ctx, path, log)
	if err != nil {
		t.Fatal(err)
	}
	if client.Paired() || !client.JID().IsEmpty() || client.IsConnected() {
		t.Errorf("a new client is paired %v as %q, connected %v", client.Paired(), client.JID(), client.IsConnected())
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	if err := store.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := store.OutboxBacklog(ctx); err != nil {
		t.Fatalf("firstline's tables beside whatsmeow's: %v", err)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(tables, "whatsmeow_device") || !slices.Contains(tables, "conversations") {
		t.Errorf("tables %v, want whatsmeow's and firstline's in one file", tables)
	}
}

// TestSessionStorePostgres checks the session store in PostgreSQL, beside
// firstline's own tables, when the database is a postgres:// URL.
func TestSessionStorePostgres(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Database(t)
	store, err := postgres.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log := slog.New(slog.DiscardHandler)
	client, err := whatsapp.OpenClient(ctx, url, log)
	if err != nil {
		t.Fatal(err)
	}
	if client.Paired() {
		t.Error("a new session store has a paired device")
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	// Opening again finds whatsmeow's tables up to date, beside firstline's.
	again, err := whatsapp.OpenClient(ctx, url, log)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if _, err := store.OutboxBacklog(ctx); err != nil {
		t.Fatalf("firstline's tables beside whatsmeow's: %v", err)
	}
}
