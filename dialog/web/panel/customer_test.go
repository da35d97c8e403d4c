package panel_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestCustomerContact shows what an agent knows of a customer: a ticket
// without any name reads "Web visitor · #N" in the queue and on the
// ticket; once the customer gives their details, the queue shows their
// name and the ticket their name, e-mail and phone.
func TestCustomerContact(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("visitor", "")
	unnamed := fmt.Sprintf("Web visitor · #%d", tk.ConversationID)
	for _, path := range []string{"/panel/queue", "/panel/tickets/" + tk.Number} {
		body := h.get("anna", path, http.StatusOK)
		if !strings.Contains(body, unnamed) || strings.Contains(body, "(no name)") {
			t.Errorf("%s names the customer without %q", path, unnamed)
		}
	}

	_, err := h.engine.SetContact(h.ctx, "webchat", "visitor",
		dialog.Contact{Name: "Olga Ivanova", Email: "olga@example.com", Phone: "+79001234567"})
	if err != nil {
		t.Fatal(err)
	}
	queue := h.get("anna", "/panel/queue", http.StatusOK)
	inOrder(t, queue, tk.Number, "Olga Ivanova")
	page := h.get("anna", "/panel/tickets/"+tk.Number, http.StatusOK)
	inOrder(t, page, `class="customer-name">Olga Ivanova`,
		`class="customer-email"><a href="mailto:olga@example.com">olga@example.com</a>`,
		`class="customer-phone"><a href="tel:&#43;79001234567">&#43;79001234567</a>`)
	if strings.Contains(page, unnamed) {
		t.Errorf("the ticket still reads %q", unnamed)
	}
	// The search finds the ticket by the name given later.
	if found := h.get("anna", "/panel/queue?q=olga", http.StatusOK); !strings.Contains(found, tk.Number) {
		t.Error("the search by the new name does not find the ticket")
	}
}
