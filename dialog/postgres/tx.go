package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/sqlstore"
)

// rollbackTimeout bounds a rollback, which runs even after the caller's
// context has ended.
const rollbackTimeout = 5 * time.Second

// querier is what *pgxpool.Pool and pgx.Tx have in common, so that every
// read is written once and runs both inside and outside a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// queries implements dialog.Queries on a querier.
type queries struct {
	q querier
}

// tx implements dialog.Tx on a transaction. It is not safe for concurrent
// use, and is dead once Update returns.
type tx struct {
	queries
	*sqlstore.Tx
}

var _ dialog.Tx = (*tx)(nil)

// Update runs fn in one read-committed transaction, committing when fn
// returns nil and rolling back when fn returns an error, panics, or ctx
// ends first. Update returns fn's error as it is. Transactions run side by
// side; EnsureConversation's row lock puts those of one conversation in a
// line.
func (db *DB) Update(ctx context.Context, fn func(tx dialog.Tx) error) error {
	pgTx, err := db.pool.Begin(ctx)
	// A pooled connection the server dropped (a restart, a network cut)
	// fails before anything was sent; the next one is fresh.
	for try := 0; err != nil && try < 2 && pgconn.SafeToRetry(err); try++ {
		pgTx, err = db.pool.Begin(ctx)
	}
	if err != nil {
		return storeErr("begin transaction", err)
	}
	finished := false
	defer func() {
		// fn panicked (or stopped its goroutine): give the connection back,
		// and let the panic carry on up unchanged.
		if !finished {
			db.rollback(ctx, pgTx)
		}
	}()

	err = fn(&tx{queries{q: pgTx}, sqlstore.NewTx(fromPgx(pgTx), dialect{}, time.Now())})
	finished = true
	if err != nil {
		db.rollback(ctx, pgTx)
		return err
	}
	if err := ctx.Err(); err != nil {
		db.rollback(ctx, pgTx)
		return fmt.Errorf("commit transaction: %w", err)
	}
	if err := pgTx.Commit(ctx); err != nil {
		return storeErr("commit transaction", err)
	}
	return nil
}

// rollback rolls pgTx back, even when ctx has ended: a rollback that is
// never sent leaves pgx no choice but to close the connection.
func (db *DB) rollback(ctx context.Context, pgTx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	if err := pgTx.Rollback(ctx); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		db.log.Warn("roll back transaction", "err", err)
	}
}
