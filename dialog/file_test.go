package dialog_test

import (
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestFileWithoutWords answers a file sent alone by saying the bot cannot
// read it and offering a person, who then gets the ticket with the file;
// a question in words after it is answered as usual.
func TestFileWithoutWords(t *testing.T) {
	h := newHarness(t)
	photo := []byte("\xff\xd8\xff\xe0 a jpeg")
	sendPhoto := func(chat, id string) *dialog.Outcome {
		t.Helper()
		out, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: "test", ChatID: chat, ExternalID: id, Text: " ",
			Attachments: []*dialog.Attachment{{Kind: dialog.AttachmentPhoto, MIME: "image/jpeg", Size: int64(len(photo)), Data: photo}}})
		if err != nil {
			t.Fatalf("a photo without text: %v", err)
		}
		return out
	}

	out := sendPhoto("a", "p1")
	h.expect(out, dialog.StateBot, "Файл получил")
	if len(out.Replies) != 1 || len(out.Replies[0].Buttons) != 1 {
		t.Fatalf("replies to a lone file: %+v, want one with a button for a person", out.Replies)
	}
	if strings.Contains(out.Replies[0].Text, "Переформулируйте") {
		t.Errorf("a lone file was asked to be rephrased: %q", out.Replies[0].Text)
	}
	out = h.send("a", out.Replies[0].Buttons[0])
	if out.Ticket == nil || out.Conversation.State != dialog.StateQueued {
		t.Fatalf("the person's button after a file: state %s, ticket %v", out.Conversation.State, out.Ticket)
	}
	msgs, err := h.store.Messages(h.ctx, dialog.MessageFilter{ConversationID: out.Conversation.ID})
	if err != nil {
		t.Fatal(err)
	}
	var files int
	for _, m := range msgs {
		atts, err := h.store.Attachments(h.ctx, []int64{m.ID})
		if err != nil {
			t.Fatal(err)
		}
		files += len(atts)
	}
	if files != 1 {
		t.Errorf("the ticket's transcript has %d files, want the customer's one", files)
	}

	// Words after the file are answered.
	sendPhoto("b", "p2")
	out = h.send("b", "Я забыл свой пароль, помогите")
	h.expect(out, dialog.StateBot, "чтобы сбросить пароль")
	if out.Ticket != nil {
		t.Errorf("a question after a file became ticket %s", out.Ticket.Number)
	}
}
