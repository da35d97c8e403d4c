package panel_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// userRow is the users page's row of name.
func userRow(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<td class="user-name">` + regexp.QuoteMeta(name) + `\b.*?</tr>`).FindString(body)
	if m == "" {
		t.Fatalf("the users page has no row of %s", name)
	}
	return m
}

// apiStatus fetches the tickets API with token and returns the status.
func (h *harness) apiStatus(token string) int {
	h.t.Helper()
	return h.do(request{method: http.MethodGet, path: "/api/v1/tickets", header: map[string]string{"Authorization": "Bearer " + token}}).Code
}

func TestUsersSetQueues(t *testing.T) {
	h := newHarness(t)
	path := "/panel/admin/users/anna/queues"
	h.post("root", path, url.Values{"queue": {"second_line", "first_line"}}, http.StatusSeeOther)
	u, err := h.store.UserByName(h.ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(u.Queues, []string{"first_line", "second_line"}) {
		t.Fatalf("anna works %v", u.Queues)
	}
	row := userRow(t, h.get("root", "/panel/admin/users", http.StatusOK), "anna")
	inOrder(t, row, `<td class="user-queues">First line, Second line</td>`,
		`value="first_line" checked> First line`, `value="second_line" checked> Second line`, `value="third_line"> Third line`)

	// An unknown queue changes nothing.
	w := h.post("root", path, url.Values{"queue": {"fourth_line"}}, http.StatusBadRequest)
	if !strings.Contains(w.Body.String(), `There is no queue &#34;fourth_line&#34;.`) {
		t.Errorf("an unknown queue is not explained:\n%s", w.Body.String())
	}
	if u, _ := h.store.UserByName(h.ctx, "anna"); len(u.Queues) != 2 {
		t.Errorf("a refused change left anna with %v", u.Queues)
	}

	// None ticked: every queue.
	h.post("root", path, url.Values{}, http.StatusSeeOther)
	if u, _ := h.store.UserByName(h.ctx, "anna"); len(u.Queues) != 0 {
		t.Errorf("anna works %v, want every queue", u.Queues)
	}
	h.post("root", "/panel/admin/users/nobody/queues", url.Values{}, http.StatusNotFound)
	h.post("anna", path, url.Values{"queue": {"first_line"}}, http.StatusForbidden)
}

func TestUsersResetPassword(t *testing.T) {
	h := newHarness(t)
	token, err := h.auth.CreateAPIToken(h.ctx, "boris", "script")
	if err != nil {
		t.Fatal(err)
	}
	if code := h.apiStatus(token); code != http.StatusOK {
		t.Fatalf("boris's token answers %d before the reset", code)
	}

	w := h.post("root", "/panel/admin/users/boris/password", url.Values{}, http.StatusOK)
	m := regexp.MustCompile(`id="new-password">The new password of boris: <code class="password">([^<]+)</code>`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("the page does not show the new password:\n%s", w.Body.String())
	}
	fresh := m[1]
	if len(fresh) < 16 {
		t.Errorf("the new password %q is short", fresh)
	}
	// The old password, session and token no longer work; the new password does.
	if _, _, err := h.auth.Login(h.ctx, "boris", password, ""); err == nil {
		t.Error("the old password still logs in")
	}
	if _, _, err := h.auth.Login(h.ctx, "boris", fresh, ""); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
	if w := h.do(request{method: http.MethodGet, path: "/panel/queue", user: "boris"}); w.Code != http.StatusSeeOther {
		t.Errorf("boris's old session answers %d, want a redirect to log in", w.Code)
	}
	if code := h.apiStatus(token); code != http.StatusUnauthorized {
		t.Errorf("boris's token answers %d after the reset, want 401", code)
	}
	// The password is shown once: the list does not show it again.
	if body := h.get("root", "/panel/admin/users", http.StatusOK); strings.Contains(body, fresh) || strings.Contains(body, `id="new-password"`) {
		t.Error("the users page shows the password again")
	}

	// Not one's own, nor a user who does not exist, nor by a non-admin.
	w = h.post("root", "/panel/admin/users/root/password", url.Values{}, http.StatusConflict)
	if !strings.Contains(w.Body.String(), "Your own password is not reset here") {
		t.Errorf("resetting one's own password is not explained:\n%s", w.Body.String())
	}
	if _, _, err := h.auth.Login(h.ctx, "root", password, ""); err != nil {
		t.Errorf("root's password changed: %v", err)
	}
	h.post("root", "/panel/admin/users/nobody/password", url.Values{}, http.StatusNotFound)
	h.post("nina", "/panel/admin/users/boris/password", url.Values{}, http.StatusForbidden)
	if strings.Contains(userRow(t, h.get("root", "/panel/admin/users", http.StatusOK), "root"), "/password") {
		t.Error("the page offers admins to reset their own password")
	}
}

func TestUsersDisableEndsAccess(t *testing.T) {
	h := newHarness(t)
	token, err := h.auth.CreateAPIToken(h.ctx, "anna", "script")
	if err != nil {
		t.Fatal(err)
	}
	h.post("root", "/panel/admin/users/anna/disable", url.Values{}, http.StatusSeeOther)
	if w := h.do(request{method: http.MethodGet, path: "/panel/queue", user: "anna"}); w.Code != http.StatusSeeOther {
		t.Errorf("anna's session answers %d after she was disabled", w.Code)
	}
	if code := h.apiStatus(token); code != http.StatusUnauthorized {
		t.Errorf("anna's token answers %d after she was disabled, want 401", code)
	}
	if _, _, err := h.auth.Login(h.ctx, "anna", password, ""); dialog.ErrorCode(err) == "" {
		t.Error("a disabled user logs in")
	}
	// Enabling brings no session or token back.
	h.post("root", "/panel/admin/users/anna/enable", url.Values{}, http.StatusSeeOther)
	if code := h.apiStatus(token); code != http.StatusUnauthorized {
		t.Errorf("anna's token answers %d after she was enabled again", code)
	}
	// An admin cannot disable themselves, the last admin included.
	h.post("root", "/panel/admin/users/root/disable", url.Values{}, http.StatusConflict)
	if u, _ := h.store.UserByName(h.ctx, "root"); u.Disabled {
		t.Error("root disabled themselves")
	}
}
