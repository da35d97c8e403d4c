package panel_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// TestClosedTicketShowsResolution checks that a closed ticket's page says
// when it was resolved, and whether that was late, rather than repeating
// its deadline.
func TestClosedTicketShowsResolution(t *testing.T) {
	h := newHarness(t)
	now := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	h.engine.SetClock(func() time.Time { return now })
	iso := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	resolution := func(number string) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<dd id="resolution">(.*?)</dd>`).FindStringSubmatch(h.get("anna", "/panel/tickets/"+number, http.StatusOK))
		if m == nil {
			t.Fatalf("ticket %s has no resolution", number)
		}
		return m[1]
	}

	quick := h.escalate("c1", "Anna Petrova")
	if quick.ResolutionDue.IsZero() {
		t.Fatal("the default policy gives a normal ticket no resolution deadline")
	}
	if got := resolution(quick.Number); !strings.Contains(got, `data-due="`+iso(quick.ResolutionDue)+`"`) {
		t.Errorf("an open ticket's resolution shows %q, want its deadline", got)
	}
	now = now.Add(10 * time.Minute)
	if _, err := h.engine.Close(h.ctx, dialog.TicketAction{Number: quick.Number, Agent: "anna"}); err != nil {
		t.Fatal(err)
	}
	got := resolution(quick.Number)
	if !strings.Contains(got, `resolved <time datetime="`+iso(now)+`">2026-03-05 09:10 UTC</time>`) ||
		strings.Contains(got, iso(quick.ResolutionDue)) || strings.Contains(got, "after the deadline") {
		t.Errorf("a ticket closed in time shows %q", got)
	}

	late := h.escalate("c2", "Boris")
	now = late.ResolutionDue.Add(time.Hour)
	h.post("anna", "/panel/tickets/"+late.Number+"/close", url.Values{"version": {h.version("anna", late.Number)}}, http.StatusSeeOther)
	if got := resolution(late.Number); !strings.Contains(got, `resolved <time datetime="`+iso(now)+`"`) || !strings.Contains(got, "after the deadline") {
		t.Errorf("a ticket closed late shows %q", got)
	}
	body := h.get("anna", "/panel/tickets/"+late.Number, http.StatusOK)
	if !strings.Contains(body, "closed without a reply") {
		t.Error("a ticket closed without a reply does not say so under first response")
	}
}

// TestQueueNames checks that the panel shows queues by their names in the
// page's language, and by the ids it uses in forms and links.
func TestQueueNames(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c1", "Anna Petrova")
	ticket := h.get("anna", "/panel/tickets/"+tk.Number, http.StatusOK)
	inOrder(t, ticket, `<dd id="ticket-queue" title="first_line">First line</dd>`, `<option value="second_line">Second line</option>`)
	queue := h.get("anna", "/panel/queue", http.StatusOK)
	inOrder(t, queue, `<option value="first_line">First line</option>`, `<td title="first_line">First line</td>`)

	h.panel.SetQueueNames(map[string]map[string]string{"first_line": {"ru": "Линия 1", "en": "Desk"}, "second_line": {"ru": "Линия 2"}})
	inOrder(t, h.get("anna", "/panel/queue", http.StatusOK), `<option value="first_line">Desk</option>`, `<td title="first_line">Desk</td>`)
	// A name missing in the page's language: the other language's.
	inOrder(t, h.get("anna", "/panel/tickets/"+tk.Number, http.StatusOK), `title="first_line">Desk</dd>`, `<option value="second_line">Линия 2</option>`, `<option value="third_line">Third line</option>`)
}
