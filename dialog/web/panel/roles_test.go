package panel_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

func TestAnalystReadsOnly(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c1", "Anna Petrova")
	if _, err := h.engine.Note(h.ctx, dialog.TicketAction{Number: tk.Number, Agent: "anna"}, "a private note"); err != nil {
		t.Fatal(err)
	}
	path := "/panel/tickets/" + tk.Number
	body := h.get("nina", path, http.StatusOK)
	inOrder(t, body, `id="summary"`, `id="transcript"`, "a private note")
	for _, form := range []string{"/take", "/reply", "/note", "/transfer", "/close", "<textarea", `id="canned"`} {
		if strings.Contains(body, form) {
			t.Errorf("the analyst's page offers %s", form)
		}
	}
	version := h.version("anna", tk.Number)
	before := h.ticket(tk.Number)
	count := len(h.messages(tk.Number))
	for _, action := range []string{"take", "reply", "note", "transfer", "close"} {
		form := url.Values{"version": {version}, "text": {"hello"}, "queue": {"second_line"}}
		h.post("nina", path+"/"+action, form, http.StatusForbidden)
	}
	if after := h.ticket(tk.Number); !after.UpdatedAt.Equal(before.UpdatedAt) || len(h.messages(tk.Number)) != count {
		t.Error("an analyst's POST changed the ticket")
	}
}

func TestAdminUsers(t *testing.T) {
	h := newHarness(t)
	h.get("anna", "/panel/admin/users", http.StatusForbidden)
	h.get("nina", "/panel/admin/users", http.StatusForbidden)
	if strings.Contains(h.get("anna", "/panel/queue", http.StatusOK), "/panel/admin/users") {
		t.Error("an agent's menu links to the users page")
	}

	body := h.get("root", "/panel/admin/users", http.StatusOK)
	inOrder(t, body, "anna", "agent", "active", "boris", "nina", "analyst", "root", "you", "admin")
	if strings.Contains(body, "/panel/admin/users/root/disable") {
		t.Error("the page offers the admin to disable themselves")
	}

	users := func() int {
		list, err := h.store.Users(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	n := users()
	for _, c := range []struct {
		name string
		form url.Values
		want int
		text string
	}{
		{"short password", url.Values{"name": {"olga"}, "role": {"agent"}, "password": {"short"}}, http.StatusBadRequest, "at least 10 characters"},
		{"bad role", url.Values{"name": {"olga"}, "role": {"boss"}, "password": {password}}, http.StatusBadRequest, "role must be"},
		{"bad name", url.Values{"name": {"olga smith"}, "role": {"agent"}, "password": {password}}, http.StatusBadRequest, "user name"},
		{"taken name", url.Values{"name": {"anna"}, "role": {"agent"}, "password": {password}}, http.StatusConflict, "already exists"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := h.post("root", "/panel/admin/users", c.form, c.want).Body.String()
			if !strings.Contains(body, c.text) {
				t.Errorf("page lacks %q", c.text)
			}
			if !strings.Contains(body, `name="name" value="`+c.form.Get("name")+`"`) {
				t.Error("the typed name is lost")
			}
			if users() != n {
				t.Error("a user was added")
			}
		})
	}

	h.post("root", "/panel/admin/users", url.Values{"name": {"olga"}, "role": {"analyst"}, "password": {password}}, http.StatusSeeOther)
	u, err := h.store.UserByName(h.ctx, "olga")
	if err != nil || u.Role != dialog.RoleAnalyst || u.Disabled {
		t.Fatalf("olga = %+v, %v", u, err)
	}

	h.post("root", "/panel/admin/users/boris/disable", nil, http.StatusSeeOther)
	if u, _ := h.store.UserByName(h.ctx, "boris"); !u.Disabled {
		t.Error("boris is not disabled")
	}
	// His session ends at once.
	if w := h.do(request{method: http.MethodGet, path: "/panel/queue", user: "boris"}); w.Code != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", w.Code)
	}
	inOrder(t, h.get("root", "/panel/admin/users", http.StatusOK), "boris", "disabled", "/panel/admin/users/boris/enable")
	h.post("root", "/panel/admin/users/boris/enable", nil, http.StatusSeeOther)
	if u, _ := h.store.UserByName(h.ctx, "boris"); u.Disabled {
		t.Error("boris is still disabled")
	}

	body = h.post("root", "/panel/admin/users/root/disable", nil, http.StatusConflict).Body.String()
	if !strings.Contains(body, "You cannot disable your own account.") {
		t.Error("self-disable is not explained")
	}
	h.post("root", "/panel/admin/users/nobody/disable", nil, http.StatusNotFound)
	if u, _ := h.store.UserByName(h.ctx, "root"); u.Disabled {
		t.Error("root disabled itself")
	}
}
