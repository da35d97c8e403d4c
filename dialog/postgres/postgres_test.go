package postgres

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/postgres/pgtest"
	"github.com/firstline-support/firstline/dialog/storetest"
)

// testDB is a database created for one test, dropped when the test ends.
type testDB struct {
	url   string        // the URL of the database
	admin *pgxpool.Pool // makes schemas in it
	n     atomic.Int64  // schemas made so far
}

// newTestDB creates an empty database (see pgtest.Database) with a pool to
// make schemas in it.
func newTestDB(t testing.TB) *testDB {
	t.Helper()
	db := &testDB{url: pgtest.Database(t)}
	var err error
	db.admin, err = pgxpool.New(t.Context(), db.url+"&pool_max_conns=2")
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	t.Cleanup(db.admin.Close) // runs before the drop
	return db
}

// schemaURL makes a new, empty schema and returns a URL whose connections
// use it: a store of its own, much quicker to make than a database.
func (db *testDB) schemaURL(t testing.TB) string {
	t.Helper()
	schema := fmt.Sprintf("store_%d", db.n.Add(1))
	if _, err := db.admin.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	return pgtest.WithParam(t, db.url, "search_path", schema)
}

// open opens a store at url, closed when the test ends.
func open(t testing.TB, url string) *DB {
	t.Helper()
	s, err := Open(t.Context(), url, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	db := newTestDB(t)
	storetest.Run(t, func(t *testing.T) dialog.Store {
		return open(t, db.schemaURL(t))
	})
}
