package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/metrics"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
	"github.com/firstline-support/firstline/kb"
)

// TestClientAddress: the client's address comes from X-Forwarded-For only
// when the request comes from a trusted proxy.
func TestClientAddress(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := dialogtest.Store(t, log)
	holder := kb.NewHolder(nil)
	router := func(proxies []string) *gin.Engine {
		r := newRouter(log, store, holder, metrics.New())
		if err := trustProxies(r, proxies); err != nil {
			t.Fatal(err)
		}
		r.GET("/ip", func(c *gin.Context) { c.String(http.StatusOK, c.ClientIP()) })
		return r
	}
	trusting := router([]string{"127.0.0.1", "10.0.0.0/8"})
	trustingNone := router(nil)
	for _, c := range []struct {
		name   string
		r      *gin.Engine
		remote string
		xff    string
		want   string
	}{
		{"from the proxy", trusting, "127.0.0.1:5000", "203.0.113.9", "203.0.113.9"},
		{"from the proxy, a forged entry before the client's", trusting, "127.0.0.1:5000", "6.6.6.6, 203.0.113.9", "203.0.113.9"},
		{"through two trusted proxies", trusting, "127.0.0.1:5000", "203.0.113.9, 10.1.2.3", "203.0.113.9"},
		{"from the proxy, no header", trusting, "127.0.0.1:5000", "", "127.0.0.1"},
		{"from elsewhere, forged header", trusting, "198.51.100.7:5000", "203.0.113.9", "198.51.100.7"},
		{"no trusted proxies", trustingNone, "127.0.0.1:5000", "203.0.113.9", "127.0.0.1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/ip", nil)
			req.RemoteAddr = c.remote
			if c.xff != "" {
				req.Header.Set("X-Forwarded-For", c.xff)
			}
			w := httptest.NewRecorder()
			c.r.ServeHTTP(w, req)
			if got := w.Body.String(); got != c.want {
				t.Errorf("client address %q, want %q", got, c.want)
			}
		})
	}
	if err := trustProxies(gin.New(), []string{"not an address"}); err == nil {
		t.Error("a bad proxy address was accepted")
	}
}

// TestLoginLimitsBehindProxy: behind a trusted proxy, a client spraying
// wrong logins is stopped by its own address, and the other users, who
// reach the server through the same proxy, still log in.
func TestLoginLimitsBehindProxy(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := dialogtest.Store(t, log)
	users := auth.New(store, auth.Options{BcryptCost: 4}, log)
	if _, err := users.CreateUser(t.Context(), "anna", dialog.RoleAgent, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	r := newRouter(log, store, kb.NewHolder(nil), metrics.New())
	if err := trustProxies(r, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	r.POST("/login", func(c *gin.Context) {
		_, _, err := users.Login(c.Request.Context(), c.PostForm("name"), c.PostForm("password"), c.ClientIP())
		c.Status(httperror.Status(dialog.ErrorCode(err)))
	})
	login := func(client, name, password string) int {
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader("name="+name+"&password="+password))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = "127.0.0.1:40000" // every request comes through the proxy
		req.Header.Set("X-Forwarded-For", client)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w.Code
	}
	const attacker, agent = "198.51.100.7", "203.0.113.9"
	for i := range auth.DefaultAddressAttempts {
		if code := login(attacker, fmt.Sprint("user", i), "guess+guess+guess"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d, want 401", i+1, code)
		}
	}
	if code := login(attacker, "anna", "a+long+enough+password"); code != http.StatusTooManyRequests {
		t.Errorf("the sprayer's next attempt: status %d, want 429", code)
	}
	if code := login(agent, "anna", "a+long+enough+password"); code != http.StatusOK {
		t.Errorf("anna through the same proxy: status %d, want 200", code)
	}
}

// TestSettingsTrustedProxies reads http.trusted_proxies and refuses a
// value that is not an address or a network.
func TestSettingsTrustedProxies(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "firstline.yaml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	parse := func(cfg string) (*settings, error) {
		return parseSettings(newFlagSet("serve", env{stderr: io.Discard}), []string{"--config", cfg}, flagAddr,
			func(string) string { return "" })
	}
	s, err := parse(write("http:\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8, '::1']\n"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.HTTP.TrustedProxies, " ") != "127.0.0.1 10.0.0.0/8 ::1" {
		t.Errorf("trusted proxies %q", s.HTTP.TrustedProxies)
	}
	s, err = parse(write("addr: 127.0.0.1:9000\n"))
	if err != nil || len(s.HTTP.TrustedProxies) != 0 {
		t.Errorf("default trusted proxies %q (%v), want none", s.HTTP.TrustedProxies, err)
	}
	for _, bad := range []string{"nginx.internal", "10.0.0.0/33", "10.0.0"} {
		_, err := parse(write("http:\n  trusted_proxies: [" + bad + "]\n"))
		if err == nil || !strings.Contains(err.Error(), "http.trusted_proxies") {
			t.Errorf("%q: err %v, want one about http.trusted_proxies", bad, err)
		}
	}
}
