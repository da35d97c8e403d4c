package auth

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/firstline-support/firstline/dialog"
)

// NewAPIToken creates an unnamed API token that acts as the user; see
// CreateAPIToken.
func (s *Service) NewAPIToken(ctx context.Context, name string) (string, error) {
	return s.CreateAPIToken(ctx, name, "")
}

// CreateAPIToken creates an API token that acts as the user, named
// tokenName ("" for none). The token is returned once; only its hash is
// stored. A disabled user gets none (ECONFLICT); a name the user's other
// tokens have fails with ECONFLICT, one that breaks the rules of
// CheckTokenName with EINVALID.
func (s *Service) CreateAPIToken(ctx context.Context, name, tokenName string) (string, error) {
	if tokenName != "" {
		if err := CheckTokenName(tokenName); err != nil {
			return "", err
		}
	}
	token := apiTokenPrefix + newToken()
	err := s.changeUser(ctx, name, func(tx dialog.Tx, u *dialog.User) error {
		if u.Disabled {
			return dialog.Errorf(dialog.ECONFLICT, "user %q is disabled; enable it first", name)
		}
		return tx.CreateAPIToken(ctx, &dialog.APIToken{TokenHash: hashToken(token), UserID: u.ID, Name: tokenName, CreatedAt: s.now()})
	})
	if err != nil {
		return "", fmt.Errorf("new API token for %q: %w", name, err)
	}
	s.log.Info("API token created", "user", name, "token", tokenName)
	return token, nil
}

// APITokens lists the user's API tokens, oldest first. An unknown name
// fails with ENOTFOUND.
func (s *Service) APITokens(ctx context.Context, name string) ([]*dialog.APIToken, error) {
	u, err := s.store.UserByName(ctx, name)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "no user %q", name)
	} else if err != nil {
		return nil, fmt.Errorf("list API tokens of %q: %w", name, err)
	}
	list, err := s.store.APITokens(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("list API tokens of %q: %w", name, err)
	}
	return list, nil
}

// RevokeAPIToken revokes one of the user's API tokens, given by its id (as
// APITokens lists it) or its name. Requests with it fail from then on, and
// live-update streams opened with it end. A token the user does not have
// fails with ENOTFOUND.
func (s *Service) RevokeAPIToken(ctx context.Context, name, which string) error {
	err := s.changeUser(ctx, name, func(tx dialog.Tx, u *dialog.User) error {
		list, err := tx.APITokens(ctx, u.ID)
		if err != nil {
			return err
		}
		id, byID := strconv.ParseInt(which, 10, 64)
		for _, tk := range list {
			if (byID == nil && tk.ID == id) || (byID != nil && tk.Name == which && which != "") {
				return tx.DeleteAPIToken(ctx, tk.ID)
			}
		}
		return dialog.Errorf(dialog.ENOTFOUND, "user %q has no API token %q; see firstline user tokens %s", name, which, name)
	})
	if err != nil {
		return fmt.Errorf("revoke API token of %q: %w", name, err)
	}
	s.accessChanged()
	s.log.Info("API token revoked", "user", name, "token", which)
	return nil
}

// RevokeAPITokens revokes every API token of the user and returns how
// many there were.
func (s *Service) RevokeAPITokens(ctx context.Context, name string) (int, error) {
	var n int
	err := s.changeUser(ctx, name, func(tx dialog.Tx, u *dialog.User) error {
		var err error
		n, err = tx.DeleteUserAPITokens(ctx, u.ID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("revoke API tokens of %q: %w", name, err)
	}
	s.accessChanged()
	s.log.Info("API tokens revoked", "user", name, "count", n)
	return n, nil
}

// CheckTokenName reports (EINVALID) an API token name that breaks the
// rules: 1 to 64 letters, digits, '.', '_' or '-', not digits only (which
// would read as a token's id).
func CheckTokenName(name string) error {
	if CheckName(name) != nil { // the same characters as a user's name
		return dialog.Errorf(dialog.EINVALID, "a token name is 1 to %d letters, digits, '.', '_' or '-'", maxNameLength)
	}
	if strings.Trim(name, "0123456789") == "" {
		return dialog.Errorf(dialog.EINVALID, "a token name must not be digits only, which read as a token's id")
	}
	return nil
}
