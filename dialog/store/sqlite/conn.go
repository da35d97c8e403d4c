package sqlite

import (
	"context"
	"database/sql"
	"log/slog"

	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// pools begins the store's transactions: writes on the one write
// connection, one at a time; snapshots on a read-only connection, which
// the write-ahead log lets run alongside the writer.
type pools struct {
	writer *sql.DB
	reader *sql.DB
	log    *slog.Logger
}

// Begin implements sqlstore.Conn.
func (p pools) Begin(ctx context.Context) (sqlstore.TxConn, error) {
	tx, err := p.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return sqlstore.SQLTx(tx, p.log), nil
}

// Snapshot implements sqlstore.Conn: a read transaction in WAL mode sees
// the database as of its first read.
func (p pools) Snapshot(ctx context.Context) (sqlstore.TxConn, error) {
	tx, err := p.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	return sqlstore.SQLTx(tx, p.log), nil
}
