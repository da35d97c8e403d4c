package panel_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// stores opens an empty store of each kind, for tests that run on both.
var stores = map[string]func(t *testing.T) dialog.Store{
	"SQLite": func(t *testing.T) dialog.Store { return dialogtest.Store(t, nil) },
	"PostgreSQL": func(t *testing.T) dialog.Store {
		db, err := postgres.Open(t.Context(), pgtest.Database(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	},
}

// TestTextWithNUL sends a NUL character (U+0000) in everything an agent
// or someone logging in types, on both stores: each is refused with 400
// and a message saying why, and nothing changes.
func TestTextWithNUL(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			h := newHarnessOn(t, open(t))
			tk := h.escalate("c1", "Анна")
			before, msgs := h.ticket(tk.Number), h.messages(tk.Number)
			version := h.version("anna", tk.Number)
			ticketPath := "/panel/tickets/" + tk.Number
			for _, c := range []struct {
				name   string
				method string
				path   string
				form   url.Values
				user   string
			}{
				{"ticket number", http.MethodGet, "/panel/tickets/%00", nil, "anna"},
				{"ticket number, transcript", http.MethodGet, "/panel/tickets/FL-%00/transcript", nil, "anna"},
				{"search", http.MethodGet, "/panel/queue?q=%00", nil, "anna"},
				{"search, the list alone", http.MethodGet, "/panel/queue/list?state=closed&q=a%00b", nil, "anna"},
				{"reply", http.MethodPost, ticketPath + "/reply", url.Values{"text": {"a\x00b"}, "version": {version}}, "anna"},
				{"note", http.MethodPost, ticketPath + "/note", url.Values{"text": {"a\x00b"}, "version": {version}}, "anna"},
				{"transfer note", http.MethodPost, ticketPath + "/transfer", url.Values{"queue": {"second_line"}, "note": {"a\x00b"}, "version": {version}}, "anna"},
				{"login name", http.MethodPost, "/panel/login", url.Values{"name": {"anna\x00"}, "password": {password}}, ""},
				{"new intent's file", http.MethodPost, "/panel/review/preview", url.Values{"kind": {"new_intent"}, "id": {"refund"},
					"title_ru": {"Возврат"}, "example_ru": {"верните деньги"}, "answer_ru": {"Вернём."}, "file": {"a\x00.yaml"}}, "root"},
			} {
				w := h.do(request{method: c.method, path: c.path, form: c.form, user: c.user})
				if w.Code != http.StatusBadRequest {
					t.Errorf("%s: status %d, want 400\n%s", c.name, w.Code, w.Body.String())
				} else if body := w.Body.String(); !strings.Contains(body, "NUL character") {
					t.Errorf("%s: the page does not say what is wrong:\n%s", c.name, body)
				}
			}
			if after := h.ticket(tk.Number); !reflect.DeepEqual(after, before) {
				t.Errorf("the ticket changed:\n got %+v\nwant %+v", after, before)
			}
			if after := h.messages(tk.Number); len(after) != len(msgs) {
				t.Errorf("%d messages, want %d", len(after), len(msgs))
			}
		})
	}
}
