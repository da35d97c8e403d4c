package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Session returns the session with the given token hash, expired or not:
// the caller decides what an expired session means.
func (q queries) Session(ctx context.Context, tokenHash string) (*dialog.Session, error) {
	if err := dialog.CheckText(tokenHash); err != nil {
		return nil, err
	}
	var s dialog.Session
	err := q.q.QueryRow(ctx,
		`SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1`,
		tokenHash).Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.ExpiresAt)
	// The hash is a secret of sorts: it stays out of messages.
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, storeErr("get session", err)
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return &s, nil
}

// UserByAPIToken returns the user an API token belongs to, disabled or
// not: the caller decides what a disabled user may do.
func (q queries) UserByAPIToken(ctx context.Context, tokenHash string) (*dialog.User, error) {
	if err := dialog.CheckText(tokenHash); err != nil {
		return nil, err
	}
	row := q.q.QueryRow(ctx,
		`SELECT `+userColumns+` FROM api_tokens JOIN users ON users.id = api_tokens.user_id
		WHERE api_tokens.token_hash = $1`,
		tokenHash)
	u, err := scanUser(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "API token not found")
	} else if err != nil {
		return nil, storeErr("get user by API token", err)
	}
	return u, nil
}

// CreateSession stores s, and sets s.CreatedAt when zero. A session needs a
// token hash, an expiry time and an existing user.
func (t *tx) CreateSession(ctx context.Context, s *dialog.Session) error {
	if err := dialog.CheckText(s.TokenHash); err != nil {
		return err
	}
	if s.TokenHash == "" {
		return dialog.Errorf(dialog.EINVALID, "a session needs a token hash")
	}
	if s.ExpiresAt.IsZero() {
		return dialog.Errorf(dialog.EINVALID, "a session needs an expiry time")
	}
	created := s.CreatedAt
	if created.IsZero() {
		created = now()
	}
	created = dbTime(created)
	tag, err := t.q.Exec(ctx,
		`INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (token_hash) DO NOTHING`,
		s.TokenHash, s.UserID, created, dbTime(s.ExpiresAt))
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "session of user %d, who does not exist", s.UserID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("create session of user %d", s.UserID), err)
	}
	if tag.RowsAffected() == 0 {
		return dialog.Errorf(dialog.ECONFLICT, "a session with this token already exists")
	}
	s.CreatedAt = created
	return nil
}

// DeleteSession ends the session with the given token hash. Ending a
// session that is already gone is not an error: logging out twice is fine.
func (t *tx) DeleteSession(ctx context.Context, tokenHash string) error {
	if err := dialog.CheckText(tokenHash); err != nil {
		return err
	}
	if _, err := t.q.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return storeErr("delete session", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (t *tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return storeErr(fmt.Sprintf("delete sessions of user %d", userID), err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions that expired before now.
func (t *tx) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, dbTime(now)); err != nil {
		return storeErr("delete expired sessions", err)
	}
	return nil
}

// CreateAPIToken stores tk, and sets tk.CreatedAt when zero. A token needs
// a hash and an existing user.
func (t *tx) CreateAPIToken(ctx context.Context, tk *dialog.APIToken) error {
	if err := dialog.CheckText(tk.TokenHash); err != nil {
		return err
	}
	if tk.TokenHash == "" {
		return dialog.Errorf(dialog.EINVALID, "an API token needs a token hash")
	}
	created := tk.CreatedAt
	if created.IsZero() {
		created = now()
	}
	created = dbTime(created)
	tag, err := t.q.Exec(ctx,
		`INSERT INTO api_tokens (token_hash, user_id, created_at)
		VALUES ($1, $2, $3)
		ON CONFLICT (token_hash) DO NOTHING`,
		tk.TokenHash, tk.UserID, created)
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "API token of user %d, who does not exist", tk.UserID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("create API token of user %d", tk.UserID), err)
	}
	if tag.RowsAffected() == 0 {
		return dialog.Errorf(dialog.ECONFLICT, "an API token with this hash already exists")
	}
	tk.CreatedAt = created
	return nil
}
