package sqlstore

import (
	"context"
	"fmt"

	"github.com/firstline-support/firstline/dialog"
)

// userColumns are the columns scanUser reads, in order.
const userColumns = `users.id, users.name, users.role, users.password_hash, users.disabled,
	users.lang, users.queues, users.last_seen_at, users.last_assigned_at, users.created_at`

// User returns the user with the given id.
func (q Queries) User(ctx context.Context, id int64) (*dialog.User, error) {
	row := q.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	u, err := scanUser(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "user %d not found", id)
	} else if err != nil {
		return nil, q.d.Err(fmt.Sprintf("get user %d", id), err)
	}
	return u, nil
}

// UserByName returns the user with the given login name.
func (q Queries) UserByName(ctx context.Context, name string) (*dialog.User, error) {
	if err := dialog.CheckText(name); err != nil {
		return nil, err
	}
	row := q.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name)
	u, err := scanUser(row)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "user %q not found", name)
	} else if err != nil {
		return nil, q.d.Err(fmt.Sprintf("get user %q", name), err)
	}
	return u, nil
}

// Users lists every user, by name. Names compare byte by byte, whatever
// the database's collation.
func (q Queries) Users(ctx context.Context) ([]*dialog.User, error) {
	return queryAll(ctx, q, "list users", scanUser,
		`SELECT `+userColumns+` FROM users ORDER BY `+q.d.Bytewise("name"))
}

// scanUser reads a row of userColumns.
func scanUser(s scanner) (*dialog.User, error) {
	var (
		u      dialog.User
		queues string
	)
	err := s.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled,
		&u.Lang, &queues, scanTime(&u.LastSeenAt), scanTime(&u.LastAssignedAt), scanTime(&u.CreatedAt))
	if err != nil {
		return nil, err
	}
	if u.Queues, err = parseList(queues); err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateUser stores u and sets u.ID and u.CreatedAt. A taken name fails
// with ECONFLICT and leaves the transaction usable.
func (t *Tx) CreateUser(ctx context.Context, u *dialog.User) error {
	if err := u.CheckText(); err != nil {
		return err
	}
	if u.Name == "" {
		return dialog.Errorf(dialog.EINVALID, "a user needs a name")
	}
	if !u.Role.Valid() {
		return dialog.Errorf(dialog.EINVALID, "unknown role %q", u.Role)
	}
	created := t.now
	row := t.q.QueryRow(ctx,
		`INSERT INTO users (name, role, password_hash, disabled, lang, queues,
			last_seen_at, last_assigned_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (name) DO NOTHING
		RETURNING id`,
		u.Name, u.Role, u.PasswordHash, u.Disabled, u.Lang, formatList(u.Queues),
		t.nullTimeArg(u.LastSeenAt), t.nullTimeArg(u.LastAssignedAt), t.timeArg(created))
	var id int64
	err := row.Scan(&id)
	if noRows(err) {
		return dialog.Errorf(dialog.ECONFLICT, "user %q already exists", u.Name)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("create user %q", u.Name), err)
	}
	u.ID = id
	u.CreatedAt = created
	return nil
}

// UpdateUser saves u's role, password hash, disabled flag, language,
// queues, last seen and last assigned times. The name and the creation
// time never change.
func (t *Tx) UpdateUser(ctx context.Context, u *dialog.User) error {
	if err := u.CheckText(); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return dialog.Errorf(dialog.EINVALID, "unknown role %q", u.Role)
	}
	n, err := t.q.Exec(ctx,
		`UPDATE users SET role = $1, password_hash = $2, disabled = $3, lang = $4, queues = $5,
			last_seen_at = $6, last_assigned_at = $7
		WHERE id = $8`,
		u.Role, u.PasswordHash, u.Disabled, u.Lang, formatList(u.Queues),
		t.nullTimeArg(u.LastSeenAt), t.nullTimeArg(u.LastAssignedAt),
		u.ID)
	if err != nil {
		return t.d.Err(fmt.Sprintf("update user %d", u.ID), err)
	}
	if n == 0 {
		return dialog.Errorf(dialog.ENOTFOUND, "user %d not found", u.ID)
	}
	return nil
}
