// Package sqlstore is the dialog.Store written once in SQL for both
// databases firstline runs on: SQLite (package dialog/store/sqlite) and
// PostgreSQL (package dialog/store/postgres). The queries are the same text for
// both, with $1, $2, ... placeholders; where the two databases differ (row
// locks, the outbox claim, list arguments, substring search, how times
// are kept, how errors are told apart) a Dialect says how.
//
// The store reaches its database through a Querier: database/sql for
// SQLite, pgx's own interface for PostgreSQL, which measured faster than
// pgx behind database/sql.
package sqlstore

import (
	"context"
	"time"
)

// Querier runs SQL on a connection pool or inside a transaction.
type Querier interface {
	// Exec runs a statement and returns the number of rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs a query that returns rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// QueryRow runs a query that returns at most one row. Its Scan
	// fails with an error that errors.Is sql.ErrNoRows when there is
	// none, whatever the driver.
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Rows is the result of a query, read row by row.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is the result of a query for one row.
type Row interface {
	Scan(dest ...any) error
}

// Queries implements the dialog.Queries methods on a Querier: a pool's
// outside a transaction, a transaction's inside one.
type Queries struct {
	q Querier
	d Dialect
}

// NewQueries returns the reads of a dialog.Store on q, a pool or a
// transaction of the database d speaks for.
func NewQueries(q Querier, d Dialect) Queries {
	return Queries{q: q, d: d}
}

// Tx implements the dialog.Tx methods on a transaction. It is not safe
// for concurrent use, and is dead once the transaction ends.
type Tx struct {
	Queries
	// now is the transaction's one time: whatever the transaction
	// stamps, it stamps with this.
	now time.Time
}

// NewTx returns the reads and writes of a dialog.Tx on q, a transaction
// of the database d speaks for, begun at now.
func NewTx(q Querier, d Dialect, now time.Time) *Tx {
	return &Tx{Queries: NewQueries(q, d), now: now.UTC().Truncate(time.Microsecond)}
}

// Now is the transaction's time: what it stamps, it stamps with this.
// It is read once, from the store's clock, when the transaction begins.
func (t *Tx) Now() time.Time {
	return t.now
}

// Querier returns what the transaction runs SQL on, for statements of a
// database's own that the store does not have.
func (t *Tx) Querier() Querier {
	return t.q
}

// stamp returns t, or the transaction's time when t is zero.
func (t *Tx) stamp(at time.Time) time.Time {
	if at.IsZero() {
		return t.now
	}
	return at.UTC().Truncate(time.Microsecond)
}
