// Package pgtest gives tests an empty PostgreSQL database of their own, on
// the server named by FIRSTLINE_TEST_DATABASE_URL.
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URLVariable names the environment variable with the URL of the server
// tests run against.
const URLVariable = "FIRSTLINE_TEST_DATABASE_URL"

// Database creates an empty database and returns its URL; the database is
// dropped when the test ends. Without FIRSTLINE_TEST_DATABASE_URL the test
// is skipped, saying how to run it; with it, a server that cannot be
// reached fails the test.
func Database(t testing.TB) string {
	t.Helper()
	serverURL := os.Getenv(URLVariable)
	if serverURL == "" {
		t.Skip("set " + URLVariable + "=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable to run the PostgreSQL tests")
	}
	ctx := t.Context()
	server, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("connect to %s: %v", URLVariable, err)
	}
	defer server.Close(context.WithoutCancel(ctx))
	name := fmt.Sprintf("firstline_test_%016x", rand.Uint64())
	if _, err := server.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() { drop(t, serverURL, name) })
	return WithParam(t, serverURL, "database", name)
}

// drop drops the database name, closing whatever connections are left.
// The test's context has ended by now.
func drop(t testing.TB, serverURL, name string) {
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

// WithParam returns rawURL with one part changed: "database" is the path,
// anything else a query parameter.
func WithParam(t testing.TB, rawURL, key, value string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", URLVariable, err)
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
