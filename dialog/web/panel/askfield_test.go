package panel_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// routerIntent escalates after asking for the router's serial number.
const routerIntent = `intents:
  - id: router_broken
    title: {ru: "Роутер сломался", en: "Broken router"}
    escalate: true
    examples:
      ru: ["роутер сломался", "роутер не включается", "сгорел роутер"]
      en: ["my router is broken", "the router does not turn on", "router burned out"]
    collect:
      - {name: serial, ask: {ru: "Серийный номер роутера?", en: "Router serial number?"}, pattern: '^SN\d+$'}
`

// TestAskFieldForm checks the form that asks the customer for a field:
// it offers the fields of the ticket's intent with their question in the
// customer's language, sends the question as the agent's reply, says the
// answer is awaited, and the answer shows among the fields once it fits.
func TestAskFieldForm(t *testing.T) {
	h := newHarness(t)
	if err := os.WriteFile(filepath.Join(h.dir, "router.yaml"), []byte(routerIntent), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := h.reload(); err != nil {
		t.Fatal(err)
	}
	h.send("c", "Anna", "роутер сломался")
	tk := h.send("c", "Anna", "/human").Ticket
	if tk == nil || tk.Intent != "router_broken" {
		t.Fatalf("ticket %+v, want one of router_broken", tk)
	}
	path := "/panel/tickets/" + tk.Number

	page := h.get("anna", path, http.StatusOK)
	inOrder(t, page, `id="ask-field"`, `action="`+path+`/ask-field"`,
		`id="ask-field-name"`, `value="serial"`,
		`<option value="serial" data-ask="Серийный номер роутера?">`,
		`id="ask-field-question"`, `value="Серийный номер роутера?"`, "Why a person is needed")
	if page := h.get("nina", path, http.StatusOK); strings.Contains(page, `id="ask-field"`) {
		t.Error("an analyst is offered the form")
	}
	h.post("nina", path+"/ask-field", url.Values{"version": {h.version("anna", tk.Number)}, "field": {"serial"}, "question": {"?"}}, http.StatusForbidden)

	// An empty question is refused, and what the agent typed is kept.
	w := h.post("anna", path+"/ask-field", url.Values{"version": {h.version("anna", tk.Number)}, "field": {"warranty"}, "question": {" "}},
		http.StatusBadRequest)
	inOrder(t, w.Body.String(), `id="action-error"`, `id="ask-field" open`, `value="warranty"`)

	h.post("anna", path+"/ask-field", url.Values{"version": {h.version("anna", tk.Number)},
		"field": {"serial"}, "question": {"Серийный номер роутера? Он на наклейке снизу."}}, http.StatusSeeOther)
	msgs := h.messages(tk.Number)
	if last := msgs[len(msgs)-1]; last.Author != dialog.AuthorAgent || last.AuthorName != "anna" || last.Text != "Серийный номер роутера? Он на наклейке снизу." {
		t.Errorf("last message %s %q %q, want anna's question", last.Author, last.AuthorName, last.Text)
	}
	inOrder(t, h.get("anna", path, http.StatusOK), `id="field-waiting"`, "Waiting for the customer&#39;s answer: serial")

	out := h.send("c", "Anna", "не знаю")
	if len(out.Replies) != 1 || !strings.HasSuffix(out.Replies[0].Text, "Серийный номер роутера? Он на наклейке снизу.") {
		t.Errorf("replies %v, want the question again", out.Replies)
	}
	h.send("c", "Anna", "SN123456")
	if want := []dialog.Field{{Name: "serial", Value: "SN123456"}}; !reflect.DeepEqual(h.ticket(tk.Number).Fields, want) {
		t.Errorf("fields %q, want %q", h.ticket(tk.Number).Fields, want)
	}
	page = h.get("anna", path, http.StatusOK)
	// Labelled by the question, in the panel's language.
	inOrder(t, page, `id="fields"`, `<dt title="serial">Router serial number</dt><dd>SN123456</dd>`)
	if strings.Contains(page, `id="field-waiting"`) {
		t.Error("the page still waits for the answer given")
	}
}
