package panel_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestIncidentsPage: an admin announces an incident, changes it from the
// form's version and is refused a stale one, and closes it; an unknown
// intent is refused with the form kept; an agent reads the page and the
// linked ticket shows it.
func TestIncidentsPage(t *testing.T) {
	h := newHarness(t)
	ticket := h.send("c", "Anna", "хочу подать жалобу").Ticket
	if ticket == nil || ticket.Intent != "complaint" {
		t.Fatalf("complaint made ticket %+v", ticket)
	}
	form := url.Values{"text_ru": {"Сбой биллинга"}, "text_en": {"Billing is down"}, "intents": {"complaint, nonsense"},
		"areas": {"Северный\r\n\r\nЮжный"}, "until": {"2099-12-04T18:00"}}
	w := h.post("root", "/panel/incidents", form, http.StatusBadRequest)
	if body := w.Body.String(); !strings.Contains(body, "Unknown intents: nonsense.") || !strings.Contains(body, "Billing is down") {
		t.Errorf("an unknown intent: the page does not say so or lost the form:\n%s", body)
	}
	// The form offers the knowledge base's intents by title, one box each,
	// kept as ticked; one it does not have is shown ticked, to be taken off.
	inOrder(t, w.Body.String(), `class="intent-picks"`,
		`<input type="checkbox" name="intents" value="complaint" checked> Complaint`,
		`<input type="checkbox" name="intents" value="nonsense" checked> <code>nonsense</code>`)
	if strings.Contains(w.Body.String(), `value="reset_password" checked`) {
		t.Error("an intent not chosen is ticked")
	}
	form["intents"] = []string{"complaint"} // as the boxes send it
	h.post("root", "/panel/incidents", form, http.StatusSeeOther)
	list, err := h.store.Incidents(h.ctx, dialog.IncidentFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("incidents = %v, %v", list, err)
	}
	inc := list[0]
	if inc.CreatedBy != "root" || strings.Join(inc.Areas, "|") != "Северный|Южный" || inc.ExpectedEnd.Year() != 2099 {
		t.Errorf("announced %+v", inc)
	}
	if got := h.ticket(ticket.Number); got.IncidentID != inc.ID {
		t.Errorf("the open complaint links incident %d, want %d", got.IncidentID, inc.ID)
	}

	page := h.get("anna", "/panel/incidents", http.StatusOK)
	if !strings.Contains(page, "Billing is down") || !strings.Contains(page, ticket.Number) || strings.Contains(page, `action="/panel/incidents"`) {
		t.Errorf("the agent's page lacks the incident or its ticket, or offers the forms")
	}
	if page := h.get("anna", "/panel/tickets/"+ticket.Number, http.StatusOK); !strings.Contains(page, `id="ticket-incident"`) {
		t.Error("the ticket page does not show its incident")
	}

	path := "/panel/incidents/" + strconv.FormatInt(inc.ID, 10)
	form.Set("version", "1")
	form.Set("text_en", "Billing is back soon")
	h.post("root", path, form, http.StatusSeeOther)
	// A change that fails keeps what the admin typed, in its open form.
	typo := url.Values{"version": {"2"}, "text_en": {"Billing is back by noon"}, "intents": {"complaint", "complain"}}
	w = h.post("root", path, typo, http.StatusBadRequest)
	inOrder(t, w.Body.String(), `Unknown intents: complain.`, `<details open>`, `action="`+path+`"`, "Billing is back by noon",
		`value="complain" checked`)
	w = h.post("root", path, form, http.StatusConflict) // the same form again: version 1 is gone
	if !strings.Contains(w.Body.String(), "changed by someone else") {
		t.Errorf("a stale form: %s", w.Body.String())
	}
	h.post("root", path+"/close", url.Values{"version": {"1"}}, http.StatusConflict)
	h.post("root", path+"/close", url.Values{"version": {"2"}, "close_en": {"Billing works"}}, http.StatusSeeOther)
	got, _ := h.store.Incident(h.ctx, inc.ID)
	if got.ClosedAt.IsZero() || got.CloseText["en"] != "Billing works" || got.Text["en"] != "Billing is back soon" {
		t.Errorf("closed incident = %+v", got)
	}
	msgs := h.messages(ticket.Number)
	// The close text is English only: the Russian customer gets the
	// standard message in Russian.
	if last := msgs[len(msgs)-1]; !strings.HasPrefix(last.Text, "Работы завершены") {
		t.Errorf("the linked ticket's customer was told %q", last.Text)
	}
	h.post("root", path+"/close", url.Values{"version": {"3"}}, http.StatusConflict)
}

// TestIncidentsPageKeepsOldOpenOnes: an incident open for long stays on
// the page when many newer ones were announced and closed since.
func TestIncidentsPageKeepsOldOpenOnes(t *testing.T) {
	h := newHarness(t)
	old := &dialog.Incident{Text: map[string]string{"en": "Long works on the ring"}, Intents: []string{"complaint"}}
	if err := h.engine.OpenIncident(h.ctx, old); err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		inc := &dialog.Incident{Text: map[string]string{"en": "Short outage " + strconv.Itoa(i)}, Intents: []string{"complaint"}}
		if err := h.engine.OpenIncident(h.ctx, inc); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.engine.CloseIncident(h.ctx, inc.ID, 0, nil); err != nil {
			t.Fatal(err)
		}
	}
	page := h.get("anna", "/panel/incidents", http.StatusOK)
	if !strings.Contains(page, `id="incident-`+strconv.FormatInt(old.ID, 10)+`"`) || !strings.Contains(page, "Short outage 24") {
		t.Error("the page lacks the old open incident or the newest closed one")
	}
	if n := strings.Count(page, `class="incident"`); n != 21 {
		t.Errorf("%d incidents listed, want the open one and 20 closed", n)
	}
}
