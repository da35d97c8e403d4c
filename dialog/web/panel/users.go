package panel

import (
	"fmt"
	"net/http"
	"slices"

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
	Users  []userRow
	Roles  []dialog.Role
	Queues []choice    // the configured queues, for the queues forms
	Form   userForm    // what the admin typed, kept when adding failed
	Error  *pageError  // why the last change failed
	Reset  *resetShown // a password just generated, shown this once
}

// userRow is a user as the users page lists it.
type userRow struct {
	*dialog.User
	QueueNames []string // the user's queues, by name
}

// Works reports whether the user works queue q (an explicit choice: no
// queues at all means every queue, and the form shows none ticked).
func (u userRow) Works(q string) bool {
	return slices.Contains(u.Queues, q)
}

// resetShown is a generated password for the page to show once.
type resetShown struct {
	User     string
	Password string
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
	p.renderUsers(c, status, form, changeErr, nil)
}

func (p *Panel) renderUsers(c *gin.Context, status int, form userForm, changeErr error, reset *resetShown) {
	data := usersPage{base: newBase(c, "users"), Roles: roles, Form: form, Reset: reset}
	data.Title = tr(data.Lang, "users.title")
	data.Path = "/panel/admin/users"
	data.Queues = p.queues.options(data.Lang, p.engine.Config().Queues)
	users, err := p.store.Users(c.Request.Context())
	if err != nil {
		p.fail(c, fmt.Errorf("list users: %w", err))
		return
	}
	for _, u := range users {
		row := userRow{User: u}
		for _, q := range u.Queues {
			row.QueueNames = append(row.QueueNames, p.queues.name(data.Lang, q))
		}
		data.Users = append(data.Users, row)
	}
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

// setUserQueues sets the queues a user works, from the ticked boxes of
// the form: none means every queue. Each must be a configured queue.
func (p *Panel) setUserQueues(c *gin.Context) {
	lang := pageLang(c)
	if err := parseForm(c, lang); err != nil {
		p.changeUser(c, err)
		return
	}
	configured := p.engine.Config().Queues
	queues := c.Request.PostForm["queue"]
	for _, q := range queues {
		if !slices.Contains(configured, q) {
			p.changeUser(c, panelError(dialog.EINVALID, lang, "error.no_queue", q))
			return
		}
	}
	p.changeUser(c, p.auth.SetQueues(c.Request.Context(), c.Param("name"), queues))
}

// resetPassword gives a user a generated password and shows it this once,
// as firstline user passwd would set one: the user's sessions end and the
// user's API tokens are revoked. The page with the password is the answer
// to the POST itself, so it is not kept in any history a reload could
// repeat without asking.
func (p *Panel) resetPassword(c *gin.Context) {
	lang := pageLang(c)
	name := c.Param("name")
	if name == auth.CurrentUser(c).Name {
		// It would end the admin's own session in the middle of the
		// change: the admin changes their own password with the command.
		p.changeUser(c, panelError(dialog.ECONFLICT, lang, "error.self_password"))
		return
	}
	password, err := p.auth.ResetPassword(c.Request.Context(), name)
	if err != nil {
		p.changeUser(c, err)
		return
	}
	p.log.Info("password reset from the panel", "user", name, "by", auth.CurrentUser(c).Name)
	p.renderUsers(c, http.StatusOK, userForm{Role: string(dialog.RoleAgent)}, nil, &resetShown{User: name, Password: password})
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
