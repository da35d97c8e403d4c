package postgres

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/firstline-support/firstline/dialog/sqlstore"
)

// Export writes every row of firstline's tables (schema.Tables) to w in
// the export format of schema.Writer. It reads in one repeatable-read
// transaction, so the export is a consistent snapshot while the store
// keeps serving.
func (db *DB) Export(ctx context.Context, w io.Writer) error {
	pgTx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return storeErr("begin export", err)
	}
	defer db.rollback(ctx, pgTx) // read only: nothing to keep
	return sqlstore.Export(ctx, fromPgx(pgTx), dialect{}, w)
}

// Import reads an export written by Export (of this or any other store)
// into the store, keeping every id (see sqlstore.Import). It runs in one
// transaction, holding off other writers, and only into an empty store;
// on any error it changes nothing. Each identity sequence then goes on
// from the largest id imported.
func (db *DB) Import(ctx context.Context, r io.Reader) error {
	pgTx, err := db.pool.Begin(ctx)
	if err != nil {
		return storeErr("begin import", err)
	}
	defer db.rollback(ctx, pgTx) // a no-op after the commit
	if err := sqlstore.Import(ctx, fromPgx(pgTx), dialect{}, r); err != nil {
		return err
	}
	if err := pgTx.Commit(ctx); err != nil {
		return storeErr("commit import", err)
	}
	return nil
}
