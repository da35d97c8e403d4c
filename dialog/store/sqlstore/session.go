package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Session returns the session with the given token hash, expired or not:
// the caller decides what an expired session means.
func (q Queries) Session(ctx context.Context, tokenHash string) (*dialog.Session, error) {
	if err := dialog.CheckText(tokenHash); err != nil {
		return nil, err
	}
	var s dialog.Session
	err := q.q.QueryRow(ctx,
		`SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1`,
		tokenHash).Scan(&s.TokenHash, &s.UserID, scanTime(&s.CreatedAt), scanTime(&s.ExpiresAt))
	// The hash is a secret of sorts: it stays out of messages.
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "session not found")
	} else if err != nil {
		return nil, q.d.Err("get session", err)
	}
	return &s, nil
}

// CreateSession stores s, and sets s.CreatedAt when zero. A session needs a
// token hash, an expiry time and an existing user.
func (t *Tx) CreateSession(ctx context.Context, s *dialog.Session) error {
	if err := dialog.CheckText(s.TokenHash); err != nil {
		return err
	}
	if s.TokenHash == "" {
		return dialog.Errorf(dialog.EINVALID, "a session needs a token hash")
	}
	if s.ExpiresAt.IsZero() {
		return dialog.Errorf(dialog.EINVALID, "a session needs an expiry time")
	}
	created := t.stamp(s.CreatedAt)
	n, err := t.q.Exec(ctx,
		`INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (token_hash) DO NOTHING`,
		s.TokenHash, s.UserID, t.timeArg(created), t.timeArg(s.ExpiresAt))
	if t.d.ForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "session of user %d, who does not exist", s.UserID)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("create session of user %d", s.UserID), err)
	}
	if n == 0 {
		return dialog.Errorf(dialog.ECONFLICT, "a session with this token already exists")
	}
	s.CreatedAt = created
	return nil
}

// DeleteSession ends the session with the given token hash. Ending a
// session that is already gone is not an error: logging out twice is fine.
func (t *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	if err := dialog.CheckText(tokenHash); err != nil {
		return err
	}
	if _, err := t.q.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return t.d.Err("delete session", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (t *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return t.d.Err(fmt.Sprintf("delete sessions of user %d", userID), err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions that expired before now.
func (t *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, t.timeArg(now)); err != nil {
		return t.d.Err("delete expired sessions", err)
	}
	return nil
}

// apiTokenColumns are the columns scanAPIToken reads, in order.
const apiTokenColumns = `id, token_hash, user_id, name, created_at, last_used_at`

// scanAPIToken reads a row of apiTokenColumns.
func scanAPIToken(s scanner) (*dialog.APIToken, error) {
	var tk dialog.APIToken
	err := s.Scan(&tk.ID, &tk.TokenHash, &tk.UserID, &tk.Name, scanTime(&tk.CreatedAt), scanTime(&tk.LastUsedAt))
	if err != nil {
		return nil, err
	}
	return &tk, nil
}

// APITokenByHash returns the API token with the given hash.
func (q Queries) APITokenByHash(ctx context.Context, tokenHash string) (*dialog.APIToken, error) {
	if err := dialog.CheckText(tokenHash); err != nil {
		return nil, err
	}
	row := q.q.QueryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = $1`, tokenHash)
	tk, err := scanAPIToken(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "API token not found")
	} else if err != nil {
		return nil, q.d.Err("get API token", err)
	}
	return tk, nil
}

// APITokens lists a user's API tokens in id order.
func (q Queries) APITokens(ctx context.Context, userID int64) ([]*dialog.APIToken, error) {
	return queryAll(ctx, q, fmt.Sprintf("list API tokens of user %d", userID), scanAPIToken,
		`SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
}

// CreateAPIToken stores tk, and sets tk.ID, and tk.CreatedAt when zero. A
// token needs a hash and an existing user; its name, when given, must be
// free among the user's tokens.
func (t *Tx) CreateAPIToken(ctx context.Context, tk *dialog.APIToken) error {
	if err := dialog.CheckText(tk.TokenHash, tk.Name); err != nil {
		return err
	}
	if tk.TokenHash == "" {
		return dialog.Errorf(dialog.EINVALID, "an API token needs a token hash")
	}
	if tk.Name != "" {
		var taken bool
		err := t.q.QueryRow(ctx,
			`SELECT EXISTS (SELECT 1 FROM api_tokens WHERE user_id = $1 AND name = $2)`, tk.UserID, tk.Name).Scan(&taken)
		if err != nil {
			return t.d.Err(fmt.Sprintf("create API token of user %d", tk.UserID), err)
		}
		if taken {
			return dialog.Errorf(dialog.ECONFLICT, "the user already has an API token named %q", tk.Name)
		}
	}
	created := t.stamp(tk.CreatedAt)
	var id int64
	// ON CONFLICT DO NOTHING, for the hash and, on PostgreSQL, for a name
	// taken meanwhile alike, leaves the transaction usable.
	err := t.q.QueryRow(ctx,
		`INSERT INTO api_tokens (token_hash, user_id, name, created_at, last_used_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING
		RETURNING id`,
		tk.TokenHash, tk.UserID, tk.Name, t.timeArg(created), t.nullTimeArg(tk.LastUsedAt)).Scan(&id)
	switch {
	case t.d.ForeignKey(err):
		return dialog.Errorf(dialog.EINVALID, "API token of user %d, who does not exist", tk.UserID)
	case noRows(err):
		return dialog.Errorf(dialog.ECONFLICT, "an API token with this hash or name already exists")
	case err != nil:
		return t.d.Err(fmt.Sprintf("create API token of user %d", tk.UserID), err)
	}
	tk.ID = id
	tk.CreatedAt = created
	return nil
}

// SetAPITokenUsed records when the token was last used.
func (t *Tx) SetAPITokenUsed(ctx context.Context, id int64, at time.Time) error {
	if _, err := t.q.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, t.timeArg(at), id); err != nil {
		return t.d.Err(fmt.Sprintf("record use of API token %d", id), err)
	}
	return nil
}

// DeleteAPIToken revokes the API token with the given id.
func (t *Tx) DeleteAPIToken(ctx context.Context, id int64) error {
	n, err := t.q.Exec(ctx, `DELETE FROM api_tokens WHERE id = $1`, id)
	if err != nil {
		return t.d.Err(fmt.Sprintf("delete API token %d", id), err)
	}
	if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "API token %d not found", id)
	}
	return nil
}

// DeleteUserAPITokens revokes every API token of a user.
func (t *Tx) DeleteUserAPITokens(ctx context.Context, userID int64) (int, error) {
	n, err := t.q.Exec(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, userID)
	if err != nil {
		return 0, t.d.Err(fmt.Sprintf("delete API tokens of user %d", userID), err)
	}
	return int(n), nil
}
