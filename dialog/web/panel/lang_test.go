package panel_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLanguage(t *testing.T) {
	h := newHarness(t)
	queue := func(user, accept string) string {
		t.Helper()
		w := h.do(request{method: http.MethodGet, path: "/panel/queue", user: user, header: map[string]string{"Accept-Language": accept}})
		if w.Code != http.StatusOK {
			t.Fatalf("queue: status %d", w.Code)
		}
		return w.Body.String()
	}
	isRU := func(body string) bool {
		return strings.Contains(body, `<html lang="ru">`) && strings.Contains(body, "Очередь")
	}
	isEN := func(body string) bool {
		return strings.Contains(body, `<html lang="en">`) && strings.Contains(body, ">Queue<")
	}

	for _, c := range []struct {
		accept string
		ru     bool
	}{
		{"ru-RU,ru;q=0.9,en;q=0.8", true},
		{"en-US,en;q=0.9,ru;q=0.8", false},
		{"de-DE,de;q=0.9,ru;q=0.5", true},
		{"de", false},
		{"", false},
	} {
		body := queue("anna", c.accept)
		if c.ru && !isRU(body) || !c.ru && !isEN(body) {
			t.Errorf("Accept-Language %q: not shown in the expected language (ru=%v)", c.accept, c.ru)
		}
	}
	// The login page follows the browser too.
	w := h.do(request{method: http.MethodGet, path: "/panel/login", header: map[string]string{"Accept-Language": "ru"}})
	if !strings.Contains(w.Body.String(), "Войти") {
		t.Error("the login page is not in Russian")
	}

	// The user's choice wins over the browser's.
	w = h.post("anna", "/panel/settings/lang", url.Values{"lang": {"ru"}, "next": {"/panel/queue?state=mine"}}, http.StatusSeeOther)
	if got := w.Header().Get("Location"); got != "/panel/queue?state=mine" {
		t.Errorf("back to %q", got)
	}
	if !isRU(queue("anna", "en")) {
		t.Error("anna's choice of Russian is ignored")
	}
	if !isEN(queue("boris", "en")) {
		t.Error("anna's choice changed boris's language")
	}
	h.post("anna", "/panel/settings/lang", url.Values{"lang": {"en"}, "next": {"https://evil.example/"}}, http.StatusSeeOther)
	if !isEN(queue("anna", "ru")) {
		t.Error("anna's choice of English is ignored")
	}
	h.post("anna", "/panel/settings/lang", url.Values{"lang": {"de"}}, http.StatusBadRequest)
	if u, _ := h.store.UserByName(h.ctx, "anna"); u.Lang != "en" {
		t.Errorf("a bad language changed the setting to %q", u.Lang)
	}
}
