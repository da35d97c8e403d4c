package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestServeUnknownURL checks that a browser asking for a panel page that
// does not exist gets the panel's page saying so, and a program (the API,
// or anything asking for JSON) a JSON error.
func TestServeUnknownURL(t *testing.T) {
	s := startServer(t, t.TempDir())
	get := func(path, accept string) (int, string, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(s.url, "/")+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	code, ctype, body := get("/panel/no-such-page", browser)
	if code != http.StatusNotFound || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, "There is no such page in the panel.") ||
		!strings.Contains(body, `href="/panel/login"`) {
		t.Errorf("a browser's unknown panel page: %d %s\n%s", code, ctype, body)
	}
	for _, c := range []struct{ path, accept string }{
		{"/api/v1/no-such-thing", browser},
		{"/panel/no-such-page", "application/json"},
		{"/panel/no-such-page", ""},
		{"/no-such-page", browser},
	} {
		code, ctype, body := get(c.path, c.accept)
		if code != http.StatusNotFound || !strings.HasPrefix(ctype, "application/json") || !strings.Contains(body, `"code":"not_found"`) {
			t.Errorf("%s (Accept %q): %d %s %s", c.path, c.accept, code, ctype, body)
		}
	}
	s.stop()
}

// TestLogRequestsClientGone checks that a request whose client went away
// is logged at debug level without the 500 its cut-short work answered,
// while a real failure still logs a warning.
func TestLogRequestsClientGone(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := gin.New()
	r.Use(logRequests(log))
	r.GET("/fail", func(c *gin.Context) { c.String(http.StatusInternalServerError, "internal error") })

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as the server does when the connection closes
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/fail", nil).WithContext(ctx))
	got := logs.String()
	if !strings.Contains(got, "level=DEBUG") || !strings.Contains(got, "the client went away") || strings.Contains(got, "status=500") {
		t.Errorf("a request whose client went away is logged as\n%s", got)
	}

	logs.Reset()
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/fail", nil))
	if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "status=500") {
		t.Errorf("a failed request is logged as\n%s", got)
	}
}

// TestRecoverPanics checks that a panic is a 500 with its stack in the log
// at error level, and a panic over a broken connection is no error.
func TestRecoverPanics(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := gin.New()
	r.Use(logRequests(log), recoverPanics(log))
	r.GET("/bug", func(*gin.Context) { panic("boom") })
	r.GET("/gone", func(*gin.Context) { panic(fmt.Errorf("write response: %w", syscall.EPIPE)) })

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/bug", nil))
	if got := logs.String(); w.Code != http.StatusInternalServerError || !strings.Contains(got, `level=ERROR msg="panic serving request" path=/bug panic=boom stack=`) ||
		!strings.Contains(got, "level=WARN") {
		t.Errorf("a panic answered %d and logged\n%s", w.Code, got)
	}

	logs.Reset()
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/gone", nil))
	if got := logs.String(); strings.Contains(got, "level=ERROR") || strings.Contains(got, "level=WARN") || !strings.Contains(got, "the client went away") {
		t.Errorf("a broken connection logged\n%s", got)
	}
}
