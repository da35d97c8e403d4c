package panel

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
)

// homePath is where a user lands after logging in.
const homePath = "/panel/queue"

// loginPage is the data of the login page.
type loginPage struct {
	base
	Name  string
	Next  string
	Error *pageError
}

func (p *Panel) loginPage(c *gin.Context) {
	next := localPath(c.Query("next"), homePath)
	if auth.CurrentUser(c) != nil {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	data := loginPage{base: newBase(c, ""), Next: next}
	data.Title = tr(data.Lang, "login.title")
	p.render(c, http.StatusOK, p.pages.login, "layout", data)
}

func (p *Panel) login(c *gin.Context) {
	data := loginPage{base: newBase(c, "")}
	data.User = nil // the page is for someone logging in, whoever the cookie says
	data.Title = tr(data.Lang, "login.title")
	lang := data.Lang
	if err := parseForm(c, lang); err != nil {
		data.Error = newPageError(lang, err)
		p.render(c, httperror.Status(dialog.ErrorCode(err)), p.pages.login, "layout", data)
		return
	}
	form := c.Request.PostForm
	data.Name = form.Get("name")
	data.Next = localPath(form.Get("next"), homePath)
	password := form.Get("password")
	if data.Name == "" || password == "" {
		// Not an attempt: it must not count towards the rate limit.
		data.Error = newPageError(lang, panelError(dialog.EINVALID, lang, "login.empty"))
		p.render(c, http.StatusBadRequest, p.pages.login, "layout", data)
		return
	}

	token, _, err := p.auth.Login(c.Request.Context(), data.Name, password, c.ClientIP())
	if err != nil {
		httperror.Log(p.log, c.Request, fmt.Errorf("log in: %w", err))
		code := dialog.ErrorCode(err)
		data.Error = newPageError(lang, err)
		switch code {
		case dialog.EUNAUTHORIZED:
			data.Error.Message = tr(lang, "login.wrong")
		case dialog.EFORBIDDEN:
			data.Error.Message = tr(lang, "login.disabled")
		}
		p.render(c, httperror.Status(code), p.pages.login, "layout", data)
		return
	}
	p.auth.SetCookie(c, token)
	c.Redirect(http.StatusSeeOther, data.Next)
}

func (p *Panel) logout(c *gin.Context) {
	if cookie, err := c.Request.Cookie(auth.CookieName); err == nil {
		if err := p.auth.Logout(c.Request.Context(), cookie.Value); err != nil {
			p.log.Error("log out", "err", err)
		}
	}
	p.auth.ClearCookie(c)
	c.Redirect(http.StatusSeeOther, "/panel/login")
}
