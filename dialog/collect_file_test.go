package dialog_test

import (
	"reflect"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestCollectFile checks that a file without words, during the questions
// or while an agent waits for a field, is no answer and no wrong answer:
// the question is asked again as it was, and the field still waits.
func TestCollectFile(t *testing.T) {
	h := newCollectHarness(t)
	photo := []byte("\xff\xd8\xff\xe0 a jpeg")
	sendPhoto := func(id string) *dialog.Outcome {
		t.Helper()
		out, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: id, Text: " ",
			Attachments: []*dialog.Attachment{{Kind: dialog.AttachmentPhoto, MIME: "image/jpeg", Size: int64(len(photo)), Data: photo}}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	h.send("c", "не работает интернет")
	expectQuestion(t, sendPhoto("p1"), "Номер договора?", "Соедините с оператором")
	expectQuestion(t, sendPhoto("p2"), "Номер договора?", "Соедините с оператором")
	// Two files, and still two wrong answers to go.
	expectQuestion(t, h.send("c", "не помню"), "Похоже, это не тот ответ. Попробуйте ещё раз.\n\nНомер договора?", "Соедините с оператором")
	number := h.send("c", "/human").Ticket.Number

	if _, err := h.engine.AskField(h.ctx, act(number, "anna"), "contract", "Номер договора?"); err != nil {
		t.Fatal(err)
	}
	if out := sendPhoto("p3"); len(out.Replies) != 0 {
		t.Errorf("replies %q to a file while a field waits, want none", texts(out.Replies))
	}
	h.send("c", "1234567")
	if want := []dialog.Field{{Name: "contract", Value: "1234567"}}; !reflect.DeepEqual(h.ticket(number).Fields, want) {
		t.Errorf("fields %q, want %q", h.ticket(number).Fields, want)
	}
}
