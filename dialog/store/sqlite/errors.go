package sqlite

import (
	"errors"
	"fmt"

	"github.com/firstline-support/firstline/dialog"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// storeErr wraps an error from the database with what was being done. An
// error caused by the database being locked or unreachable also carries
// EUNAVAILABLE, so callers can tell "try again later" from a bug.
func storeErr(op string, err error) error {
	if isUnavailable(err) {
		return fmt.Errorf("%s: %w: %w", op, dialog.Errorf(dialog.EUNAVAILABLE, "the database is unavailable"), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isUnavailable reports whether err says the database cannot be used right
// now rather than that the request was wrong.
func isUnavailable(err error) bool {
	code, ok := sqliteCode(err)
	if !ok {
		return false
	}
	switch code & 0xff { // the primary code, without the extended bits
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN,
		sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY:
		return true
	}
	return false
}

// isForeignKey reports whether err is a violated foreign key.
func isForeignKey(err error) bool {
	code, ok := sqliteCode(err)
	return ok && code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// sqliteCode returns the extended SQLite result code of err, if err came
// from SQLite.
func sqliteCode(err error) (int, bool) {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}
