package panel_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/firstline-support/firstline/dialog/web/auth"
)

// benchGet measures serving path to anna, whole: identifying her by her
// session, reading the store and rendering the page.
func benchGet(b *testing.B, h *harness, path string) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: h.tokens["anna"]})
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.router.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkQueuePage is the queue page with 100 open tickets.
func BenchmarkQueuePage(b *testing.B) {
	h := newHarness(b)
	for i := range 100 {
		h.escalate(fmt.Sprint("c", i), fmt.Sprint("Customer ", i))
	}
	benchGet(b, h, "/panel/queue")
}

// BenchmarkTicketPage is a ticket page with a transcript of about 60
// messages.
func BenchmarkTicketPage(b *testing.B) {
	h := newHarness(b)
	tk := h.escalate("c1", "Anna Petrova")
	for i := range 28 {
		h.send("c1", "Anna Petrova", fmt.Sprint("message number ", i, ": the internet is down again"))
	}
	benchGet(b, h, "/panel/tickets/"+tk.Number)
}
