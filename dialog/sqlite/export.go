package sqlite

import (
	"context"
	"database/sql"
	"io"

	"github.com/firstline-support/firstline/dialog/sqlstore"
)

// Export writes every row of firstline's tables (schema.Tables) to w in
// the export format of schema.Writer. It reads in one transaction, so the
// export is a consistent snapshot while the store keeps serving.
func (db *DB) Export(ctx context.Context, w io.Writer) error {
	sqlTx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return storeErr("begin export", err)
	}
	defer sqlTx.Rollback() // read only: nothing to keep
	return sqlstore.Export(ctx, sqlstore.FromSQL(sqlTx), dialect{}, w)
}

// Import reads an export written by Export (of this or any other store)
// into the store, keeping every id (see sqlstore.Import). It runs in one
// transaction and only into an empty store; on any error it changes
// nothing. AUTOINCREMENT goes on from the largest id imported.
func (db *DB) Import(ctx context.Context, r io.Reader) error {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return storeErr("begin import", err)
	}
	defer db.rollback(sqlTx) // a no-op after the commit
	if err := sqlstore.Import(ctx, sqlstore.FromSQL(sqlTx), dialect{}, r); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return storeErr("commit import", err)
	}
	return nil
}
