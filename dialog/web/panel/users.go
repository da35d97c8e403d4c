package panel

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
)

// roles are the roles an admin can give, in the order the form lists them.
var roles = []dialog.Role{dialog.RoleAgent, dialog.RoleAnalyst, dialog.RoleAdmin}

// usersPage is the data of the users page.
type usersPage struct {
	base
	Users []*dialog.User
	Roles []dialog.Role
	Form  userForm   // what the admin typed, kept when adding failed
	Error *pageError // why the last change failed
}

// userForm is the add-a-user form, without the password, which is never
// sent back.
type userForm struct {
	Name string
	Role string
}

func (p *Panel) usersPage(c *gin.Context) {
	p.showUsers(c, http.StatusOK, userForm{Role: string(dialog.RoleAgent)}, nil)
}

// showUsers renders the users page with status; after a failed change,
// with the error and the form as typed.
func (p *Panel) showUsers(c *gin.Context, status int, form userForm, changeErr error) {
	data := usersPage{base: newBase(c, "users"), Roles: roles, Form: form}
	data.Title = tr(data.Lang, "users.title")
	data.Path = "/panel/admin/users"
	users, err := p.store.Users(c.Request.Context())
	if err != nil {
		p.fail(c, fmt.Errorf("list users: %w", err))
		return
	}
	data.Users = users
	if changeErr != nil {
		data.Error = newPageError(data.Lang, changeErr)
		httperror.Log(p.log, c.Request, changeErr)
	}
	p.render(c, status, p.pages.users, "layout", data)
}

func (p *Panel) addUser(c *gin.Context) {
	lang := pageLang(c)
	if err := parseForm(c, lang); err != nil {
		p.showUsers(c, httperror.Status(dialog.ErrorCode(err)), userForm{}, err)
		return
	}
	form := c.Request.PostForm
	kept := userForm{Name: form.Get("name"), Role: form.Get("role")}
	_, err := p.auth.CreateUser(c.Request.Context(), kept.Name, dialog.Role(kept.Role), form.Get("password"))
	if err != nil {
		p.showUsers(c, httperror.Status(dialog.ErrorCode(err)), kept, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/panel/admin/users")
}

func (p *Panel) disableUser(c *gin.Context) {
	name := c.Param("name")
	if name == auth.CurrentUser(c).Name {
		// Auth would allow it while another admin exists, but an admin who
		// disables themselves is locked out at once: surely a slip.
		err := panelError(dialog.ECONFLICT, pageLang(c), "error.self_disable")
		p.showUsers(c, http.StatusConflict, userForm{Role: string(dialog.RoleAgent)}, err)
		return
	}
	p.changeUser(c, p.auth.Disable(c.Request.Context(), name))
}

func (p *Panel) enableUser(c *gin.Context) {
	p.changeUser(c, p.auth.Enable(c.Request.Context(), c.Param("name")))
}

// changeUser finishes a change of a user: back to the list, or the list
// with the error.
func (p *Panel) changeUser(c *gin.Context, err error) {
	if err != nil {
		p.showUsers(c, httperror.Status(dialog.ErrorCode(err)), userForm{Role: string(dialog.RoleAgent)}, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/panel/admin/users")
}
