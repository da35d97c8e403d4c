package postgres

import (
	"fmt"
	"github.com/firstline-support/firstline/dialog/store/sqlstore"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/schema"
)

// schemaVersions returns the versions recorded in schema_migrations.
func schemaVersions(t *testing.T, db *DB) []int {
	t.Helper()
	rows, err := db.pool.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return versions
}

// embeddedVersions returns the versions of the embedded migrations.
func embeddedVersions(t *testing.T) []int {
	t.Helper()
	var versions []int
	for _, m := range mustLoad(t) {
		versions = append(versions, m.Version)
	}
	return versions
}

func TestMigrateIdempotent(t *testing.T) {
	url := newTestDB(t).schemaURL(t)
	db := open(t, url)
	want := embeddedVersions(t)
	if got := schemaVersions(t, db); !slices.Equal(got, want) {
		t.Fatalf("after Open: versions %v, want %v", got, want)
	}

	// Data written before survives both a second Migrate and a second Open.
	err := db.Update(t.Context(), func(tx dialog.Tx) error {
		_, err := tx.EnsureConversation(t.Context(), "webchat", "chat-1")
		return err
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	again := open(t, url)
	if got := schemaVersions(t, again); !slices.Equal(got, want) {
		t.Errorf("after a second Open: versions %v, want %v", got, want)
	}
	if _, err := again.ConversationByChat(t.Context(), "webchat", "chat-1"); err != nil {
		t.Errorf("ConversationByChat after a second Open: %v", err)
	}
}

// TestMigrateConcurrent opens one empty database from several replicas at
// once: each migration must be applied exactly once, and every Open
// succeed.
func TestMigrateConcurrent(t *testing.T) {
	const replicas = 4
	url := newTestDB(t).schemaURL(t)
	dbs := make([]*DB, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			dbs[i], errs[i] = Open(t.Context(), url, nil)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		} else {
			t.Cleanup(func() { dbs[i].Close() })
		}
	}
	if t.Failed() {
		return
	}
	// schema_migrations's primary key would have refused a second record of
	// one version; the list also shows none is missing.
	if got, want := schemaVersions(t, dbs[0]), embeddedVersions(t); !slices.Equal(got, want) {
		t.Errorf("versions %v, want %v", got, want)
	}
}

func TestMigrateNewerDatabase(t *testing.T) {
	url := newTestDB(t).schemaURL(t)
	db := open(t, url)
	_, err := db.pool.Exec(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES (1000, now())`)
	if err != nil {
		t.Fatalf("record a future migration: %v", err)
	}
	if err := db.Migrate(t.Context()); err == nil {
		t.Error("Migrate of a database migrated by a newer program succeeded")
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	url := newTestDB(t).schemaURL(t)
	db := open(t, url)
	current := embeddedVersions(t)
	next := current[len(current)-1] + 1

	// The next migration creates a table, then fails: neither the table nor
	// the version may stay.
	fsys := fstest.MapFS{}
	for _, m := range mustLoad(t) {
		fsys["migrations/"+m.Name] = &fstest.MapFile{Data: []byte(m.SQL)}
	}
	fsys[migrationName(next, "broken")] = &fstest.MapFile{
		Data: []byte("CREATE TABLE half_done (id integer); SELECT no_such_column FROM half_done;"),
	}
	if err := db.migrate(t.Context(), fsys); err == nil {
		t.Fatal("a failing migration succeeded")
	}
	if got := schemaVersions(t, db); !slices.Equal(got, current) {
		t.Errorf("versions %v after the failure, want %v", got, current)
	}
	var exists bool
	err := db.pool.QueryRow(t.Context(), `SELECT to_regclass('half_done') IS NOT NULL`).Scan(&exists)
	if err != nil {
		t.Fatalf("look for the table: %v", err)
	}
	if exists {
		t.Error("the failed migration's table is there")
	}
}

// mustLoad returns the embedded migrations.
func mustLoad(t *testing.T) []schema.Migration {
	t.Helper()
	migrations, err := schema.Load(migrationFiles, sqlstore.MigrationFiles)
	if err != nil {
		t.Fatalf("schema.Load: %v", err)
	}
	return migrations
}

// migrationName is the path of migration version in a migrations FS.
func migrationName(version int, name string) string {
	return fmt.Sprintf("migrations/%04d_%s.sql", version, name)
}
