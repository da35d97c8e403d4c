package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/sqlstore"
)

// querier is what *sql.DB and *sql.Tx have in common, so that every read is
// written once and runs both inside and outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries implements dialog.Queries on a querier.
type queries struct {
	q querier
}

// tx implements dialog.Tx on a write transaction. It is not safe for
// concurrent use, and is dead once Update returns.
type tx struct {
	queries
	*sqlstore.Tx
}

var _ dialog.Tx = (*tx)(nil)

// Update runs fn in one write transaction, committing when fn returns nil
// and rolling back when fn returns an error, panics, or ctx ends first.
// Update returns fn's error as it is. Transactions run one at a time.
func (db *DB) Update(ctx context.Context, fn func(tx dialog.Tx) error) error {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return storeErr("begin transaction", err)
	}
	finished := false
	defer func() {
		// fn panicked (or stopped its goroutine): release the one write
		// connection, and let the panic carry on up unchanged.
		if !finished {
			db.rollback(sqlTx)
		}
	}()

	err = fn(&tx{queries{q: sqlTx}, sqlstore.NewTx(sqlstore.FromSQL(sqlTx), dialect{}, time.Now())})
	finished = true
	if err != nil {
		db.rollback(sqlTx)
		return err
	}
	if err := ctx.Err(); err != nil {
		db.rollback(sqlTx)
		return fmt.Errorf("commit transaction: %w", err)
	}
	if err := sqlTx.Commit(); err != nil {
		return storeErr("commit transaction", err)
	}
	return nil
}

// rollback rolls sqlTx back. database/sql has already done so when ctx
// ended, which is not worth a log line.
func (db *DB) rollback(sqlTx *sql.Tx) {
	if err := sqlTx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		db.log.Warn("roll back transaction", "err", err)
	}
}
