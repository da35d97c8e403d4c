package webchat_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// kbWithBrand writes a knowledge base of one intent with the brand
// given (none when empty) and returns its directory.
func kbWithBrand(t *testing.T, brand string) string {
	t.Helper()
	dir := t.TempDir()
	text := brand + "\nintents:\n  - id: hello\n    examples: {en: [hello], ru: [привет]}\n    answer: {en: Hi, ru: Привет}\n"
	if err := os.WriteFile(filepath.Join(dir, "kb.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

var titlePattern = regexp.MustCompile(`<title>([^<]*)</title>`)

// TestPageTitle checks where the chat's title comes from: the config's
// title when set, else the brand of the knowledge base in use, in the
// language asked for, else a neutral one.
func TestPageTitle(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	tests := []struct {
		brand, configTitle, query, want string
	}{
		{"", "", "", "Поддержка · Support"},
		{"", "", "?lang=en", "Support"},
		{"", "", "?lang=ru", "Поддержка"},
		{"brand: {ru: Поддержка Акме, en: Acme support}", "", "", "Поддержка Акме · Acme support"},
		{"brand: {ru: Поддержка Акме, en: Acme support}", "", "?lang=ru", "Поддержка Акме"},
		{"brand: {ru: Поддержка Акме}", "", "?lang=en", "Поддержка Акме"},
		{"brand: Step & Style", "", "?lang=de", "Step &amp; Style"},
		{"brand: Step & Style", "Our shop", "?lang=en", "Our shop"},
	}
	gin.SetMode(gin.TestMode)
	for _, tt := range tests {
		env := dialogtest.New(t, kbWithBrand(t, tt.brand), dialog.DefaultConfig, nil, log)
		r := gin.New()
		webchat.New(env.Engine, webchat.Options{Title: tt.configTitle, KB: env.KB}, log).Routes(r)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/"+tt.query, nil))
		m := titlePattern.FindStringSubmatch(w.Body.String())
		if w.Code != http.StatusOK || m == nil || m[1] != tt.want {
			t.Errorf("brand %q, title %q, %s: %d, title %q, want %q", tt.brand, tt.configTitle, tt.query, w.Code, m, tt.want)
		}
		if strings.Contains(w.Body.String(), "firstline.seen") {
			t.Errorf("the page outside the widget carries the widget's notifier")
		}
	}
}

// TestPageEmbed checks the page the widget frames: marked for its
// styles, with the script that tells the widget of unread replies.
func TestPageEmbed(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	env := dialogtest.New(t, kbWithBrand(t, ""), dialog.DefaultConfig, nil, log)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	webchat.New(env.Engine, webchat.Options{KB: env.KB}, log).Routes(r)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/?embed=1&lang=en&origin=https%3A%2F%2Fshop.example", nil))
	body := w.Body.String()
	if !strings.Contains(body, `<body class="embed">`) || !strings.Contains(body, "firstline.seen") ||
		!strings.Contains(body, `<html lang="en">`) {
		t.Errorf("the embedded page lacks its class, language or notifier:\n%s", body)
	}
}

// TestWidgetScript checks how /widget.js is served: as JavaScript any
// site may load, cached for a while, and revalidated by its ETag.
func TestWidgetScript(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	env := dialogtest.New(t, kbWithBrand(t, ""), dialog.DefaultConfig, nil, log)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	webchat.New(env.Engine, webchat.Options{}, log).Routes(r)

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/widget.js", nil))
	h := w.Result().Header
	etag := h.Get("ETag")
	if w.Code != http.StatusOK || h.Get("Content-Type") != "text/javascript; charset=utf-8" ||
		!strings.Contains(h.Get("Cache-Control"), "max-age=") || etag == "" ||
		h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(w.Body.String(), "window.Firstline") {
		t.Fatalf("GET /widget.js: %d %v", w.Code, h)
	}
	req := httptest.NewRequest(http.MethodGet, "/widget.js", nil)
	req.Header.Set("If-None-Match", etag)
	w = httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("GET /widget.js with its ETag: %d, %d bytes", w.Code, w.Body.Len())
	}
}
