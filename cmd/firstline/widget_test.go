package main

import (
	"html"
	"io"
	"net/http"
	"regexp"
	"testing"
)

// TestServeChatTitle checks that the chat page is named by the knowledge
// base served, with the shipped config: the demo's provider, or the shop.
func TestServeChatTitle(t *testing.T) {
	title := regexp.MustCompile(`<title>([^<]*)</title>`)
	for _, tt := range []struct {
		intents, want string
	}{
		{"../../configs/intents", "Поддержка Сеть Плюс · SetPlus support"},
		{"testdata/shop", "Step & Style"},
	} {
		s := startServer(t, t.TempDir(), "--intents", tt.intents)
		resp, err := http.Get(s.url)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		m := title.FindSubmatch(body)
		if m == nil || html.UnescapeString(string(m[1])) != tt.want {
			t.Errorf("%s: title %q, want %q", tt.intents, m, tt.want)
		}
		s.stop()
	}
}
