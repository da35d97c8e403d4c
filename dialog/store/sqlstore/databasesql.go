package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
)

// SQLQuerier is what *sql.DB and *sql.Tx have in common.
type SQLQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// FromSQL returns a Querier that runs on a database/sql pool or
// transaction.
func FromSQL(q SQLQuerier) Querier {
	return sqlQuerier{q: q}
}

// sqlQuerier adapts database/sql to Querier.
type sqlQuerier struct {
	q SQLQuerier
}

// Exec implements Querier.
func (s sqlQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Query implements Querier.
func (s sqlQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// QueryRow implements Querier.
func (s sqlQuerier) QueryRow(ctx context.Context, query string, args ...any) Row {
	return s.q.QueryRowContext(ctx, query, args...)
}

// sqlRows adapts *sql.Rows to Rows. An error of Close also shows in Err,
// which callers check.
type sqlRows struct {
	*sql.Rows
}

// Close implements Rows.
func (r sqlRows) Close() {
	_ = r.Rows.Close()
}

// SQLTx returns the TxConn of a database/sql transaction, logging to log
// a rollback that fails.
func SQLTx(tx *sql.Tx, log *slog.Logger) TxConn {
	return sqlTx{sqlQuerier: sqlQuerier{q: tx}, tx: tx, log: log}
}

// sqlTx adapts *sql.Tx to TxConn.
type sqlTx struct {
	sqlQuerier
	tx  *sql.Tx
	log *slog.Logger
}

// Commit implements TxConn.
func (t sqlTx) Commit(context.Context) error {
	return t.tx.Commit()
}

// Rollback implements TxConn. database/sql has rolled back already when
// the context ended, which is not worth a log line.
func (t sqlTx) Rollback(context.Context) {
	if err := t.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		t.log.Warn("roll back transaction", "err", err)
	}
}
