package panel

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
)

// maxFormBytes is the largest form body the panel reads: a reply of
// MaxTextLength characters, each up to 4 bytes and percent-encoded, fits.
const maxFormBytes = 128 << 10

// base is what the layout needs on every page.
type base struct {
	Lang  string
	User  *dialog.User // nil on the login page
	Title string
	Nav   string    // the active navigation item
	Path  string    // where the language switch returns to
	Now   time.Time // when the page was made, for ages and countdowns
}

// newBase starts a page's data for the request.
func newBase(c *gin.Context, nav string) base {
	path := "/panel/queue"
	if c.Request.Method == http.MethodGet {
		path = c.Request.URL.RequestURI()
	}
	return base{
		Lang: pageLang(c),
		User: auth.CurrentUser(c),
		Nav:  nav,
		Path: path,
		Now:  time.Now(),
	}
}

// pageError is an error as a page shows it.
type pageError struct {
	Title   string
	Message string
}

// newPageError describes err in lang.
func newPageError(lang string, err error) *pageError {
	return &pageError{Title: errorTitle(lang, err), Message: errorText(lang, err)}
}

// errorPage is the data of the error page.
type errorPage struct {
	base
	Status int
	Error  *pageError
}

// fail shows an error page with the error's HTTP status, and logs it as
// httperror.Log does.
func (p *Panel) fail(c *gin.Context, err error) {
	httperror.Log(p.log, c.Request, err)
	data := errorPage{base: newBase(c, ""), Status: httperror.Status(dialog.ErrorCode(err))}
	data.Error = newPageError(data.Lang, err)
	data.Title = data.Error.Title
	p.render(c, data.Status, p.pages.error, "layout", data)
}

// parseForm reads a form body of at most maxFormBytes.
func parseForm(c *gin.Context, lang string) error {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
	if err := c.Request.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return panelError(dialog.ETOOLARGE, lang, "error.form_too_large")
		}
		return panelError(dialog.EINVALID, lang, "error.form")
	}
	return nil
}

// localPath returns next when it is a path inside the panel that is safe
// to redirect to, and fallback otherwise: never another site, so that a
// link cannot send a user from the login page somewhere else.
func localPath(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/panel") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	if u.Path != "/panel" && !strings.HasPrefix(u.Path, "/panel/") {
		return fallback
	}
	return u.RequestURI()
}
