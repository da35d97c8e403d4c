package panel_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestWebchatPage checks the admin page that shows how to embed the web
// chat: the snippet with this server's address, and the sites allowed.
func TestWebchatPage(t *testing.T) {
	h := newHarness(t)
	page := h.get("root", "/panel/admin/webchat", http.StatusOK)
	if !strings.Contains(page, `&lt;script src="http://example.com/widget.js" async&gt;&lt;/script&gt;`) ||
		!strings.Contains(page, "webchat.allowed_origins") || !strings.Contains(page, `<p id="webchat-origins">`) {
		t.Errorf("the page lacks the snippet or says sites are allowed when none is:\n%s", page)
	}
	if !strings.Contains(h.get("root", "/panel/queue", http.StatusOK), `href="/panel/admin/webchat"`) {
		t.Error("admins have no link to the page")
	}
	if strings.Contains(h.get("anna", "/panel/queue", http.StatusOK), `href="/panel/admin/webchat"`) {
		t.Error("agents see a link to an admin page")
	}

	h.panel.SetWebchatOrigins([]string{"https://shop.example", "https://www.shop.example"})
	page = h.get("root", "/panel/admin/webchat", http.StatusOK)
	if !strings.Contains(page, "<li><code>https://shop.example</code></li>") || !strings.Contains(page, "<li><code>https://www.shop.example</code></li>") {
		t.Errorf("the allowed sites are not listed:\n%s", page)
	}
}
