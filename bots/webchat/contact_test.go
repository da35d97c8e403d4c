package webchat_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
)

// TestContact keeps the details a customer gives on the conversation,
// cleaned, and gives the name to the ticket opened before.
func TestContact(t *testing.T) {
	c := newChat(t, webchat.Options{Contact: webchat.DefaultContactForm()})
	w := c.do(http.MethodPost, "/api/v1/webchat/messages", strings.NewReader(`{"session":"s1","message_id":"1","text":"/human"}`))
	if w.Code != http.StatusOK {
		t.Fatalf("/human: %d %s", w.Code, w.Body)
	}
	conv := c.conversation("s1")
	ticket, err := c.engine.Store().Ticket(t.Context(), conv.TicketID)
	if err != nil || ticket.CustomerName != "" {
		t.Fatalf("ticket before: %+v, %v", ticket, err)
	}

	w = c.do(http.MethodPut, "/api/v1/webchat/contact", strings.NewReader(
		`{"session":"s1","name":"  Анна Петрова ","email":"anna@example.com","phone":"+7 (900) 123-45-67"}`))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"phone":"+79001234567"`) {
		t.Fatalf("PUT contact: %d %s", w.Code, w.Body)
	}
	conv = c.conversation("s1")
	if got := conv.Contact(); got != (dialog.Contact{Name: "Анна Петрова", Email: "anna@example.com", Phone: "+79001234567"}) {
		t.Errorf("stored contact %+v", got)
	}
	if ticket, err = c.engine.Store().Ticket(t.Context(), conv.TicketID); err != nil || ticket.CustomerName != "Анна Петрова" {
		t.Errorf("ticket's customer after: %q, %v", ticket.CustomerName, err)
	}

	// A later form with only a phone keeps the rest.
	w = c.do(http.MethodPost, "/api/v1/webchat/contact", strings.NewReader(`{"session":"s1","phone":"8 900 765 43 21"}`))
	if w.Code != http.StatusOK {
		t.Fatalf("POST contact: %d %s", w.Code, w.Body)
	}
	if got := c.conversation("s1").Contact(); got != (dialog.Contact{Name: "Анна Петрова", Email: "anna@example.com", Phone: "89007654321"}) {
		t.Errorf("stored contact after a phone alone %+v", got)
	}
}

// TestContactBeforeChat takes details before the first message: they
// start the conversation, and the ticket it later becomes is named by
// them (the e-mail, as there is no name).
func TestContactBeforeChat(t *testing.T) {
	form := webchat.ContactForm{Ask: webchat.AskBeforeChat, Fields: []string{webchat.FieldEmail}, Required: []string{webchat.FieldEmail}}
	c := newChat(t, webchat.Options{Contact: form, Uploads: webchat.DefaultUploads()})
	// The page locks its input until the form is sent; the API holds
	// other clients to it too: a message or a file first is refused, and
	// nothing is stored.
	w := c.do(http.MethodPost, "/api/v1/webchat/messages", strings.NewReader(`{"session":"s2","message_id":"0","text":"hello"}`))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "email") {
		t.Fatalf("a message before the contact: %d %s, want 400 naming email", w.Code, w.Body)
	}
	w = c.do(http.MethodPost, "/api/v1/webchat/files?session=s2&message_id=f0&file_name=a.txt", strings.NewReader("hello"))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "email") {
		t.Fatalf("a file before the contact: %d %s, want 400 naming email", w.Code, w.Body)
	}
	if _, err := c.engine.Store().ConversationByChat(t.Context(), webchat.ChannelName, "s2"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Fatalf("a refused message left a conversation: %v", err)
	}
	if w := c.do(http.MethodPut, "/api/v1/webchat/contact", strings.NewReader(`{"session":"s2","email":"b@example.org"}`)); w.Code != http.StatusOK {
		t.Fatalf("PUT contact: %d %s", w.Code, w.Body)
	}
	w = c.do(http.MethodPost, "/api/v1/webchat/messages", strings.NewReader(`{"session":"s2","message_id":"1","text":"/human"}`))
	if w.Code != http.StatusOK {
		t.Fatalf("/human: %d %s", w.Code, w.Body)
	}
	conv := c.conversation("s2")
	ticket, err := c.engine.Store().Ticket(t.Context(), conv.TicketID)
	if err != nil || ticket.CustomerName != "b@example.org" {
		t.Errorf("ticket's customer %q, %v", ticket.CustomerName, err)
	}
}

// TestContactInvalid refuses bad details with 400 naming the field, and
// changes nothing.
func TestContactInvalid(t *testing.T) {
	form := webchat.ContactForm{Ask: webchat.AskOnEscalation, Fields: []string{webchat.FieldName, webchat.FieldEmail, webchat.FieldPhone}, Required: []string{webchat.FieldName}}
	c := newChat(t, webchat.Options{Contact: form})
	tests := []struct{ body, field string }{
		{`{"session":"s1","email":"a@example.com"}`, "name: required"},
		{`{"session":"s1","name":"   "}`, "name: required"},
		{`{"session":"s1","name":"A\u0007B"}`, "name"},
		{`{"session":"s1","name":"A\u202eB"}`, "name"},
		{`{"session":"s1","name":"` + strings.Repeat("я", 201) + `"}`, "name"},
		{`{"session":"s1","name":"Ann","email":"not-an-address"}`, "email"},
		{`{"session":"s1","name":"Ann","email":"Ann <a@example.com>"}`, "email"},
		{`{"session":"s1","name":"Ann","email":"a@localhost"}`, "email"},
		{`{"session":"s1","name":"Ann","email":"a@@example.com"}`, "email"},
		{`{"session":"s1","name":"Ann","phone":"12345"}`, "phone"},
		{`{"session":"s1","name":"Ann","phone":"+1234567890123456"}`, "phone"},
		{`{"session":"s1","name":"Ann","phone":"call me"}`, "phone"},
		{`{"session":"s1","name":"Ann","phone":"7+9001234567"}`, "phone"},
		{`{"session":"s1","name":"Ann","fax":"1"}`, "fax"},
		{`{"session":"bad session","name":"Ann"}`, "session"},
		{`{"name":"Ann"}`, "session"},
	}
	for _, tt := range tests {
		w := c.do(http.MethodPut, "/api/v1/webchat/contact", strings.NewReader(tt.body))
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tt.field) {
			t.Errorf("%s: %d %s, want 400 naming %s", tt.body, w.Code, w.Body, tt.field)
		}
	}
	if conv := c.conversation("s1"); conv != nil {
		t.Errorf("refused details started conversation %d", conv.ID)
	}

	// A field the form does not ask for.
	c = newChat(t, webchat.Options{Contact: webchat.ContactForm{Ask: webchat.AskOnEscalation, Fields: []string{webchat.FieldEmail}}})
	if w := c.do(http.MethodPut, "/api/v1/webchat/contact", strings.NewReader(`{"session":"s1","phone":"+79001234567"}`)); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "phone") {
		t.Errorf("a phone the form does not ask for: %d %s", w.Code, w.Body)
	}
	if w := c.do(http.MethodPut, "/api/v1/webchat/contact", strings.NewReader(`{"session":"s1"}`)); w.Code != http.StatusBadRequest {
		t.Errorf("an empty form: %d %s", w.Code, w.Body)
	}
}

// TestContactNever answers 404 when the chat asks for no details.
func TestContactNever(t *testing.T) {
	c := newChat(t, webchat.Options{Contact: webchat.ContactForm{Ask: webchat.AskNever}})
	if w := c.do(http.MethodPut, "/api/v1/webchat/contact", strings.NewReader(`{"session":"s1","name":"Ann"}`)); w.Code != http.StatusNotFound {
		t.Errorf("contact with ask never: %d, want 404", w.Code)
	}
}

// TestContactFormCheck refuses forms the chat cannot show.
func TestContactFormCheck(t *testing.T) {
	if err := webchat.DefaultContactForm().Check(); err != nil {
		t.Errorf("the default form: %v", err)
	}
	for _, f := range []webchat.ContactForm{
		{Ask: "always", Fields: []string{"name"}},
		{Ask: webchat.AskBeforeChat},
		{Ask: webchat.AskBeforeChat, Fields: []string{"name", "fax"}},
		{Ask: webchat.AskBeforeChat, Fields: []string{"name", "name"}},
		{Ask: webchat.AskBeforeChat, Fields: []string{"name"}, Required: []string{"email"}},
	} {
		if err := f.Check(); err == nil {
			t.Errorf("%+v passes", f)
		}
	}
}
