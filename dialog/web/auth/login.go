package auth

import (
	"context"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/clientaddr"
)

// errWrongLogin is the same for a wrong name and a wrong password, so the
// answer does not tell which names exist.
var errWrongLogin = dialog.Errorf(dialog.EUNAUTHORIZED, "wrong name or password")

// Login checks name and password and starts a session. It returns the
// session token, which goes into the cookie (SetCookie) or an
// Authorization header, and the user.
//
// A wrong name or password fails with EUNAUTHORIZED, a disabled account
// with EFORBIDDEN, and too many recent failures for the name or from
// clientIP ("" when unknown; an IPv6 address counts with its /64) with
// ERATELIMIT, without checking the password.
func (s *Service) Login(ctx context.Context, name, password, clientIP string) (string, *dialog.User, error) {
	now := s.now()
	// A name no user can have is not counted: made-up names (up to the
	// size of a form) would otherwise fill the limiter's memory.
	account := limit{max: s.opts.AccountAttempts}
	if CheckName(name) == nil {
		account.key = "name:" + strings.ToLower(name)
	}
	address := limit{max: s.opts.AddressAttempts}
	if clientIP != "" {
		address.key = "ip:" + clientaddr.Key(clientIP)
	}
	// The attempt is counted before the password is checked, so that
	// attempts sent all at once cannot all be checked before the first
	// failure is counted.
	if wait := s.limiter.reserve(now, account, address); wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		unit := "minutes"
		if minutes == 1 {
			unit = "minute"
		}
		s.log.Warn("login refused: too many failed attempts", "name", logName(name), "ip", clientIP)
		return "", nil, dialog.Errorf(dialog.ERATELIMIT, "too many attempts; try again in %d %s", minutes, unit)
	}
	// giveBack undoes the count of an attempt that did not fail.
	giveBack := func() {
		for _, key := range []string{account.key, address.key} {
			if key != "" {
				s.limiter.release(now, key)
			}
		}
	}

	u, err := s.store.UserByName(ctx, name)
	switch {
	case dialog.ErrorCode(err) == dialog.ENOTFOUND:
		bcrypt.CompareHashAndPassword(s.dummyHash(), []byte(password)) // the same time as a wrong password
		return "", nil, errWrongLogin
	case err != nil:
		giveBack() // the store failed, not the caller
		return "", nil, fmt.Errorf("log in %q: %w", logName(name), err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		s.log.Info("login failed", "name", logName(name), "ip", clientIP)
		return "", nil, errWrongLogin
	}
	// Checked after the password, so only someone who knows it learns that
	// the account exists and is disabled.
	if u.Disabled {
		return "", nil, dialog.Errorf(dialog.EFORBIDDEN, "this account is disabled")
	}
	// Whoever knows the password may try again at once: the account's
	// count starts over. The address keeps its earlier failures, so that
	// one account of its own does not let it spray the others.
	if account.key != "" {
		s.limiter.reset(account.key)
	}
	if address.key != "" {
		s.limiter.release(now, address.key)
	}

	token := newToken()
	session := &dialog.Session{
		TokenHash: hashToken(token),
		UserID:    u.ID,
		CreatedAt: now,
		ExpiresAt: now.Add(s.opts.SessionTTL),
	}
	err = s.store.Update(ctx, func(tx dialog.Tx) error {
		// Logins are rare enough to clean up after: no background job is
		// needed to keep the sessions table small.
		if err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		return tx.CreateSession(ctx, session)
	})
	if err != nil {
		return "", nil, fmt.Errorf("start session for %q: %w", name, err)
	}
	s.log.Info("logged in", "user", u.Name, "ip", clientIP)
	return token, u, nil
}

// Logout ends the session with token. An unknown token is not an error:
// the session is over either way.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	err := s.store.Update(ctx, func(tx dialog.Tx) error {
		return tx.DeleteSession(ctx, hashToken(token))
	})
	if err != nil && dialog.ErrorCode(err) != dialog.ENOTFOUND {
		return fmt.Errorf("log out: %w", err)
	}
	s.accessChanged() // a live-update stream of the session ends
	return nil
}

// logName is at most the first maxNameLength characters of a login name,
// as it goes into logs and errors: the name is whatever the form held.
func logName(name string) string {
	if utf8.RuneCountInString(name) <= maxNameLength {
		return name
	}
	return string([]rune(name)[:maxNameLength]) + "…"
}
