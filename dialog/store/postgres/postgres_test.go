package postgres

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
	"github.com/firstline-support/firstline/dialog/store/storetest"
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

// TestPoolStats reads the pool's limit from the URL and sees a connection
// in use during a transaction and idle after it.
func TestPoolStats(t *testing.T) {
	db := newTestDB(t)
	s := open(t, pgtest.WithParam(t, db.schemaURL(t), "pool_max_conns", "3"))
	stats := func() dialog.PoolStats {
		p := s.PoolStats()
		if len(p) != 1 || p[0].Pool != "main" {
			t.Fatalf("PoolStats = %+v, want the main pool", p)
		}
		return p[0]
	}
	if p := stats(); p.MaxOpen != 3 || p.InUse != 0 || p.Open < 1 || p.Idle != p.Open {
		t.Errorf("after open: %+v", p)
	}
	var during dialog.PoolStats
	if err := s.Update(t.Context(), func(dialog.Tx) error {
		during = stats()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if during.InUse != 1 || during.Open != during.InUse+during.Idle {
		t.Errorf("during a transaction: %+v", during)
	}
	if p := stats(); p.InUse != 0 || p.Idle != p.Open {
		t.Errorf("after a transaction: %+v", p)
	}
}
