package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/firstline-support/firstline/dialog"
)

// userColumns are the columns scanUser reads, in order.
const userColumns = `users.id, users.name, users.role, users.password_hash, users.disabled,
	users.lang, users.queues, users.last_seen_at, users.last_assigned_at, users.created_at`

// User returns the user with the given id.
func (q queries) User(ctx context.Context, id int64) (*dialog.User, error) {
	row := q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "user %d not found", id)
	} else if err != nil {
		return nil, storeErr(fmt.Sprintf("get user %d", id), err)
	}
	return u, nil
}

// UserByName returns the user with the given login name.
func (q queries) UserByName(ctx context.Context, name string) (*dialog.User, error) {
	if err := dialog.CheckText(name); err != nil {
		return nil, err
	}
	row := q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name)
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "user %q not found", name)
	} else if err != nil {
		return nil, storeErr(fmt.Sprintf("get user %q", name), err)
	}
	return u, nil
}

// Users lists every user, by name.
func (q queries) Users(ctx context.Context) ([]*dialog.User, error) {
	return queryAll(ctx, q.q, "list users", scanUser, `SELECT `+userColumns+` FROM users ORDER BY name`)
}

// scanUser reads a row of userColumns.
func scanUser(s scanner) (*dialog.User, error) {
	var (
		u                      dialog.User
		queues                 string
		lastSeen, lastAssigned sql.NullString
		createdAt              string
	)
	err := s.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled,
		&u.Lang, &queues, &lastSeen, &lastAssigned, &createdAt)
	if err != nil {
		return nil, err
	}
	if u.Queues, err = parseList(queues); err != nil {
		return nil, err
	}
	if u.LastSeenAt, err = parseNullTime(lastSeen); err != nil {
		return nil, err
	}
	if u.LastAssignedAt, err = parseNullTime(lastAssigned); err != nil {
		return nil, err
	}
	if u.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateUser stores u and sets u.ID and u.CreatedAt. A taken name fails
// with ECONFLICT and leaves the transaction usable.
func (t *tx) CreateUser(ctx context.Context, u *dialog.User) error {
	if err := u.CheckText(); err != nil {
		return err
	}
	if u.Name == "" {
		return dialog.Errorf(dialog.EINVALID, "a user needs a name")
	}
	if !u.Role.Valid() {
		return dialog.Errorf(dialog.EINVALID, "unknown role %q", u.Role)
	}
	created := now()
	row := t.q.QueryRowContext(ctx,
		`INSERT INTO users (name, role, password_hash, disabled, lang, queues,
			last_seen_at, last_assigned_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO NOTHING
		RETURNING id`,
		u.Name, u.Role, u.PasswordHash, u.Disabled, u.Lang, formatList(u.Queues),
		formatNullTime(u.LastSeenAt), formatNullTime(u.LastAssignedAt), formatTime(created))
	var id int64
	err := row.Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return dialog.Errorf(dialog.ECONFLICT, "user %q already exists", u.Name)
	} else if err != nil {
		return storeErr(fmt.Sprintf("create user %q", u.Name), err)
	}
	u.ID = id
	u.CreatedAt = created
	return nil
}

// UpdateUser saves u's role, password hash, disabled flag, language,
// queues, last seen and last assigned times. The name and the creation
// time never change.
func (t *tx) UpdateUser(ctx context.Context, u *dialog.User) error {
	if err := u.CheckText(); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return dialog.Errorf(dialog.EINVALID, "unknown role %q", u.Role)
	}
	res, err := t.q.ExecContext(ctx,
		`UPDATE users SET role = ?, password_hash = ?, disabled = ?, lang = ?, queues = ?,
			last_seen_at = ?, last_assigned_at = ?
		WHERE id = ?`,
		u.Role, u.PasswordHash, u.Disabled, u.Lang, formatList(u.Queues),
		formatNullTime(u.LastSeenAt), formatNullTime(u.LastAssignedAt),
		u.ID)
	if err != nil {
		return storeErr(fmt.Sprintf("update user %d", u.ID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return storeErr(fmt.Sprintf("update user %d", u.ID), err)
	} else if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "user %d not found", u.ID)
	}
	return nil
}
