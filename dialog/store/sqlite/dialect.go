package sqlite

import (
	"strings"
	"time"

	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

// dialect is how SQLite differs from PostgreSQL for the store.
type dialect struct{}

var _ sqlstore.Dialect = dialect{}

// Err implements sqlstore.Dialect.
func (dialect) Err(op string, err error) error { return storeErr(op, err) }

// ForeignKey implements sqlstore.Dialect.
func (dialect) ForeignKey(err error) bool { return isForeignKey(err) }

// Time implements sqlstore.Dialect: text in a fixed-width UTC layout, so
// that text order is time order.
func (dialect) Time(t time.Time) any { return sqlstore.FormatTime(t) }

// ForUpdate implements sqlstore.Dialect: nothing, since one write
// transaction runs at a time.
func (dialect) ForUpdate() string { return "" }

// In implements sqlstore.Dialect: one placeholder per item.
func (dialect) In(a *sqlstore.Args, column string, list any) string {
	var marks []string
	switch l := list.(type) {
	case []int64:
		for _, v := range l {
			marks = append(marks, a.Add(v))
		}
	case []string:
		for _, v := range l {
			marks = append(marks, a.Add(v))
		}
	default:
		panic("sqlite: In takes a []int64 or a []string")
	}
	return column + " IN (" + strings.Join(marks, ", ") + ")"
}

// Contains implements sqlstore.Dialect.
func (dialect) Contains(column, arg string) string {
	return "instr(" + column + ", " + arg + ") > 0"
}

// LockTable implements sqlstore.Dialect: nothing, since one write
// transaction runs at a time.
func (dialect) LockTable(table string) string { return "" }

// OverrideIdentity implements sqlstore.Dialect: nothing, since an id
// given is taken as it is.
func (dialect) OverrideIdentity() string { return "" }

// ResetIdentity implements sqlstore.Dialect: nothing, since AUTOINCREMENT
// keeps the largest id inserted in sqlite_sequence, ids given included.
func (dialect) ResetIdentity(table string) string { return "" }

// HasNonDigit implements sqlstore.Dialect.
func (dialect) HasNonDigit(expr string) string {
	return expr + " GLOB '*[^0-9]*'"
}

// Bytewise implements sqlstore.Dialect: SQLite's default collation,
// BINARY, compares bytes.
func (dialect) Bytewise(expr string) string { return expr }

// ClaimOutbox implements sqlstore.Dialect. One write transaction runs at
// a time, so nothing is locked. The inner query lists each chat's head,
// the oldest pending item, by the outbox_chat index; the outer one walks
// those ids in order and stops at the limit, reading only the rows it
// takes, where a join with the heads would read and sort them all.
func (dialect) ClaimOutbox(limit string) string {
	return `UPDATE outbox SET claimed_until = $4
		WHERE id IN (
			SELECT id FROM outbox
			WHERE id IN (
				SELECT min(id) FROM outbox
				WHERE channel = $1 AND status = $2
				GROUP BY chat_id)
			AND next_attempt_at <= $3
			AND (claimed_until IS NULL OR claimed_until <= $3)
			ORDER BY id` + limit + `)`
}

// HasTable implements sqlstore.Dialect.
func (dialect) HasTable(arg string) string {
	return "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = " + arg + ")"
}

// LockMigrations implements sqlstore.Dialect: nothing, since the
// migration's transaction takes the database's write lock when it begins.
func (dialect) LockMigrations() string { return "" }

// MigrationsTable implements sqlstore.Dialect.
func (dialect) MigrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT    NOT NULL
	)`
}
