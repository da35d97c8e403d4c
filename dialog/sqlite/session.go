package sqlite

import (
	"context"
	"database/sql"
	"errors"
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
	var (
		s                    dialog.Session
		createdAt, expiresAt string
	)
	err := q.q.QueryRowContext(ctx,
		`SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ?`,
		tokenHash).Scan(&s.TokenHash, &s.UserID, &createdAt, &expiresAt)
	// The hash is a secret of sorts: it stays out of messages.
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, storeErr("get session", err)
	}
	if s.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, storeErr("get session", err)
	}
	if s.ExpiresAt, err = parseTime(expiresAt); err != nil {
		return nil, storeErr("get session", err)
	}
	return &s, nil
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
	res, err := t.q.ExecContext(ctx,
		`INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (token_hash) DO NOTHING`,
		s.TokenHash, s.UserID, formatTime(created), formatTime(s.ExpiresAt))
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "session of user %d, who does not exist", s.UserID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("create session of user %d", s.UserID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return storeErr(fmt.Sprintf("create session of user %d", s.UserID), err)
	} else if n == 0 {
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
	if _, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return storeErr("delete session", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (t *tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return storeErr(fmt.Sprintf("delete sessions of user %d", userID), err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions that expired before now.
func (t *tx) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, formatTime(now)); err != nil {
		return storeErr("delete expired sessions", err)
	}
	return nil
}

// apiTokenColumns are the columns scanAPIToken reads, in order.
const apiTokenColumns = `id, token_hash, user_id, name, created_at, last_used_at`

// scanAPIToken reads a row of apiTokenColumns.
func scanAPIToken(s scanner) (*dialog.APIToken, error) {
	var (
		tk        dialog.APIToken
		createdAt string
		lastUsed  sql.NullString
	)
	if err := s.Scan(&tk.ID, &tk.TokenHash, &tk.UserID, &tk.Name, &createdAt, &lastUsed); err != nil {
		return nil, err
	}
	var err error
	if tk.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	if tk.LastUsedAt, err = parseNullTime(lastUsed); err != nil {
		return nil, err
	}
	return &tk, nil
}

// APITokenByHash returns the API token with the given hash.
func (q queries) APITokenByHash(ctx context.Context, tokenHash string) (*dialog.APIToken, error) {
	if err := dialog.CheckText(tokenHash); err != nil {
		return nil, err
	}
	row := q.q.QueryRowContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = ?`, tokenHash)
	tk, err := scanAPIToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "API token not found")
	} else if err != nil {
		return nil, storeErr("get API token", err)
	}
	return tk, nil
}

// APITokens lists a user's API tokens in id order.
func (q queries) APITokens(ctx context.Context, userID int64) ([]*dialog.APIToken, error) {
	return queryAll(ctx, q.q, fmt.Sprintf("list API tokens of user %d", userID), scanAPIToken,
		`SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
}

// CreateAPIToken stores tk, and sets tk.ID, and tk.CreatedAt when zero. A
// token needs a hash and an existing user; its name, when given, must be
// free among the user's tokens.
func (t *tx) CreateAPIToken(ctx context.Context, tk *dialog.APIToken) error {
	if err := dialog.CheckText(tk.TokenHash, tk.Name); err != nil {
		return err
	}
	if tk.TokenHash == "" {
		return dialog.Errorf(dialog.EINVALID, "an API token needs a token hash")
	}
	if tk.Name != "" {
		var taken bool
		err := t.q.QueryRowContext(ctx,
			`SELECT EXISTS (SELECT 1 FROM api_tokens WHERE user_id = ? AND name = ?)`, tk.UserID, tk.Name).Scan(&taken)
		if err != nil {
			return storeErr(fmt.Sprintf("create API token of user %d", tk.UserID), err)
		}
		if taken {
			return dialog.Errorf(dialog.ECONFLICT, "the user already has an API token named %q", tk.Name)
		}
	}
	created := tk.CreatedAt
	if created.IsZero() {
		created = now()
	}
	var id int64
	err := t.q.QueryRowContext(ctx,
		`INSERT INTO api_tokens (token_hash, user_id, name, created_at, last_used_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING
		RETURNING id`,
		tk.TokenHash, tk.UserID, tk.Name, formatTime(created), formatNullTime(tk.LastUsedAt)).Scan(&id)
	switch {
	case isForeignKey(err):
		return dialog.Errorf(dialog.EINVALID, "API token of user %d, who does not exist", tk.UserID)
	case errors.Is(err, sql.ErrNoRows):
		return dialog.Errorf(dialog.ECONFLICT, "an API token with this hash already exists")
	case err != nil:
		return storeErr(fmt.Sprintf("create API token of user %d", tk.UserID), err)
	}
	tk.ID = id
	tk.CreatedAt = created
	return nil
}

// SetAPITokenUsed records when the token was last used.
func (t *tx) SetAPITokenUsed(ctx context.Context, id int64, at time.Time) error {
	if _, err := t.q.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, formatTime(at), id); err != nil {
		return storeErr(fmt.Sprintf("record use of API token %d", id), err)
	}
	return nil
}

// DeleteAPIToken revokes the API token with the given id.
func (t *tx) DeleteAPIToken(ctx context.Context, id int64) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = ?`, id)
	if err != nil {
		return storeErr(fmt.Sprintf("delete API token %d", id), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return storeErr(fmt.Sprintf("delete API token %d", id), err)
	} else if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "API token %d not found", id)
	}
	return nil
}

// DeleteUserAPITokens revokes every API token of a user.
func (t *tx) DeleteUserAPITokens(ctx context.Context, userID int64) (int, error) {
	res, err := t.q.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, userID)
	if err != nil {
		return 0, storeErr(fmt.Sprintf("delete API tokens of user %d", userID), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, storeErr(fmt.Sprintf("delete API tokens of user %d", userID), err)
	}
	return int(n), nil
}
