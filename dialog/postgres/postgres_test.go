package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/storetest"
)

// urlVariable names the environment variable with the URL of the server
// the tests run against. They create a database of their own there, and
// drop it when they end.
const urlVariable = "FIRSTLINE_TEST_DATABASE_URL"

// testDB is a database created for one test, dropped when the test ends.
type testDB struct {
	url   string        // the URL of the database
	admin *pgxpool.Pool // makes schemas in it
	n     atomic.Int64  // schemas made so far
}

// newTestDB creates an empty database on the server at
// FIRSTLINE_TEST_DATABASE_URL and drops it when the test ends. Without the
// variable, the test is skipped; with it, a server that cannot be reached
// fails the test.
func newTestDB(t testing.TB) *testDB {
	t.Helper()
	serverURL := os.Getenv(urlVariable)
	if serverURL == "" {
		t.Skip("set " + urlVariable + "=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable to run the PostgreSQL tests")
	}
	ctx := t.Context()
	server, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("connect to %s: %v", urlVariable, err)
	}
	defer server.Close(context.WithoutCancel(ctx))

	name := fmt.Sprintf("firstline_test_%016x", rand.Uint64())
	if _, err := server.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	db := &testDB{url: withParam(t, serverURL, "database", name)}
	t.Cleanup(func() { dropDatabase(t, serverURL, name) })

	db.admin, err = pgxpool.New(ctx, db.url+"&pool_max_conns=2")
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	t.Cleanup(db.admin.Close) // runs before the drop
	return db
}

// dropDatabase drops the database name, closing whatever connections are
// left. The test's context has ended by now.
func dropDatabase(t testing.TB, serverURL, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	server, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Errorf("drop database %s: %v", name, err)
		return
	}
	defer server.Close(ctx)
	if _, err := server.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("drop database %s: %v", name, err)
	}
}

// withParam returns rawURL with one part changed: "database" is the path,
// anything else a query parameter.
func withParam(t testing.TB, rawURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", urlVariable, err)
	}
	if key == "database" {
		u.Path = "/" + value
		return u.String()
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// schemaURL makes a new, empty schema and returns a URL whose connections
// use it: a store of its own, much quicker to make than a database.
func (db *testDB) schemaURL(t testing.TB) string {
	t.Helper()
	schema := fmt.Sprintf("store_%d", db.n.Add(1))
	if _, err := db.admin.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	return withParam(t, db.url, "search_path", schema)
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
