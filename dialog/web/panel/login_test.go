package panel_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog/web/auth"
)

func TestLogin(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		name         string
		user, pass   string
		next         string
		wantStatus   int
		wantLocation string // for redirects
		wantText     string // on the page otherwise
	}{
		{name: "success", user: "anna", pass: password, wantStatus: http.StatusSeeOther, wantLocation: "/panel/queue"},
		{name: "back to where the user was", user: "anna", pass: password, next: "/panel/queue?state=mine",
			wantStatus: http.StatusSeeOther, wantLocation: "/panel/queue?state=mine"},
		{name: "absolute URL ignored", user: "anna", pass: password, next: "https://evil.example/panel/",
			wantStatus: http.StatusSeeOther, wantLocation: "/panel/queue"},
		{name: "protocol-relative URL ignored", user: "anna", pass: password, next: "//evil.example/panel/",
			wantStatus: http.StatusSeeOther, wantLocation: "/panel/queue"},
		{name: "backslash URL ignored", user: "anna", pass: password, next: "/panel\\..\\\\evil.example",
			wantStatus: http.StatusSeeOther, wantLocation: "/panel/queue"},
		{name: "path outside the panel ignored", user: "anna", pass: password, next: "/api/v1/tickets",
			wantStatus: http.StatusSeeOther, wantLocation: "/panel/queue"},
		{name: "wrong password", user: "boris", pass: "not the password", wantStatus: http.StatusUnauthorized,
			wantText: "Wrong name or password."},
		{name: "unknown user", user: "nobody", pass: password, wantStatus: http.StatusUnauthorized,
			wantText: "Wrong name or password."},
		{name: "empty password", user: "anna", pass: "", wantStatus: http.StatusBadRequest,
			wantText: "Enter your name and password."},
	} {
		t.Run(c.name, func(t *testing.T) {
			form := url.Values{"name": {c.user}, "password": {c.pass}, "next": {c.next}}
			w := h.do(request{method: http.MethodPost, path: "/panel/login", form: form})
			if w.Code != c.wantStatus {
				t.Fatalf("status %d, want %d\n%s", w.Code, c.wantStatus, w.Body.String())
			}
			cookie := sessionCookie(w)
			if c.wantLocation != "" {
				if got := w.Header().Get("Location"); got != c.wantLocation {
					t.Errorf("Location %q, want %q", got, c.wantLocation)
				}
				if cookie == "" {
					t.Fatal("no session cookie set")
				}
				// The cookie opens the panel.
				w := h.do(request{method: http.MethodGet, path: "/panel/queue", header: map[string]string{"Cookie": auth.CookieName + "=" + cookie}})
				if w.Code != http.StatusOK {
					t.Errorf("queue with the new session: status %d", w.Code)
				}
				return
			}
			if cookie != "" {
				t.Error("a failed login set a session cookie")
			}
			body := w.Body.String()
			if !strings.Contains(body, c.wantText) {
				t.Errorf("page lacks %q", c.wantText)
			}
			if !strings.Contains(body, `value="`+c.user+`"`) {
				t.Errorf("the name typed is not kept in the form")
			}
			if strings.Contains(body, c.pass) && c.pass != "" {
				t.Errorf("the password typed is sent back")
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	h := newHarness(t)
	form := url.Values{"name": {"anna"}, "password": {"guess"}}
	for i := range 5 {
		w := h.do(request{method: http.MethodPost, path: "/panel/login", form: form})
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, w.Code)
		}
	}
	// Even the right password is refused now.
	form.Set("password", password)
	w := h.do(request{method: http.MethodPost, path: "/panel/login", form: form})
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429", w.Code)
	}
	if !strings.Contains(w.Body.String(), "Too many attempts") || sessionCookie(w) != "" {
		t.Errorf("rate-limited login: page lacks the reason or set a cookie\n%s", w.Body.String())
	}
}

func TestLoginPage(t *testing.T) {
	h := newHarness(t)
	// An anonymous visitor is sent to the login page, which sends them back.
	w := h.do(request{method: http.MethodGet, path: "/panel/tickets/FL-000001"})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/panel/login?next=%2Fpanel%2Ftickets%2FFL-000001" {
		t.Fatalf("anonymous ticket page: %d to %q", w.Code, w.Header().Get("Location"))
	}
	body := h.get("", "/panel/login?next=%2Fpanel%2Ftickets%2FFL-000001", http.StatusOK)
	if !strings.Contains(body, `name="next" value="/panel/tickets/FL-000001"`) {
		t.Error("login page does not carry next")
	}
	body = h.get("", "/panel/login?next=https://evil.example", http.StatusOK)
	if strings.Contains(body, "evil.example") {
		t.Error("login page carries a foreign next")
	}
	// Someone logged in goes straight on.
	w = h.do(request{method: http.MethodGet, path: "/panel/login", user: "anna"})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/panel/queue" {
		t.Errorf("login page when logged in: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if got := h.do(request{method: http.MethodGet, path: "/panel/", user: "anna"}).Header().Get("Location"); got != "/panel/queue" {
		t.Errorf("/panel/ redirects to %q", got)
	}
}

func TestLogout(t *testing.T) {
	h := newHarness(t)
	w := h.post("anna", "/panel/logout", nil, http.StatusSeeOther)
	if w.Header().Get("Location") != "/panel/login" {
		t.Errorf("logout redirects to %q", w.Header().Get("Location"))
	}
	if !strings.Contains(w.Header().Get("Set-Cookie"), auth.CookieName+"=;") {
		t.Errorf("logout does not clear the cookie: %q", w.Header().Get("Set-Cookie"))
	}
	// The old session no longer works.
	if w := h.do(request{method: http.MethodGet, path: "/panel/queue", user: "anna"}); w.Code != http.StatusSeeOther {
		t.Errorf("queue after logout: status %d, want a redirect to the login page", w.Code)
	}
}

// sessionCookie returns the session token a response sets, or "".
func sessionCookie(w interface{ Result() *http.Response }) string {
	for _, c := range w.Result().Cookies() {
		if c.Name == auth.CookieName && c.MaxAge >= 0 {
			return c.Value
		}
	}
	return ""
}
