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

// rowPattern finds the ticket numbers of the queue's rows, in order.
var rowPattern = regexp.MustCompile(`<tr class="ticket-row[^"]*" data-href="/panel/tickets/(FL-\d+)"`)

func rows(body string) []string {
	var out []string
	for _, m := range rowPattern.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestQueueOrderAndFilters(t *testing.T) {
	h := newHarness(t)
	// Three waiting tickets: a normal one, a high-priority complaint in the
	// second line, and another normal one, in that order of arrival.
	first := h.escalate("c1", "Alice Smith")
	complaint := h.send("c2", "Bob Jones", "хочу подать жалобу на качество обслуживания").Ticket
	if complaint == nil || complaint.Priority != "high" || complaint.Queue != "second_line" {
		t.Fatalf("complaint ticket = %+v", complaint)
	}
	third := h.escalate("c3", "Carol White")
	// One more, taken by anna, and one closed.
	mine := h.escalate("c4", "Dan Brown")
	if _, err := h.engine.Take(h.ctx, dialog.TicketAction{Number: mine.Number, Agent: "anna"}); err != nil {
		t.Fatal(err)
	}
	done := h.escalate("c5", "Eve Black")
	if _, err := h.engine.Close(h.ctx, dialog.TicketAction{Number: done.Number, Agent: "boris"}); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		query string
		want  []string
	}{
		// Open: the most urgent first, then the soonest deadline.
		{"", []string{complaint.Number, first.Number, third.Number, mine.Number}},
		{"state=open", []string{complaint.Number, first.Number, third.Number, mine.Number}},
		{"state=waiting", []string{complaint.Number, first.Number, third.Number}},
		{"state=mine", []string{mine.Number}},
		{"state=closed", []string{done.Number}},
		{"queue=second_line", []string{complaint.Number}},
		{"queue=first_line&state=waiting", []string{first.Number, third.Number}},
		{"queue=no_such_queue", []string{complaint.Number, first.Number, third.Number, mine.Number}}, // ignored
		{"state=bogus", []string{complaint.Number, first.Number, third.Number, mine.Number}},         // the default
		{"q=" + url.QueryEscape("carol"), []string{third.Number}},
		{"q=" + url.QueryEscape(strings.ToLower(first.Number)), []string{first.Number}},
		{"q=" + strings.TrimLeft(strings.TrimPrefix(third.Number, "FL-"), "0"), []string{third.Number}},
		{"q=" + url.QueryEscape("o") + "&state=waiting", []string{complaint.Number, third.Number}}, // Bob Jones, Carol White
		{"q=eve&state=closed", []string{done.Number}},
		{"q=nobody", nil},
	} {
		t.Run(c.query, func(t *testing.T) {
			for _, path := range []string{"/panel/queue?", "/panel/queue/list?"} {
				body := h.get("anna", path+c.query, http.StatusOK)
				if got := rows(body); strings.Join(got, ",") != strings.Join(c.want, ",") {
					t.Errorf("%s%s: rows %v, want %v", path, c.query, got, c.want)
				}
			}
		})
	}

	// Tabs count the open tickets, and the fragment is the list alone.
	body := h.get("anna", "/panel/queue/list", http.StatusOK)
	if strings.Contains(body, "<html") || strings.Contains(body, `id="filters"`) {
		t.Error("the list fragment holds more than the list")
	}
	inOrder(t, body, `Unassigned <span class="count">3</span>`, `Mine <span class="count">1</span>`, `Open <span class="count">4</span>`)
}

func TestQueueRow(t *testing.T) {
	h := newHarness(t)
	tk := h.send("c1", "Bob Jones", "хочу подать жалобу на качество обслуживания").Ticket
	body := h.get("anna", "/panel/queue", http.StatusOK)
	inOrder(t, body,
		`href="/panel/tickets/`+tk.Number+`"`, "Bob Jones", `class="badge prio-high"`, "high",
		"in queue", "second_line", "webchat", "topic",
		`data-since="`+tk.CreatedAt.UTC().Format("2006-01-02T15:04:05Z07:00")+`"`,
		`data-due="`+tk.NextDue().UTC().Format("2006-01-02T15:04:05Z07:00")+`"`)
	if strings.Contains(body, "breached") {
		t.Error("a fresh ticket is marked breached")
	}
}

func TestQueueBreached(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c1", "Late Larry")
	// Move the deadlines into the past, as if the ticket had waited long.
	err := h.store.Update(h.ctx, func(tx dialog.Tx) error {
		t, err := tx.Ticket(h.ctx, tk.ID)
		if err != nil {
			return err
		}
		t.FirstResponseDue = t.CreatedAt.Add(-5 * time.Minute)
		t.ResolutionDue = t.CreatedAt.Add(500 * time.Minute)
		return tx.UpdateTicket(h.ctx, t)
	})
	if err != nil {
		t.Fatal(err)
	}
	body := h.get("anna", "/panel/queue", http.StatusOK)
	inOrder(t, body, `class="ticket-row breached"`, tk.Number, `class="sla overdue"`, "overdue 5m")
}
