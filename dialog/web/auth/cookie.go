package auth

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// SetCookie puts the session token from Login into the session cookie.
func (s *Service) SetCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, s.cookie(c, token, int(s.opts.SessionTTL.Seconds())))
}

// ClearCookie tells the browser to forget the session cookie.
func (s *Service) ClearCookie(c *gin.Context) {
	http.SetCookie(c.Writer, s.cookie(c, "", -1))
}

// cookie is the session cookie: invisible to scripts (HttpOnly), sent on
// top-level navigation from other sites but not on their form posts or
// fetches (SameSite=Lax), and over TLS only when the server is reached
// over TLS.
func (s *Service) cookie(c *gin.Context, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   s.opts.SecureCookies || c.Request.TLS != nil,
	}
}
