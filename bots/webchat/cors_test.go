package webchat_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

func TestParseOrigins(t *testing.T) {
	good := []struct {
		in   []string
		want []string
	}{
		{nil, nil},
		{[]string{"https://shop.example"}, []string{"https://shop.example"}},
		{[]string{"HTTPS://Shop.Example:443/"}, []string{"https://shop.example"}},
		{[]string{"http://localhost:3000", "http://localhost:3000"}, []string{"http://localhost:3000"}},
		{[]string{"http://[::1]:8081", "http://127.0.0.1:80"}, []string{"http://[::1]:8081", "http://127.0.0.1"}},
		{[]string{"*"}, []string{"*"}},
	}
	for _, tt := range good {
		o, err := webchat.ParseOrigins(tt.in)
		if err != nil {
			t.Errorf("ParseOrigins(%q): %v", tt.in, err)
			continue
		}
		if got := o.List(); strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("ParseOrigins(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	bad := []struct {
		in   []string
		want string
	}{
		{[]string{"shop.example"}, "not an origin"},
		{[]string{"ftp://shop.example"}, "http:// or https://"},
		{[]string{"https://shop.example/chat"}, "no path"},
		{[]string{"https://shop.example?x=1"}, "no path"},
		{[]string{"https://user@shop.example"}, "no path"},
		{[]string{"https://shop.example", "*"}, "only entry"},
		{[]string{""}, "not an origin"},
	}
	for _, tt := range bad {
		if _, err := webchat.ParseOrigins(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseOrigins(%q) error %v, want one saying %q", tt.in, err, tt.want)
		}
	}
}

// corsServer serves the web chat, allowing the given origins, on a
// router as serve builds it: with 405 for methods a path lacks.
func corsServer(t *testing.T, allowed ...string) (*gin.Engine, *dialog.Engine) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine := dialogtest.New(t, "../../dialog/testdata/intents", dialog.DefaultConfig, nil, log).Engine
	origins, err := webchat.ParseOrigins(allowed)
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	webchat.New(engine, webchat.Options{Origins: origins}, log).Routes(r)
	return r, engine
}

// call sends a request to the chat's host with the given headers.
func call(r http.Handler, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://support.example"+path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func TestCORSPreflight(t *testing.T) {
	r, _ := corsServer(t, "https://shop.example")
	preflight := map[string]string{
		"Origin":                         "https://shop.example",
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": "content-type",
		"Sec-Fetch-Site":                 "cross-site",
	}
	w := call(r, http.MethodOptions, "/api/v1/webchat/messages", "", preflight)
	h := w.Result().Header
	if w.Code != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "https://shop.example" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "content-type") ||
		h.Get("Access-Control-Max-Age") == "" || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Errorf("preflight from an allowed origin: %d %v", w.Code, h)
	}

	preflight["Origin"] = "https://evil.example"
	w = call(r, http.MethodOptions, "/api/v1/webchat/messages", "", preflight)
	if w.Code != http.StatusForbidden || w.Result().Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("preflight from another origin: %d %v", w.Code, w.Result().Header)
	}
	var body struct{ Error, Code string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Code != "forbidden" ||
		!strings.Contains(body.Error, "https://evil.example") || !strings.Contains(body.Error, "webchat.allowed_origins") {
		t.Errorf("the refusal does not name the origin and the setting: %s", w.Body)
	}
}

func TestCORSRequests(t *testing.T) {
	r, engine := corsServer(t, "https://shop.example")
	post := `{"session":"s1","message_id":"1","text":"/human"}`

	// Another site's page: refused, and nothing is stored.
	w := call(r, http.MethodPost, "/api/v1/webchat/messages", post, map[string]string{"Origin": "https://evil.example", "Content-Type": "text/plain"})
	if w.Code != http.StatusForbidden || w.Result().Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("post from another origin: %d %s", w.Code, w.Body)
	}
	w = call(r, http.MethodGet, "/api/v1/webchat/messages?session=s1", "", map[string]string{"Origin": "null"})
	if w.Code != http.StatusForbidden {
		t.Fatalf("poll from an opaque origin: %d %s", w.Code, w.Body)
	}
	if _, err := engine.Store().ConversationByChat(t.Context(), webchat.ChannelName, "s1"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Fatalf("a refused post started a conversation: %v", err)
	}

	// An allowed site's page reads the answer.
	w = call(r, http.MethodPost, "/api/v1/webchat/messages", post, map[string]string{"Origin": "https://shop.example"})
	if w.Code != http.StatusOK || w.Result().Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("post from an allowed origin: %d %v %s", w.Code, w.Result().Header, w.Body)
	}

	// The chat's own page, a server and curl pass without CORS headers.
	for _, h := range []map[string]string{
		{"Origin": "http://support.example"},
		{"Origin": "https://support.example", "Sec-Fetch-Site": "same-origin"}, // TLS ends at a proxy
		{},
	} {
		w = call(r, http.MethodGet, "/api/v1/webchat/messages?session=s1", "", h)
		if w.Code != http.StatusOK || w.Result().Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("poll with %v: %d %v %s", h, w.Code, w.Result().Header, w.Body)
		}
	}
}

func TestCORSAnyOrigin(t *testing.T) {
	r, _ := corsServer(t, "*")
	w := call(r, http.MethodGet, "/api/v1/webchat/messages?session=s1", "", map[string]string{"Origin": "https://anyone.example"})
	if w.Code != http.StatusOK || w.Result().Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("poll with any origin allowed: %d %v", w.Code, w.Result().Header)
	}
	w = call(r, http.MethodGet, "/", "", nil)
	if csp := w.Result().Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") {
		t.Errorf("with any origin allowed the page is not frameable by any: %s", csp)
	}
}

// TestPageFrameAncestors checks that the chat page may be framed by its
// own origin and the allowed ones only.
func TestPageFrameAncestors(t *testing.T) {
	for _, tt := range []struct {
		allowed []string
		want    string
	}{
		{nil, "frame-ancestors 'self'"},
		{[]string{"https://shop.example", "http://localhost:3000"}, "frame-ancestors 'self' https://shop.example http://localhost:3000"},
	} {
		r, _ := corsServer(t, tt.allowed...)
		w := call(r, http.MethodGet, "/", "", nil)
		csp := w.Result().Header.Get("Content-Security-Policy")
		if w.Code != http.StatusOK || !strings.HasSuffix(csp, tt.want) {
			t.Errorf("allowed %q: CSP %q, want it to end with %q", tt.allowed, csp, tt.want)
		}
	}
}
