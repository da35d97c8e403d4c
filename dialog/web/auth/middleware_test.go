package auth_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

func TestMiddleware(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAnalyst)
	session := f.login("anna")
	apiToken, err := f.svc.NewAPIToken(ctx, "boris")
	if err != nil {
		t.Fatal(err)
	}
	r := f.router()
	for _, c := range []struct {
		name   string
		header http.Header
		want   string
	}{
		{"no credentials", http.Header{}, ""},
		{"session cookie", cookieHeader(session), "anna"},
		{"session token as bearer", bearerHeader(session), "anna"},
		{"API token", bearerHeader(apiToken), "boris"},
		{"API token, lower-case scheme", http.Header{"Authorization": {"bearer " + apiToken}}, "boris"},
		{"the bearer wins over the cookie", http.Header{"Authorization": {"Bearer " + apiToken}, "Cookie": {auth.CookieName + "=" + session}}, "boris"},
		{"garbage bearer", bearerHeader("garbage"), ""},
		{"garbage with the API token prefix", bearerHeader("flt_garbage"), ""},
		{"API token in the cookie", cookieHeader(apiToken), "boris"},
		{"hash of the session as the token", cookieHeader(sha256Hex(session)), ""},
		{"basic auth", http.Header{"Authorization": {"Basic " + session}}, ""},
		{"empty cookie", cookieHeader(""), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := f.whoami(r, c.header); got != c.want {
				t.Errorf("caller %q, want %q", got, c.want)
			}
		})
	}
}

func TestMiddlewareDisabledUser(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAgent)
	r := f.router()

	// Through Disable: sessions and API tokens stop working at once.
	session := f.login("anna")
	apiToken, err := f.svc.NewAPIToken(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.whoami(r, cookieHeader(session)); got != "anna" {
		t.Fatalf("before disable: %q", got)
	}
	if err := f.svc.Disable(ctx, "anna"); err != nil {
		t.Fatal(err)
	}
	for _, h := range []http.Header{cookieHeader(session), bearerHeader(apiToken)} {
		if got := f.whoami(r, h); got != "" {
			t.Errorf("disabled user identified as %q with %v", got, h)
		}
	}
	// Enabling again revives neither the ended session nor the token.
	if err := f.svc.Enable(ctx, "anna"); err != nil {
		t.Fatal(err)
	}
	if got := f.whoami(r, cookieHeader(session)); got != "" {
		t.Errorf("session survived disable and enable: %q", got)
	}
	if got := f.whoami(r, bearerHeader(apiToken)); got != "" {
		t.Errorf("API token survived disable and enable: %q", got)
	}

	// Disabled behind the service's back: the middleware ends the sessions.
	session = f.login("boris")
	err = f.store.Update(ctx, func(tx dialog.Tx) error {
		u, err := tx.UserByName(ctx, "boris")
		if err != nil {
			return err
		}
		u.Disabled = true
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.whoami(r, cookieHeader(session)); got != "" {
		t.Errorf("disabled user identified as %q", got)
	}
	if _, err := f.store.Session(ctx, sha256Hex(session)); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("the disabled user's session is still stored: %v", err)
	}
}

func TestMiddlewareLastSeen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAgent)
	session := f.login("anna")
	apiToken, err := f.svc.NewAPIToken(ctx, "boris")
	if err != nil {
		t.Fatal(err)
	}
	r := f.router()
	lastSeen := func(name string) time.Time {
		u, err := f.store.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u.LastSeenAt
	}
	start := f.now
	for _, c := range []struct {
		after time.Duration
		want  time.Duration // expected LastSeenAt - start
	}{
		{0, 0},
		{59 * time.Second, 0}, // within a minute of the stored value: not written
		{time.Minute, time.Minute},
		{90 * time.Second, time.Minute},
		{3 * time.Minute, 3 * time.Minute},
	} {
		f.now = start.Add(c.after)
		f.whoami(r, cookieHeader(session))
		if got := lastSeen("anna"); !got.Equal(start.Add(c.want)) {
			t.Errorf("after %v: last seen %v, want start+%v", c.after, got, c.want)
		}
	}
	f.whoami(r, bearerHeader(apiToken))
	if got := lastSeen("boris"); !got.IsZero() {
		t.Errorf("an API call counted as seen in the panel: %v", got)
	}
}

func TestRequire(t *testing.T) {
	f := newFixture(t)
	f.user("root", dialog.RoleAdmin)
	f.user("anna", dialog.RoleAgent)
	f.user("olga", dialog.RoleAnalyst)
	admin, agent, analyst := f.login("root"), f.login("anna"), f.login("olga")

	r := gin.New()
	r.Use(f.svc.Middleware())
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	r.GET("/panel/tickets", auth.Require(), ok)
	r.POST("/panel/tickets", auth.Require(), ok)
	r.GET("/panel/users", auth.Require(dialog.RoleAdmin), ok)
	r.GET("/api/v1/tickets", auth.Require(), ok)
	r.POST("/api/v1/tickets", auth.Require(dialog.RoleAgent, dialog.RoleAdmin), ok)

	for _, c := range []struct {
		name, method, path, token, accept string
		code                              int
		location                          string // for redirects
		json                              string // the error code when the answer is JSON
	}{
		{"anonymous page", "GET", "/panel/tickets?status=queued", "", "text/html", 303, "/panel/login?next=%2Fpanel%2Ftickets%3Fstatus%3Dqueued", ""},
		{"anonymous API", "GET", "/api/v1/tickets", "", "", 401, "", dialog.EUNAUTHORIZED},
		{"anonymous page asking for JSON", "GET", "/panel/tickets", "", "application/json", 401, "", dialog.EUNAUTHORIZED},
		{"anonymous form post", "POST", "/panel/tickets", "", "text/html", 401, "", ""},
		{"agent on an admin page", "GET", "/panel/users", agent, "text/html", 403, "", ""},
		{"agent on an admin page asking for JSON", "GET", "/panel/users", agent, "application/json", 403, "", dialog.EFORBIDDEN},
		{"analyst writing through the API", "POST", "/api/v1/tickets", analyst, "", 403, "", dialog.EFORBIDDEN},
		{"admin on an admin page", "GET", "/panel/users", admin, "text/html", 200, "", ""},
		{"agent writing through the API", "POST", "/api/v1/tickets", agent, "", 200, "", ""},
		{"analyst on a page for any user", "GET", "/panel/tickets", analyst, "", 200, "", ""},
		{"garbage token", "GET", "/api/v1/tickets", "garbage", "", 401, "", dialog.EUNAUTHORIZED},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.path, nil)
			if c.token != "" {
				req.Header.Set("Cookie", auth.CookieName+"="+c.token)
			}
			if c.accept != "" {
				req.Header.Set("Accept", c.accept)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != c.code {
				t.Fatalf("status %d, want %d: %s", w.Code, c.code, w.Body)
			}
			if loc := w.Header().Get("Location"); loc != c.location {
				t.Errorf("Location %q, want %q", loc, c.location)
			}
			isJSON := strings.HasPrefix(w.Header().Get("Content-Type"), "application/json")
			if c.json == "" {
				if isJSON {
					t.Errorf("JSON answer for a browser: %s", w.Body)
				}
				return
			}
			var body struct{ Error, Code string }
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || !isJSON {
				t.Fatalf("not a JSON answer (%v): %s", err, w.Body)
			}
			if body.Code != c.json || body.Error == "" {
				t.Errorf("body %+v, want code %q with a message", body, c.json)
			}
		})
	}
}

func TestCrossOriginGuard(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	r.Use(f.svc.CrossOriginGuard())
	ok := func(c *gin.Context) { c.String(http.StatusOK, "ok") }
	r.GET("/panel/tickets", ok)
	r.POST("/panel/tickets", ok)
	plain := auth.CrossOrigin()(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))

	for _, c := range []struct {
		name, method string
		header       http.Header
		code         int
	}{
		{"cross-site POST", "POST", http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403},
		{"same-site POST from a sibling subdomain", "POST", http.Header{"Sec-Fetch-Site": {"same-site"}}, 403},
		{"POST from another origin, older browser", "POST", http.Header{"Origin": {"https://evil.example"}}, 403},
		{"same-origin POST", "POST", http.Header{"Sec-Fetch-Site": {"same-origin"}}, 200},
		{"POST typed by the user (no initiator)", "POST", http.Header{"Sec-Fetch-Site": {"none"}}, 200},
		{"POST from a program, no browser headers", "POST", http.Header{}, 200},
		{"cross-site GET", "GET", http.Header{"Sec-Fetch-Site": {"cross-site"}}, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			for handler, h := range map[string]http.Handler{"gin": r, "plain": plain} {
				req := httptest.NewRequest(c.method, "http://firstline.example/panel/tickets", nil)
				for k, v := range c.header {
					req.Header[k] = v
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != c.code {
					t.Errorf("%s: status %d, want %d", handler, w.Code, c.code)
				}
			}
		})
	}
}

func TestCookie(t *testing.T) {
	f := newFixture(t)
	secure := auth.New(f.store, auth.Options{SecureCookies: true, SessionTTL: time.Hour, BcryptCost: bcrypt.MinCost}, slogDiscard())
	for _, c := range []struct {
		name   string
		svc    *auth.Service
		tls    bool
		maxAge int
		secure bool
	}{
		{"plain HTTP", f.svc, false, 12 * 3600, false},
		{"TLS", f.svc, true, 12 * 3600, true},
		{"always secure", secure, false, 3600, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			ctx, _ := gin.CreateTestContext(w)
			ctx.Request = httptest.NewRequest(http.MethodPost, "/panel/login", nil)
			if c.tls {
				ctx.Request.TLS = &tls.ConnectionState{}
			}
			c.svc.SetCookie(ctx, "tok")
			got := w.Result().Cookies()
			if len(got) != 1 {
				t.Fatalf("cookies %v", got)
			}
			k := got[0]
			if k.Name != auth.CookieName || k.Value != "tok" || k.Path != "/" || !k.HttpOnly ||
				k.SameSite != http.SameSiteLaxMode || k.MaxAge != c.maxAge || k.Secure != c.secure {
				t.Errorf("cookie %+v", k)
			}

			w = httptest.NewRecorder()
			ctx, _ = gin.CreateTestContext(w)
			ctx.Request = httptest.NewRequest(http.MethodPost, "/panel/logout", nil)
			c.svc.ClearCookie(ctx)
			if got := w.Result().Cookies(); len(got) != 1 || got[0].Name != auth.CookieName || got[0].MaxAge >= 0 || got[0].Value != "" {
				t.Errorf("cleared cookie %+v", got)
			}
		})
	}
}
