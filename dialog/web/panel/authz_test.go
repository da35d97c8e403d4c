package panel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog/web/auth"
)

// access is the status each kind of caller must get from a route. The
// ticket the routes name is in the first line: agent works the first line,
// other the second line only, and every has no queues set, so works every
// queue. A ticket of a queue the caller does not work is answered as one
// that does not exist.
type access struct {
	anon, agent, other, every, admin, analyst int
}

// routeAccess lists every route of the panel and the tickets API with the
// status each caller gets when it sends no form at all. Routes that change
// something then fail validation (400) once the caller is let through,
// so nothing changes while walking them. A route missing here fails
// TestAuthorization: a new route needs its line.
var routeAccess = map[string]access{
	"GET /panel/static/*file": {200, 200, 200, 200, 200, 200},
	"GET /panel/login":        {200, 303, 303, 303, 303, 303},
	"POST /panel/login":       {400, 400, 400, 400, 400, 400},
	"GET /panel/":             {303, 303, 303, 303, 303, 303},
	"POST /panel/logout":      {401, 303, 303, 303, 303, 303},

	"GET /panel/queue":                      {303, 200, 200, 200, 200, 200},
	"GET /panel/queue/list":                 {303, 200, 200, 200, 200, 200},
	"GET /panel/tickets/:number":            {303, 200, 404, 200, 200, 200},
	"GET /panel/tickets/:number/transcript": {303, 200, 404, 200, 200, 200},
	"GET /panel/events":                     {303, 200, 200, 200, 200, 200},
	"GET /panel/attachments/:id":            {303, 200, 404, 200, 200, 200},
	"POST /panel/settings/lang":             {401, 400, 400, 400, 400, 400},

	"POST /panel/tickets/:number/take":      {401, 400, 404, 400, 400, 403},
	"POST /panel/tickets/:number/reply":     {401, 400, 404, 400, 400, 403},
	"POST /panel/tickets/:number/ask-field": {401, 400, 404, 400, 400, 403},
	"POST /panel/tickets/:number/wait":      {401, 400, 404, 400, 400, 403},
	// Typing takes no form and stores nothing: it goes through.
	"POST /panel/tickets/:number/typing":   {401, 204, 404, 204, 204, 403},
	"POST /panel/tickets/:number/note":     {401, 400, 404, 400, 400, 403},
	"POST /panel/tickets/:number/transfer": {401, 400, 404, 400, 400, 403},
	"POST /panel/tickets/:number/close":    {401, 400, 404, 400, 400, 403},
	// Erasing a customer's data is for admins only; unconfirmed, it is
	// refused.
	"POST /panel/tickets/:number/erase": {401, 403, 403, 403, 400, 403},

	// Analysts and admins read the figures; agents do not. An export
	// without a table is refused.
	"GET /panel/analytics":            {303, 403, 403, 403, 200, 200},
	"GET /panel/analytics/export.csv": {303, 403, 403, 403, 400, 400},

	// Analysts read the review; only admins change the knowledge base
	// from it. A change of no kind is refused.
	"GET /panel/review":          {303, 403, 403, 403, 200, 200},
	"POST /panel/review/preview": {401, 403, 403, 403, 400, 403},
	"POST /panel/review/apply":   {401, 403, 403, 403, 400, 403},

	// Everyone reads the known incidents; admins announce, change and
	// close them. A form without its fields is refused.
	"GET /panel/incidents":            {303, 200, 200, 200, 200, 200},
	"POST /panel/incidents":           {401, 403, 403, 403, 400, 403},
	"POST /panel/incidents/:id":       {401, 403, 403, 403, 400, 403},
	"POST /panel/incidents/:id/close": {401, 403, 403, 403, 400, 403},

	"GET /panel/admin/users":                 {303, 403, 403, 403, 200, 403},
	"POST /panel/admin/users":                {401, 403, 403, 403, 400, 403},
	"POST /panel/admin/users/:name/disable":  {401, 403, 403, 403, 404, 403},
	"POST /panel/admin/users/:name/enable":   {401, 403, 403, 403, 404, 403},
	"POST /panel/admin/users/:name/queues":   {401, 403, 403, 403, 404, 403},
	"POST /panel/admin/users/:name/password": {401, 403, 403, 403, 404, 403},
	// WhatsApp is off in the harness: its page says so, and changes find nothing.
	"GET /panel/admin/whatsapp":         {303, 403, 403, 403, 200, 403},
	"GET /panel/admin/whatsapp/qr.png":  {303, 403, 403, 403, 404, 403},
	"POST /panel/admin/whatsapp/pair":   {401, 403, 403, 403, 404, 403},
	"POST /panel/admin/whatsapp/logout": {401, 403, 403, 403, 404, 403},
	"GET /panel/admin/webchat":          {303, 403, 403, 403, 200, 403},

	// The tickets API reads for any logged-in user, the tickets of their
	// queues.
	"GET /api/v1/tickets":         {401, 200, 200, 200, 200, 200},
	"GET /api/v1/tickets/:number": {401, 200, 404, 200, 200, 200},
}

// cancelOnWrite ends the request's context once the response starts, so
// that a stream (the events route) returns after its first write.
type cancelOnWrite struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
}

func (w cancelOnWrite) Write(b []byte) (int, error) {
	defer w.cancel()
	return w.ResponseRecorder.Write(b)
}

func (w cancelOnWrite) WriteString(s string) (int, error) {
	defer w.cancel()
	return w.ResponseRecorder.WriteString(s)
}

func TestAuthorization(t *testing.T) {
	h := newHarness(t)
	h.addAgent("olga", "first_line")
	h.addAgent("petr", "second_line")
	tk := h.escalate("c1", "Anna Petrova")
	file := h.attach("c1", "screen.png")
	params := map[string]string{":number": tk.Number, ":name": "nobody", "*file": "/panel.css", ":id": fmt.Sprint(file.ID)}
	users := map[string]string{"agent": "olga", "other": "petr", "every": "anna", "admin": "root", "analyst": "nina"}

	// send makes one request as role ("" for nobody), with a fresh session
	// each time, since walking the logout route ends the session it uses.
	send := func(method, path, role string, header map[string]string) *httptest.ResponseRecorder {
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader("")
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req := httptest.NewRequestWithContext(ctx, method, path, body)
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if role != "" {
			token, _, err := h.auth.Login(h.ctx, users[role], password, "")
			if err != nil {
				t.Fatal(err)
			}
			req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		w := cancelOnWrite{httptest.NewRecorder(), cancel}
		h.router.ServeHTTP(w, req)
		return w.ResponseRecorder
	}

	seen := map[string]bool{}
	for _, r := range h.router.Routes() {
		key := r.Method + " " + r.Path
		seen[key] = true
		want, ok := routeAccess[key]
		if !ok {
			t.Errorf("route %s is not in routeAccess: add what each role may do with it", key)
			continue
		}
		segments := strings.Split(r.Path, "/")
		for i, s := range segments {
			if v, ok := params[s]; ok {
				segments[i] = strings.TrimPrefix(v, "/")
			}
		}
		path := strings.Join(segments, "/")

		for _, c := range []struct {
			role string
			want int
		}{{"", want.anon}, {"agent", want.agent}, {"other", want.other}, {"every", want.every}, {"admin", want.admin}, {"analyst", want.analyst}} {
			w := send(r.Method, path, c.role, nil)
			if w.Code != c.want {
				t.Errorf("%s %s as %q: status %d, want %d", r.Method, path, c.role, w.Code, c.want)
			}
			if c.role == "" && w.Code == http.StatusSeeOther &&
				!strings.HasPrefix(w.Header().Get("Location"), "/panel/login?next=") {
				t.Errorf("%s %s anonymously: redirected to %q, not to the login page", r.Method, path, w.Header().Get("Location"))
			}
			// Another site's page may not make the browser change anything.
			if r.Method != http.MethodGet {
				cross := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
				if w := send(r.Method, path, c.role, cross); w.Code != http.StatusForbidden {
					t.Errorf("%s %s as %q from another site: status %d, want 403", r.Method, path, c.role, w.Code)
				}
			}
		}
	}
	for key := range routeAccess {
		if !seen[key] {
			t.Errorf("routeAccess lists %s, which is not a route", key)
		}
	}
	// Walking changed nothing.
	if got := h.ticket(tk.Number); !got.UpdatedAt.Equal(tk.UpdatedAt) {
		t.Error("walking the routes changed the ticket")
	}
	if u, _ := h.store.UserByName(h.ctx, "anna"); u.Lang != "" {
		t.Error("walking the routes changed a setting")
	}
}
