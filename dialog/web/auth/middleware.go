package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
)

// userKey is the gin context key of the caller's *dialog.User.
type userKey struct{}

// seenEvery is how often a user's LastSeenAt is written: often enough for
// "online" in auto-assignment, rarely enough not to write on every request.
const seenEvery = time.Minute

// Middleware identifies the caller from the session cookie or from an
// "Authorization: Bearer TOKEN" header (an API token, or a session token)
// and makes the user available to CurrentUser. It never refuses a request
// by itself: routes that need a user add Require.
//
// An unknown token, an expired session or a disabled user means no user;
// the disabled user's sessions are ended.
func (s *Service) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		if u := s.identify(c); u != nil {
			c.Set(userKey{}, u)
		}
		c.Next()
	}
}

// CurrentUser returns the user Middleware identified, or nil for an
// anonymous caller.
func CurrentUser(c *gin.Context) *dialog.User {
	v, _ := c.Get(userKey{})
	u, _ := v.(*dialog.User)
	return u
}

// identify returns the caller's user, or nil.
func (s *Service) identify(c *gin.Context) *dialog.User {
	ctx := c.Request.Context()
	token := bearerToken(c.Request)
	if token == "" {
		cookie, err := c.Request.Cookie(CookieName)
		if err != nil || cookie.Value == "" {
			return nil
		}
		token = cookie.Value
	}
	var u *dialog.User
	var err error
	if strings.HasPrefix(token, apiTokenPrefix) {
		u, err = s.apiTokenUser(ctx, token)
	} else {
		u, err = s.sessionUser(ctx, token)
	}
	if err != nil {
		switch {
		case dialog.ErrorCode(err) == dialog.ENOTFOUND:
		case clientGone(ctx):
			s.log.Debug("identify caller: the client went away", "path", c.Request.URL.Path, "err", err)
		default:
			s.log.Error("identify caller", "path", c.Request.URL.Path, "err", err)
		}
		return nil
	}
	return u
}

// apiTokenUser returns the user of an API token, nil when the user is
// disabled, and ENOTFOUND for an unknown or revoked token. It records the
// token's use, at most once every seenEvery.
func (s *Service) apiTokenUser(ctx context.Context, token string) (*dialog.User, error) {
	tk, err := s.store.APITokenByHash(ctx, hashToken(token))
	if err != nil {
		return nil, err
	}
	u, err := s.store.User(ctx, tk.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		// Disable revokes tokens; this catches an account disabled some
		// other way.
		return nil, nil
	}
	if now := s.now(); now.Sub(tk.LastUsedAt) >= seenEvery {
		s.update(ctx, "record API token use", func(tx dialog.Tx) error {
			return tx.SetAPITokenUsed(ctx, tk.ID, now)
		})
	}
	return u, nil
}

// sessionUser returns the user of the session with token, nil when the
// session is over or the user disabled, and ENOTFOUND for an unknown token.
func (s *Service) sessionUser(ctx context.Context, token string) (*dialog.User, error) {
	now := s.now()
	hash := hashToken(token)
	session, err := s.store.Session(ctx, hash)
	if err != nil {
		return nil, err
	}
	if !now.Before(session.ExpiresAt) {
		s.update(ctx, "delete expired session", func(tx dialog.Tx) error {
			return tx.DeleteSession(ctx, hash)
		})
		return nil, nil
	}
	u, err := s.store.User(ctx, session.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		// Disable already ends sessions; this catches an account disabled
		// some other way.
		s.update(ctx, "end sessions of a disabled user", func(tx dialog.Tx) error {
			return tx.DeleteUserSessions(ctx, u.ID)
		})
		return nil, nil
	}
	// Only sessions count as "seen": LastSeenAt means the panel is open,
	// and a program using an API token is not an agent at the desk.
	s.Seen(ctx, u)
	return u, nil
}

// Seen records that u has the panel open, at most once every seenEvery.
// The panel's live-update stream calls it too, so an agent who keeps a
// page open without clicking still counts as online.
func (s *Service) Seen(ctx context.Context, u *dialog.User) {
	now := s.now()
	if now.Sub(u.LastSeenAt) < seenEvery {
		return
	}
	s.update(ctx, "record last seen", func(tx dialog.Tx) error {
		// Read the user again inside the transaction so that a change
		// made since (a new role, a disable) is not overwritten.
		fresh, err := tx.User(ctx, u.ID)
		if err != nil {
			return err
		}
		fresh.LastSeenAt = now
		return tx.UpdateUser(ctx, fresh)
	})
	u.LastSeenAt = now
}

// update runs fn in a transaction and logs a failure: the request goes on
// either way. A failure because the client went away (a closed page, a
// live-update stream ended by the browser) is no fault: it is logged at
// debug level only.
func (s *Service) update(ctx context.Context, what string, fn func(tx dialog.Tx) error) {
	if err := s.store.Update(ctx, fn); err != nil {
		if clientGone(ctx) {
			s.log.Debug(what+": the client went away", "err", err)
			return
		}
		s.log.Error(what, "err", err)
	}
}

// clientGone reports whether ctx, a request's, ended because its client
// went away.
func clientGone(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// bearerToken returns the token of an "Authorization: Bearer TOKEN" header,
// or "".
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// Require refuses callers who are not logged in, and, when roles are
// given, callers whose role is not among them. With no roles any logged-in
// user passes. It needs Middleware earlier in the chain.
//
// An anonymous API call (a path under /api/, or a request that accepts
// JSON) gets 401 with a JSON error; an anonymous browser GET is redirected
// to the login page, which sends it back afterwards; anything else gets a
// plain 401.
func Require(roles ...dialog.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := CurrentUser(c)
		switch {
		case u == nil:
			refuseAnonymous(c)
		case len(roles) > 0 && !slices.Contains(roles, u.Role):
			refuse(c, http.StatusForbidden, dialog.EFORBIDDEN, "your role ("+string(u.Role)+") may not do this")
		default:
			c.Next()
		}
	}
}

func refuseAnonymous(c *gin.Context) {
	method := c.Request.Method
	if !wantsJSON(c) && (method == http.MethodGet || method == http.MethodHead) {
		c.Redirect(http.StatusSeeOther, "/panel/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	c.Header("WWW-Authenticate", `Bearer realm="firstline"`)
	refuse(c, http.StatusUnauthorized, dialog.EUNAUTHORIZED, "log in first, or send an API token")
}

// refuse ends the request with status: a JSON error for API calls, a line
// of plain text for browsers.
func refuse(c *gin.Context, status int, code, message string) {
	if wantsJSON(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": message, "code": code})
		return
	}
	c.Data(status, "text/plain; charset=utf-8", []byte(message+"\n"))
	c.Abort()
}

// wantsJSON reports whether the request is an API call rather than a page.
func wantsJSON(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/") ||
		strings.Contains(c.GetHeader("Accept"), "application/json")
}

// CrossOrigin wraps a plain http.Handler so that non-safe (POST, PUT,
// DELETE, ...) requests from another site are refused with 403: the
// browser's own cookies cannot be used to act on the user's behalf (CSRF).
func CrossOrigin() func(http.Handler) http.Handler {
	return http.NewCrossOriginProtection().Handler
}

// CrossOriginGuard is CrossOrigin for gin routes. Apply it to the panel and
// the tickets API, not to the web chat, which sites embed legitimately.
func (s *Service) CrossOriginGuard() gin.HandlerFunc {
	guard := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := guard.Check(c.Request); err != nil {
			refuse(c, http.StatusForbidden, dialog.EFORBIDDEN, "cross-origin request refused")
			return
		}
		c.Next()
	}
}
