package sqlstore

import "time"

// Dialect is what differs between the databases the store runs on.
type Dialect interface {
	// Err wraps an error from the database with op, what was being
	// done, and gives it the domain's code when the database's error
	// says which: EUNAVAILABLE for a database that cannot be used now;
	// on PostgreSQL also ECONFLICT for a violated unique key and EINVALID
	// for text it cannot keep. (The store words conflicts and foreign
	// keys itself where they are expected: ON CONFLICT, ForeignKey.)
	Err(op string, err error) error
	// ForeignKey reports whether err is a violated foreign key, which
	// the store words in terms of what was referred to.
	ForeignKey(err error) bool

	// Time is t, in UTC and truncated to the microsecond, as a query
	// argument.
	Time(t time.Time) any

	// ForUpdate follows a SELECT of rows the transaction goes on to
	// change, to hold them until it ends: " FOR UPDATE" where
	// transactions run side by side, nothing where one write
	// transaction runs at a time.
	ForUpdate() string

	// In returns the condition that column is one of list (a []int64 or
	// a []string), adding what it needs to a.
	In(a *Args, column string, list any) string

	// Contains returns the condition that the text in column contains
	// the text in the argument placeholder arg, matched as it is (no
	// wildcards).
	Contains(column, arg string) string

	// LockTable returns the statement that keeps every other
	// transaction from writing to table until this one ends, as an
	// import needs: "LOCK TABLE" where transactions run side by side,
	// "" where one write transaction runs at a time.
	LockTable(table string) string

	// OverrideIdentity follows the column list of an INSERT that gives
	// an identity column its value, as an import does: " OVERRIDING
	// SYSTEM VALUE" where the column is GENERATED ALWAYS, nothing where
	// an id given is taken as it is.
	OverrideIdentity() string

	// ResetIdentity returns the statement that makes the ids table's
	// identity draws next go on from the largest id in it, after rows
	// were inserted with their ids: a setval where the sequence does
	// not follow inserted ids, "" where it does (AUTOINCREMENT).
	ResetIdentity(table string) string

	// HasNonDigit returns the condition that the text expr holds a
	// character other than 0 to 9: a regular expression on PostgreSQL,
	// a GLOB pattern on SQLite, which has no regular expressions.
	HasNonDigit(expr string) string

	// Bytewise returns the text expr to sort or compare byte by byte: on
	// PostgreSQL text compares by the database's collation unless told
	// otherwise; SQLite compares bytes already.
	Bytewise(expr string) string

	// ClaimOutbox returns the UPDATE that claims outbox items, for the
	// caller to end with a RETURNING clause: it sets claimed_until to $4
	// on the pending ($2) items of channel $1 that are the oldest pending
	// item of their chat, due at $3 and not claimed past $3, the first of
	// them in id order as limit (" LIMIT $5", or "") says. Where
	// transactions run side by side, a claim locks the rows it picks and
	// skips those another claim has locked; where one write transaction
	// runs at a time it need not, and a query of another shape runs
	// faster.
	ClaimOutbox(limit string) string

	// HasTable returns the condition that the database has a table named
	// by the text in the argument placeholder arg: each database lists
	// its tables in its own catalog.
	HasTable(arg string) string

	// LockMigrations returns the statement that lets one migrator at a
	// time into schema_migrations until its transaction ends: an
	// advisory lock where transactions run side by side, "" where a
	// write transaction holds the database's one write lock.
	LockMigrations() string

	// MigrationsTable returns the CREATE TABLE IF NOT EXISTS of
	// schema_migrations (version, applied_at), with applied_at a time
	// as Time binds it.
	MigrationsTable() string
}
