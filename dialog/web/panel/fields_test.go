package panel_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestTicketFields checks that the details the customer gave the bot
// before the handoff come first on the ticket page, above the reason and
// the transcript, labelled by name, with a question not answered marked
// so; and that the tickets API returns them.
func TestTicketFields(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c", "Anna")
	fields := []dialog.Field{{Name: "contract", Value: "1234567"}, {Name: "address"}, {Name: "since", Value: "<b>Вчера</b>"}}
	err := h.store.Update(h.ctx, func(tx dialog.Tx) error {
		saved, err := tx.TicketByNumber(h.ctx, tk.Number)
		if err != nil {
			return err
		}
		saved.Fields = fields
		return tx.UpdateTicket(h.ctx, saved)
	})
	if err != nil {
		t.Fatal(err)
	}

	page := h.get("anna", "/panel/tickets/"+tk.Number, http.StatusOK)
	inOrder(t, page, `id="fields"`,
		`<dt>contract</dt><dd>1234567</dd>`,
		`<dt>address</dt><dd><span class="muted">not given</span></dd>`,
		`<dt>since</dt><dd>&lt;b&gt;Вчера&lt;/b&gt;</dd>`,
		"Why a person is needed", `id="transcript"`)

	var got struct {
		Fields []dialog.Field `json:"fields"`
	}
	if err := json.Unmarshal([]byte(h.get("anna", "/api/v1/tickets/"+tk.Number, http.StatusOK)), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Fields, fields) {
		t.Errorf("API fields %q, want %q", got.Fields, fields)
	}

	// A ticket without any shows no such section.
	other := h.escalate("d", "Boris")
	if page := h.get("anna", "/panel/tickets/"+other.Number, http.StatusOK); strings.Contains(page, `id="fields"`) {
		t.Error("a ticket without fields shows the fields section")
	}
	body := h.get("anna", "/api/v1/tickets/"+other.Number, http.StatusOK)
	if !strings.Contains(body, `"fields":[]`) {
		t.Errorf("API of a ticket without fields: %s, want \"fields\":[]", body)
	}
}
