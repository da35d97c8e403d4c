package sqlstore

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Conn is a database the store can begin transactions on: SQLite's one
// write connection, or a PostgreSQL pool. It is where the two databases
// differ in pool topology and in how a transaction starts and ends.
type Conn interface {
	// Begin starts a read-write transaction.
	Begin(ctx context.Context) (TxConn, error)
	// Snapshot starts a read-only transaction that sees the database as
	// it was when it began, whatever commits meanwhile.
	Snapshot(ctx context.Context) (TxConn, error)
}

// TxConn is a transaction begun on a Conn.
type TxConn interface {
	Querier
	// Commit commits the transaction.
	Commit(ctx context.Context) error
	// Rollback ends the transaction without its changes, also after ctx
	// has ended. Rolling back a transaction that has ended already does
	// nothing.
	Rollback(ctx context.Context)
}

// DB is the dialog.Store over a SQL database: reads outside a transaction
// on one Querier, transactions begun on a Conn. It is safe for concurrent
// use once SetClock, if it is called, has been.
type DB struct {
	// Queries answers the dialog.Queries methods outside a transaction.
	Queries

	conn  Conn
	clock func() time.Time
}

// New returns the store that reads on reads and writes in transactions
// begun on conn, both of the database d speaks for.
func New(reads Querier, conn Conn, d Dialect) *DB {
	return &DB{Queries: NewQueries(reads, d), conn: conn, clock: time.Now}
}

// SetClock makes the store read the time from now instead of the wall
// clock: once per transaction, for everything the transaction stamps.
// The engine sets it to its own clock (dialog.Engine.SetClock). Call it
// before the store is used.
func (db *DB) SetClock(now func() time.Time) {
	db.clock = now
}

// Update runs fn in one transaction, committing when fn returns nil and
// rolling back when fn returns an error, panics, or ctx ends first.
// Update returns fn's error as it is.
func (db *DB) Update(ctx context.Context, fn func(tx dialog.Tx) error) error {
	conn, err := db.conn.Begin(ctx)
	if err != nil {
		return db.d.Err("begin transaction", err)
	}
	finished := false
	defer func() {
		// fn panicked (or stopped its goroutine): give the connection
		// back, and let the panic carry on up unchanged.
		if !finished {
			conn.Rollback(ctx)
		}
	}()

	err = fn(NewTx(conn, db.d, db.clock()))
	finished = true
	if err != nil {
		conn.Rollback(ctx)
		return err
	}
	if err := ctx.Err(); err != nil {
		conn.Rollback(ctx)
		return fmt.Errorf("commit transaction: %w", err)
	}
	if err := conn.Commit(ctx); err != nil {
		return db.d.Err("commit transaction", err)
	}
	return nil
}

// Export writes every row of firstline's tables (schema.Tables) to w in
// the export format of schema.Writer. It reads in one snapshot, so the
// export is consistent while the store keeps serving.
func (db *DB) Export(ctx context.Context, w io.Writer) error {
	conn, err := db.conn.Snapshot(ctx)
	if err != nil {
		return db.d.Err("begin export", err)
	}
	defer conn.Rollback(ctx) // read only: nothing to keep
	return exportTables(ctx, conn, db.d, w)
}

// Import reads an export written by Export (of this or any other store)
// into the store, keeping every id (see importTables). It runs in one
// transaction, holding off other writers, and only into an empty store;
// on any error it changes nothing. Ids drawn later go on from the largest
// one imported.
func (db *DB) Import(ctx context.Context, r io.Reader) error {
	conn, err := db.conn.Begin(ctx)
	if err != nil {
		return db.d.Err("begin import", err)
	}
	defer conn.Rollback(ctx) // a no-op after the commit
	if err := importTables(ctx, conn, db.d, r); err != nil {
		return err
	}
	if err := conn.Commit(ctx); err != nil {
		return db.d.Err("commit import", err)
	}
	return nil
}
