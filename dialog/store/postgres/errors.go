package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/firstline-support/firstline/dialog"
)

// SQLSTATE codes the store tells apart.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	// Text the server cannot keep: a NUL character or bytes that are not
	// UTF-8 in text ("invalid byte sequence for encoding"), and \u0000 in
	// jsonb ("unsupported Unicode escape sequence"). The store refuses
	// such text before sending it (dialog.CheckText); these catch what
	// slips past.
	codeCharacterNotInRepertoire = "22021"
	codeUntranslatableCharacter  = "22P05"
)

// storeErr wraps an error from the database with what was being done. An
// error caused by the database being down, unreachable or too slow also
// carries EUNAVAILABLE, so callers can tell "try again later" from a bug;
// a violated unique key carries ECONFLICT, and a foreign key that points
// nowhere, or text the server cannot keep, EINVALID.
func storeErr(op string, err error) error {
	var e *dialog.Error
	switch {
	case isUnavailable(err):
		e = dialog.Errorf(dialog.EUNAVAILABLE, "the database is unavailable")
	case isUniqueViolation(err):
		e = dialog.Errorf(dialog.ECONFLICT, "it conflicts with what is stored already")
	case isForeignKey(err):
		e = dialog.Errorf(dialog.EINVALID, "it refers to something that does not exist")
	case isBadText(err):
		e = dialog.Errorf(dialog.EINVALID, "text must be valid UTF-8 without the NUL character (U+0000)")
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, e, err)
}

// isUnavailable reports whether err says the database cannot be used right
// now rather than that the request was wrong: the server cannot be reached
// or is shutting down, the connection broke, or no answer (nor free
// connection) came before the deadline.
func isUnavailable(err error) bool {
	var (
		pgErr      *pgconn.PgError
		connectErr *pgconn.ConnectError
		netErr     net.Error
	)
	switch {
	case errors.As(err, &pgErr):
		return unavailableCode(pgErr.Code)
	case errors.As(err, &connectErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, pgconn.ErrConnClosed):
		return true // the server hung up
	}
	return false
}

// unavailableCode reports whether a SQLSTATE says the server cannot serve
// requests now.
func unavailableCode(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"): // connection exception
		return true
	case strings.HasPrefix(code, "53"): // insufficient resources: too many connections, disk full
		return true
	case strings.HasPrefix(code, "57P"): // admin or crash shutdown, cannot connect now
		return true
	case code == "25006": // read-only transaction: connected to a standby
		return true
	}
	return false
}

// isUniqueViolation reports whether err is a violated unique key.
func isUniqueViolation(err error) bool {
	return hasCode(err, codeUniqueViolation)
}

// isForeignKey reports whether err is a violated foreign key.
func isForeignKey(err error) bool {
	return hasCode(err, codeForeignKeyViolation)
}

// isBadText reports whether err is the server refusing text it cannot
// keep.
func isBadText(err error) bool {
	return hasCode(err, codeCharacterNotInRepertoire) || hasCode(err, codeUntranslatableCharacter)
}

// hasCode reports whether err came from the server with the given
// SQLSTATE.
func hasCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}
