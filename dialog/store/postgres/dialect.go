package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// dialect is how PostgreSQL differs from SQLite for the store.
type dialect struct{}

var _ sqlstore.Dialect = dialect{}

// Err implements sqlstore.Dialect.
func (dialect) Err(op string, err error) error { return storeErr(op, err) }

// ForeignKey implements sqlstore.Dialect.
func (dialect) ForeignKey(err error) bool { return isForeignKey(err) }

// Time implements sqlstore.Dialect: a timestamptz.
func (dialect) Time(t time.Time) any { return t }

// ForUpdate implements sqlstore.Dialect: transactions run side by side,
// and a row lock puts those of one row in a line.
func (dialect) ForUpdate() string { return " FOR UPDATE" }

// In implements sqlstore.Dialect: the list is one array argument, so the
// query's text, and the statement the server prepared for it, is the same
// for any length.
func (dialect) In(a *sqlstore.Args, column string, list any) string {
	return column + " = ANY(" + a.Add(list) + ")"
}

// Contains implements sqlstore.Dialect.
func (dialect) Contains(column, arg string) string {
	return "strpos(" + column + ", " + arg + ") > 0"
}

// pgxQuerier is what *pgxpool.Pool and pgx.Tx have in common.
type pgxQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// fromPgx returns a sqlstore.Querier on a pgx pool or transaction.
func fromPgx(q pgxQuerier) sqlstore.Querier {
	return pgxAdapter{q: q}
}

// pgxAdapter adapts pgx to sqlstore.Querier.
type pgxAdapter struct {
	q pgxQuerier
}

// Exec implements sqlstore.Querier.
func (p pgxAdapter) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := p.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

// Query implements sqlstore.Querier.
func (p pgxAdapter) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := p.q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// QueryRow implements sqlstore.Querier.
func (p pgxAdapter) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return pgxRow{p.q.QueryRow(ctx, query, args...)}
}

// pgxRow is a pgx.Row whose "no rows" error is database/sql's, as
// sqlstore.Querier promises.
type pgxRow struct {
	row pgx.Row
}

// Scan implements sqlstore.Row.
func (r pgxRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// LockTable implements sqlstore.Dialect. EXCLUSIVE lets reads through.
func (dialect) LockTable(table string) string {
	return "LOCK TABLE " + table + " IN EXCLUSIVE MODE"
}

// OverrideIdentity implements sqlstore.Dialect: the ids are GENERATED
// ALWAYS.
func (dialect) OverrideIdentity() string { return " OVERRIDING SYSTEM VALUE" }

// ResetIdentity implements sqlstore.Dialect: a sequence goes on from
// where it was, whatever ids were inserted past it.
func (dialect) ResetIdentity(table string) string {
	return fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s", table, table)
}

// HasNonDigit implements sqlstore.Dialect.
func (dialect) HasNonDigit(expr string) string {
	return expr + " ~ '[^0-9]'"
}

// Bytewise implements sqlstore.Dialect: the "C" collation compares bytes.
func (dialect) Bytewise(expr string) string { return expr + ` COLLATE "C"` }

// ClaimOutbox implements sqlstore.Dialect. Senders of several replicas
// may claim at once: each locks the rows it picks and skips the rows
// another one has locked, so no two take the same item, and none waits.
// heads are each chat's oldest pending item, found by the outbox_chat
// index. The conditions that a concurrent claim or send changes are on
// the locked rows themselves, where PostgreSQL checks them again once it
// has the lock, so a claim or a send that just committed is seen. picked
// is MATERIALIZED so that it runs once, and locks no more than limit
// rows.
func (dialect) ClaimOutbox(limit string) string {
	return `WITH heads AS (
			SELECT min(id) AS id FROM outbox
			WHERE channel = $1 AND status = $2
			GROUP BY chat_id
		), picked AS MATERIALIZED (
			SELECT outbox.id AS picked_id FROM outbox JOIN heads ON heads.id = outbox.id
			WHERE outbox.status = $2
				AND outbox.next_attempt_at <= $3
				AND (outbox.claimed_until IS NULL OR outbox.claimed_until <= $3)
			ORDER BY outbox.id` + limit + `
			FOR UPDATE OF outbox SKIP LOCKED
		)
		UPDATE outbox SET claimed_until = $4
		FROM picked WHERE outbox.id = picked.picked_id`
}

// HasTable implements sqlstore.Dialect: the table as the search path
// finds it.
func (dialect) HasTable(arg string) string {
	return "to_regclass(" + arg + ") IS NOT NULL"
}

// LockMigrations implements sqlstore.Dialect: a transaction-scoped
// advisory lock on this schema's migrations.
func (dialect) LockMigrations() string {
	return fmt.Sprintf("SELECT pg_advisory_xact_lock(%d, hashtext(coalesce(current_schema(), '')))", migrationLock)
}

// MigrationsTable implements sqlstore.Dialect.
func (dialect) MigrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		applied_at timestamptz NOT NULL
	)`
}
