package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/firstline-support/firstline/dialog"
)

// Account rules.
const (
	maxNameLength     = 64
	minPasswordLength = 10
	maxPasswordBytes  = 72 // bcrypt ignores anything longer; refuse rather than truncate silently
	// generatedLength is the length of the admin password EnsureAdmin
	// makes up: 16 characters of 57 give about 93 bits.
	generatedLength = 16
	// AdminName is the user EnsureAdmin creates.
	AdminName = "admin"
)

// passwordAlphabet leaves out characters that are easy to misread (0 O 1 l I).
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

var queuePattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// CreateUser creates an enabled user. The name is 1 to 64 letters, digits,
// '.', '_' or '-'; the password at least 10 characters. A bad name, role or
// password fails with EINVALID, a taken name with ECONFLICT.
func (s *Service) CreateUser(ctx context.Context, name string, role dialog.Role, password string) (*dialog.User, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, dialog.Errorf(dialog.EINVALID, "role must be agent, admin or analyst, not %q", role)
	}
	// Checked before hashing, which is slow on purpose, and again in the
	// transaction in case someone took the name meanwhile.
	if err := checkNameFree(ctx, s.store, name); err != nil {
		return nil, err
	}
	hash, err := s.hash(password)
	if err != nil {
		return nil, err
	}
	u := &dialog.User{Name: name, Role: role, PasswordHash: hash}
	err = s.store.Update(ctx, func(tx dialog.Tx) error {
		if err := checkNameFree(ctx, tx, name); err != nil {
			return err
		}
		return tx.CreateUser(ctx, u)
	})
	if err != nil {
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	s.log.Info("user created", "user", name, "role", role)
	return u, nil
}

// checkNameFree fails with ECONFLICT when a user has the name, ignoring
// case: "Anna" and "anna" side by side would confuse agents and customers.
func checkNameFree(ctx context.Context, q dialog.Queries, name string) error {
	users, err := q.Users(ctx)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	for _, u := range users {
		if strings.EqualFold(u.Name, name) {
			return dialog.Errorf(dialog.ECONFLICT, "user %q already exists", u.Name)
		}
	}
	return nil
}

// SetPassword changes the user's password, ends all of the user's
// sessions, so a stolen session dies with the old password, and revokes
// the user's API tokens, which may have leaked with it.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	return s.setPassword(ctx, name, password, true)
}

// SetPasswordKeepTokens is SetPassword that leaves the user's API tokens
// working, for a routine change that should not break the user's scripts.
func (s *Service) SetPasswordKeepTokens(ctx context.Context, name, password string) error {
	return s.setPassword(ctx, name, password, false)
}

func (s *Service) setPassword(ctx context.Context, name, password string, revokeTokens bool) error {
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	revoked := 0
	err = s.changeUser(ctx, name, func(tx dialog.Tx, u *dialog.User) error {
		u.PasswordHash = hash
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if revokeTokens {
			if revoked, err = tx.DeleteUserAPITokens(ctx, u.ID); err != nil {
				return err
			}
		}
		return tx.DeleteUserSessions(ctx, u.ID)
	})
	if err != nil {
		return fmt.Errorf("set password of %q: %w", name, err)
	}
	s.accessChanged()
	s.log.Info("password changed", "user", name, "api_tokens_revoked", revoked)
	return nil
}

// ResetPassword gives the user a generated password, returned to be
// shown once, with what SetPassword does besides: the user's sessions end
// and the user's API tokens are revoked.
func (s *Service) ResetPassword(ctx context.Context, name string) (string, error) {
	password := randomPassword()
	if err := s.SetPassword(ctx, name, password); err != nil {
		return "", err
	}
	return password, nil
}

// SetQueues sets the queues the user works; none means every queue. Queue
// names are lower-case letters, digits and _.
func (s *Service) SetQueues(ctx context.Context, name string, queues []string) error {
	for _, q := range queues {
		if !queuePattern.MatchString(q) {
			return dialog.Errorf(dialog.EINVALID, "queue names are lower-case letters, digits and _, not %q", q)
		}
	}
	queues = slices.Compact(slices.Sorted(slices.Values(queues)))
	err := s.changeUser(ctx, name, func(tx dialog.Tx, u *dialog.User) error {
		u.Queues = queues
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return fmt.Errorf("set queues of %q: %w", name, err)
	}
	return nil
}

// Disable stops the user from logging in, ends the user's sessions and
// revokes the user's API tokens, so that enabling the user again brings
// none of them back. Live-update streams of the user end too: at once in
// this process, within RecheckEvery in other processes. Disabling the last
// enabled admin fails with ECONFLICT: nobody could manage users any more.
func (s *Service) Disable(ctx context.Context, name string) error {
	err := s.changeUser(ctx, name, func(tx dialog.Tx, u *dialog.User) error {
		if u.Role == dialog.RoleAdmin && !u.Disabled {
			admins, err := enabledAdmins(ctx, tx)
			if err != nil {
				return err
			}
			if admins == 1 {
				return dialog.Errorf(dialog.ECONFLICT, "%q is the last enabled admin; make another admin first", name)
			}
		}
		u.Disabled = true
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if _, err := tx.DeleteUserAPITokens(ctx, u.ID); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, u.ID)
	})
	if err != nil {
		return fmt.Errorf("disable %q: %w", name, err)
	}
	s.accessChanged()
	s.log.Info("user disabled", "user", name)
	return nil
}

// Enable lets a disabled user log in again. The sessions and API tokens
// Disable ended stay ended.
func (s *Service) Enable(ctx context.Context, name string) error {
	err := s.changeUser(ctx, name, func(tx dialog.Tx, u *dialog.User) error {
		u.Disabled = false
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return fmt.Errorf("enable %q: %w", name, err)
	}
	s.log.Info("user enabled", "user", name)
	return nil
}

// EnsureAdmin makes sure someone can manage users: when there is no
// enabled admin, it creates the user "admin" with password, or with a
// generated password when password is "". It returns whether it created
// the user and the generated password, to be shown once. It fails when the
// name "admin" is taken by a user it cannot use (not an admin, or
// disabled), rather than changing that user.
func (s *Service) EnsureAdmin(ctx context.Context, password string) (created bool, generated string, err error) {
	users, err := s.store.Users(ctx)
	if err != nil {
		return false, "", fmt.Errorf("ensure an admin: %w", err)
	}
	if countEnabledAdmins(users) > 0 {
		return false, "", nil
	}
	if password == "" {
		generated = randomPassword()
		password = generated
	}
	hash, err := s.hash(password)
	if err != nil {
		return false, "", err
	}
	err = s.store.Update(ctx, func(tx dialog.Tx) error {
		// Look again inside the transaction: another process may have
		// created an admin since.
		if n, err := enabledAdmins(ctx, tx); err != nil || n > 0 {
			return err
		}
		u, err := tx.UserByName(ctx, AdminName)
		switch {
		case err == nil && u.Role != dialog.RoleAdmin:
			return dialog.Errorf(dialog.ECONFLICT, "there is no enabled admin and the name %q belongs to a user with role %s; "+
				"create an admin with: firstline user add --name NAME --role admin", AdminName, u.Role)
		case err == nil:
			return dialog.Errorf(dialog.ECONFLICT, "there is no enabled admin and %q is disabled; "+
				"enable it with: firstline user enable %s", AdminName, AdminName)
		case dialog.ErrorCode(err) != dialog.ENOTFOUND:
			return err
		}
		created = true
		return tx.CreateUser(ctx, &dialog.User{Name: AdminName, Role: dialog.RoleAdmin, PasswordHash: hash})
	})
	if err != nil {
		return false, "", fmt.Errorf("ensure an admin: %w", err)
	}
	if !created {
		return false, "", nil
	}
	s.log.Info("user created: there was no enabled admin", "user", AdminName)
	return true, generated, nil
}

// changeUser runs fn on the named user inside a transaction; an unknown
// name fails with ENOTFOUND.
func (s *Service) changeUser(ctx context.Context, name string, fn func(tx dialog.Tx, u *dialog.User) error) error {
	return s.store.Update(ctx, func(tx dialog.Tx) error {
		u, err := tx.UserByName(ctx, name)
		if dialog.ErrorCode(err) == dialog.ENOTFOUND {
			return dialog.Errorf(dialog.ENOTFOUND, "no user %q", name)
		} else if err != nil {
			return err
		}
		return fn(tx, u)
	})
}

func enabledAdmins(ctx context.Context, q dialog.Queries) (int, error) {
	users, err := q.Users(ctx)
	if err != nil {
		return 0, err
	}
	return countEnabledAdmins(users), nil
}

func countEnabledAdmins(users []*dialog.User) int {
	n := 0
	for _, u := range users {
		if u.Role == dialog.RoleAdmin && !u.Disabled {
			n++
		}
	}
	return n
}

// hash checks the password rules and returns the bcrypt hash.
func (s *Service) hash(password string) (string, error) {
	switch {
	case utf8.RuneCountInString(password) < minPasswordLength:
		return "", dialog.Errorf(dialog.EINVALID, "the password must be at least %d characters", minPasswordLength)
	case len(password) > maxPasswordBytes:
		return "", dialog.Errorf(dialog.EINVALID, "the password must be at most %d bytes", maxPasswordBytes)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.opts.BcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(hash), nil
}

// CheckName reports (EINVALID) a user name that breaks the rules: 1 to 64
// letters, digits, '.', '_' or '-', so that it is safe to show in the
// panel, in logs and to customers.
func CheckName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > maxNameLength {
		return dialog.Errorf(dialog.EINVALID, "a user name is 1 to %d characters", maxNameLength)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '_' && r != '-' {
			return dialog.Errorf(dialog.EINVALID, "a user name may hold only letters, digits, '.', '_' and '-', not %q", r)
		}
	}
	return nil
}

// randomPassword returns generatedLength characters of passwordAlphabet.
func randomPassword() string {
	b := make([]byte, generatedLength)
	for i := range b {
		// Draw until the byte falls in a whole number of alphabets, so that
		// every character is equally likely.
		var one [1]byte
		for {
			rand.Read(one[:])
			if int(one[0]) < 256-256%len(passwordAlphabet) {
				break
			}
		}
		b[i] = passwordAlphabet[int(one[0])%len(passwordAlphabet)]
	}
	return string(b)
}
