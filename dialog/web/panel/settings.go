package panel

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// setLang saves the panel language the user chose and goes back to the
// page the choice was made on.
func (p *Panel) setLang(c *gin.Context) {
	lang := pageLang(c)
	if err := parseForm(c, lang); err != nil {
		p.fail(c, err)
		return
	}
	chosen := c.Request.PostForm.Get("lang")
	if !validLang(chosen) {
		p.fail(c, panelError(dialog.EINVALID, lang, "error.lang"))
		return
	}
	ctx := c.Request.Context()
	user := auth.CurrentUser(c)
	err := p.store.Update(ctx, func(tx dialog.Tx) error {
		// Read the user inside the transaction so that a change made
		// since the request began (a new role, a disable) is kept.
		u, err := tx.User(ctx, user.ID)
		if err != nil {
			return err
		}
		u.Lang = chosen
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		p.fail(c, fmt.Errorf("set language of %q: %w", user.Name, err))
		return
	}
	c.Redirect(http.StatusSeeOther, localPath(c.Request.PostForm.Get("next"), homePath))
}
