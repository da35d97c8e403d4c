package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/sqlstore"
)

func TestStoreErrCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"unique violation", &pgconn.PgError{Code: "23505"}, dialog.ECONFLICT},
		{"foreign key violation", &pgconn.PgError{Code: "23503"}, dialog.EINVALID},
		{"NUL or not UTF-8 in text", &pgconn.PgError{Code: "22021"}, dialog.EINVALID},
		{"\\u0000 in jsonb", &pgconn.PgError{Code: "22P05"}, dialog.EINVALID},
		{"connection failure", &pgconn.PgError{Code: "08006"}, dialog.EUNAVAILABLE},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, dialog.EUNAVAILABLE},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, dialog.EUNAVAILABLE},
		{"too many connections", &pgconn.PgError{Code: "53300"}, dialog.EUNAVAILABLE},
		{"read-only standby", &pgconn.PgError{Code: "25006"}, dialog.EUNAVAILABLE},
		{"syntax error", &pgconn.PgError{Code: "42601"}, dialog.EINTERNAL},
		{"deadline", fmt.Errorf("acquire: %w", context.DeadlineExceeded), dialog.EUNAVAILABLE},
		{"network", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, dialog.EUNAVAILABLE},
		{"hang-up", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), dialog.EUNAVAILABLE},
		{"closed connection", fmt.Errorf("begin: %w", pgconn.ErrConnClosed), dialog.EUNAVAILABLE},
		{"cancelled", context.Canceled, dialog.EINTERNAL},
		{"anything else", errors.New("boom"), dialog.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := storeErr("do it", tt.err)
			if got := dialog.ErrorCode(err); got != tt.code {
				t.Errorf("storeErr(%v) has code %q, want %q", tt.err, got, tt.code)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("storeErr(%v) = %v, which does not wrap the cause", tt.err, err)
			}
		})
	}
}

// closedPortURL is the URL of a server that is not there: a port that was
// just free.
func closedPortURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("close listener: %v", err)
	}
	return "postgres://firstline@" + addr + "/firstline?sslmode=disable"
}

func TestOpenUnreachable(t *testing.T) {
	_, err := Open(t.Context(), closedPortURL(t), nil)
	if err == nil {
		t.Fatal("Open of a server that is not there succeeded")
	}
	if code := dialog.ErrorCode(err); code != dialog.EUNAVAILABLE {
		t.Errorf("Open returned %v with code %q, want %q", err, code, dialog.EUNAVAILABLE)
	}
}

func TestOpenInvalidURLHidesPassword(t *testing.T) {
	_, err := Open(t.Context(), "postgres://firstline:secret@127.0.0.1:5432/firstline?sslmode=nonsense", nil)
	if err == nil {
		t.Fatal("Open of an invalid URL succeeded")
	}
	if msg := err.Error(); strings.Contains(msg, "secret") {
		t.Errorf("Open's error %q shows the password", msg)
	}
}

// TestServerGoneIsUnavailable ends the server side of a transaction's
// connection, as a server shutdown or a failover does: the transaction
// fails as unavailable, and the store serves the next one on a new
// connection.
func TestServerGoneIsUnavailable(t *testing.T) {
	testDB := newTestDB(t)
	db := open(t, testDB.schemaURL(t))
	ctx := t.Context()
	err := db.Update(ctx, func(dtx dialog.Tx) error {
		q := dtx.(*sqlstore.Tx).Querier()
		var pid int
		if err := q.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			return err
		}
		var ended bool
		err := testDB.admin.QueryRow(ctx, `SELECT pg_terminate_backend($1, 10000)`, pid).Scan(&ended)
		if err != nil || !ended {
			t.Fatalf("terminate backend %d: %v, %v", pid, ended, err)
		}
		_, err = dtx.EnsureConversation(ctx, "webchat", "chat-1")
		return err
	})
	if code := dialog.ErrorCode(err); code != dialog.EUNAVAILABLE {
		t.Errorf("Update on a terminated connection returned %v with code %q, want %q", err, code, dialog.EUNAVAILABLE)
	}

	err = db.Update(ctx, func(tx dialog.Tx) error {
		_, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		return err
	})
	if err != nil {
		t.Errorf("Update after the connection ended: %v", err)
	}
}
