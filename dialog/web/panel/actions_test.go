package panel_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

var cannedPattern = regexp.MustCompile(`data-shortcut="hello" data-text="([^"]*)"`)

func TestActions(t *testing.T) {
	h := newHarness(t)
	tk := h.escalate("c1", "Anna Petrova")
	path := "/panel/tickets/" + tk.Number
	back := func(w interface{ Header() http.Header }) {
		t.Helper()
		if got := w.Header().Get("Location"); got != path {
			t.Errorf("redirect to %q, want %q", got, path)
		}
	}

	// Take.
	back(h.post("anna", path+"/take", url.Values{"version": {h.version("anna", tk.Number)}}, http.StatusSeeOther))
	if got := h.ticket(tk.Number); got.Status != dialog.TicketAssigned || got.Assignee != "anna" {
		t.Fatalf("after take: %s by %q", got.Status, got.Assignee)
	}
	body := h.get("anna", path, http.StatusOK)
	if strings.Contains(body, path+`/take"`) {
		t.Error("the page still offers take to the agent who has the ticket")
	}

	// Reply with the canned text the page offers.
	m := cannedPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no canned reply on the page")
	}
	canned := html.UnescapeString(m[1])
	back(h.post("anna", path+"/reply", url.Values{"version": {h.version("anna", tk.Number)}, "text": {canned}}, http.StatusSeeOther))
	msgs := h.messages(tk.Number)
	if last := msgs[len(msgs)-1]; last.Author != dialog.AuthorAgent || last.AuthorName != "anna" || last.Text != canned {
		t.Fatalf("after reply: last message %s/%s %q", last.Author, last.AuthorName, last.Text)
	}
	if !strings.Contains(canned, "Anna") || !strings.Contains(canned, tk.Number) {
		t.Errorf("canned reply %q is not filled in", canned)
	}
	if h.ticket(tk.Number).FirstResponseAt.IsZero() {
		t.Error("the reply did not count as the first response")
	}

	// Note.
	back(h.post("anna", path+"/note", url.Values{"version": {h.version("anna", tk.Number)}, "text": {"checked the line"}}, http.StatusSeeOther))
	msgs = h.messages(tk.Number)
	if last := msgs[len(msgs)-1]; last.Author != dialog.AuthorNote || last.Text != "checked the line" {
		t.Fatalf("after note: last message %s %q", last.Author, last.Text)
	}
	inOrder(t, h.get("anna", path, http.StatusOK), `class="msg note"`, "checked the line")

	// Transfer.
	form := url.Values{"version": {h.version("anna", tk.Number)}, "queue": {"second_line"}, "note": {"needs an engineer"}}
	back(h.post("anna", path+"/transfer", form, http.StatusSeeOther))
	if got := h.ticket(tk.Number); got.Queue != "second_line" || got.Status != dialog.TicketQueued || got.Assignee != "" {
		t.Fatalf("after transfer: queue %s, %s by %q", got.Queue, got.Status, got.Assignee)
	}

	// Close, by another agent.
	back(h.post("boris", path+"/close", url.Values{"version": {h.version("boris", tk.Number)}}, http.StatusSeeOther))
	if got := h.ticket(tk.Number); got.Status != dialog.TicketClosed {
		t.Fatalf("after close: %s", got.Status)
	}
}

func TestActionErrors(t *testing.T) {
	h := newHarness(t)
	open := h.escalate("c1", "Anna Petrova")
	taken := h.escalate("c2", "Bob Jones")
	if _, err := h.engine.Take(h.ctx, dialog.TicketAction{Number: taken.Number, Agent: "boris"}); err != nil {
		t.Fatal(err)
	}
	closed := h.escalate("c3", "Carol White")
	if _, err := h.engine.Close(h.ctx, dialog.TicketAction{Number: closed.Number, Agent: "boris"}); err != nil {
		t.Fatal(err)
	}
	stale := formatVersion(open.Version + 1) // a version the ticket does not have

	for _, c := range []struct {
		name     string
		number   string
		action   string
		form     url.Values // version filled in from the page unless set
		want     int
		wantText string
	}{
		{"unknown ticket", "FL-999999", "reply", url.Values{"version": {stale}, "text": {"hi"}}, http.StatusNotFound, "There is no ticket FL-999999."},
		{"reply to a closed ticket", closed.Number, "reply", url.Values{"text": {"hello again"}}, http.StatusConflict, "is closed"},
		{"close a closed ticket", closed.Number, "close", url.Values{}, http.StatusConflict, "is closed"},
		{"empty reply", open.Number, "reply", url.Values{"text": {"  \n "}}, http.StatusBadRequest, "reply is empty"},
		{"empty note", open.Number, "note", url.Values{"text": {""}}, http.StatusBadRequest, "note is empty"},
		{"over-long reply", open.Number, "reply", url.Values{"text": {strings.Repeat("я", dialog.MaxTextLength+1)}}, http.StatusRequestEntityTooLarge, "longer than 4096"},
		{"stale version", open.Number, "reply", url.Values{"version": {stale}, "text": {"my typed reply"}}, http.StatusConflict, "changed since you opened it"},
		{"no version", open.Number, "take", url.Values{"version": {""}}, http.StatusBadRequest, "no ticket version"},
		{"bad version", open.Number, "take", url.Values{"version": {"yesterday"}}, http.StatusBadRequest, "no ticket version"},
		{"taken by another", taken.Number, "take", url.Values{}, http.StatusConflict, "already taken by boris"},
		{"reply to another's ticket", taken.Number, "reply", url.Values{"text": {"mine now"}}, http.StatusConflict, "already taken by boris"},
		{"transfer to an unknown queue", open.Number, "transfer", url.Values{"queue": {"nowhere"}}, http.StatusBadRequest, "unknown queue"},
		{"transfer to its own queue", open.Number, "transfer", url.Values{"queue": {"first_line"}, "note": {"typed note"}}, http.StatusConflict, "already in queue"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, ok := c.form["version"]; !ok {
				c.form.Set("version", h.version("anna", c.number))
			}
			var before *dialog.Ticket
			var count int
			if c.number != "FL-999999" {
				before = h.ticket(c.number)
				count = len(h.messages(c.number))
			}
			w := h.post("anna", "/panel/tickets/"+c.number+"/"+c.action, c.form, c.want)
			body := w.Body.String()
			if !strings.Contains(body, c.wantText) {
				t.Errorf("page lacks %q", c.wantText)
			}
			if before == nil {
				return
			}
			if !strings.Contains(body, `role="alert"`) {
				t.Error("the error is not shown prominently")
			}
			// What the agent typed is still there.
			for _, field := range []string{"text", "note"} {
				if typed := c.form.Get(field); strings.TrimSpace(typed) != "" && len(typed) < 100 && !strings.Contains(body, html.EscapeString(typed)) {
					t.Errorf("the typed %s %q is lost", field, typed)
				}
			}
			after := h.ticket(c.number)
			if !after.UpdatedAt.Equal(before.UpdatedAt) || after.Status != before.Status || after.Assignee != before.Assignee || after.Queue != before.Queue {
				t.Errorf("the ticket changed: %+v → %+v", before, after)
			}
			if n := len(h.messages(c.number)); n != count {
				t.Errorf("%d messages, want %d", n, count)
			}
		})
	}
}

// formatVersion renders a version as the panel's forms do.
func formatVersion(v int64) string {
	return strconv.FormatInt(v, 10)
}
