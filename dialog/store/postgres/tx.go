package postgres

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// rollbackTimeout bounds a rollback, which runs even after the caller's
// context has ended.
const rollbackTimeout = 5 * time.Second

// poolConn begins the store's transactions on connections of the pool:
// read committed, side by side.
type poolConn struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

// Begin implements sqlstore.Conn.
func (c poolConn) Begin(ctx context.Context) (sqlstore.TxConn, error) {
	pgTx, err := c.pool.Begin(ctx)
	// A pooled connection the server dropped (a restart, a network cut)
	// fails before anything was sent; the next one is fresh.
	for try := 0; err != nil && try < 2 && pgconn.SafeToRetry(err); try++ {
		pgTx, err = c.pool.Begin(ctx)
	}
	if err != nil {
		return nil, err
	}
	return txConn{pgxAdapter: pgxAdapter{q: pgTx}, tx: pgTx, log: c.log}, nil
}

// txConn adapts a pgx transaction to sqlstore.TxConn.
type txConn struct {
	pgxAdapter
	tx  pgx.Tx
	log *slog.Logger
}

// Commit implements sqlstore.TxConn.
func (t txConn) Commit(ctx context.Context) error {
	return t.tx.Commit(ctx)
}

// Rollback implements sqlstore.TxConn. It rolls back even when ctx has
// ended: a rollback that is never sent leaves pgx no choice but to close
// the connection.
func (t txConn) Rollback(ctx context.Context) {
	rollback(ctx, t.tx, t.log)
}

// rollback rolls pgTx back within rollbackTimeout, even when ctx has
// ended.
func rollback(ctx context.Context, pgTx pgx.Tx, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	if err := pgTx.Rollback(ctx); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		log.Warn("roll back transaction", "err", err)
	}
}

// Snapshot implements sqlstore.Conn: a repeatable-read, read-only
// transaction.
func (c poolConn) Snapshot(ctx context.Context) (sqlstore.TxConn, error) {
	pgTx, err := c.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	return txConn{pgxAdapter: pgxAdapter{q: pgTx}, tx: pgTx, log: c.log}, nil
}
