package dialog_test

import (
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// claimAll returns every outbox item of a channel that is due, chat by chat.
func (h *harness) claimAll(channel string) []*dialog.OutboxItem {
	h.t.Helper()
	var items []*dialog.OutboxItem
	err := h.store.Update(h.ctx, func(tx dialog.Tx) error {
		var err error
		items, err = tx.ClaimOutbox(h.ctx, channel, time.Now().Add(time.Minute), time.Minute, 100)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return items
}

func TestPushChannelsQueueEveryOutboundMessage(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.PushChannels = []string{"test"} })
	out := h.send("c", "забыл пароль") // answer + "did this help?"
	items := h.claimAll("test")
	if len(items) != 1 || items[0].MessageID != out.Replies[0].ID || items[0].ChatID != "c" || items[0].Text != out.Replies[0].Text {
		t.Fatalf("claimed %+v; want the head of the chat's queue: the answer", items)
	}
	backlog, _ := h.store.OutboxBacklog(h.ctx)
	if backlog["test"] != len(out.Replies) {
		t.Errorf("backlog %v, want %d (one per reply)", backlog, len(out.Replies))
	}

	ticket := h.send("d", "/human").Ticket
	before, _ := h.store.OutboxBacklog(h.ctx)
	if _, err := h.engine.Note(h.ctx, act(ticket.Number, "Olga"), "internal"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Reply(h.ctx, act(ticket.Number, "Olga"), "Здравствуйте!"); err != nil {
		t.Fatal(err)
	}
	after, _ := h.store.OutboxBacklog(h.ctx)
	// Reply took the ticket first: "agent joined" and the reply go out; the note does not.
	if after["test"]-before["test"] != 2 {
		t.Errorf("queued %d for a note and a reply, want 2 (agent joined, reply)", after["test"]-before["test"])
	}
}

func TestPullChannelsQueueNothing(t *testing.T) {
	h := newHarness(t, func(c *dialog.Config) { c.PushChannels = []string{"telegram"} })
	h.send("c", "забыл пароль") // channel "test" is not a push channel
	if backlog, _ := h.store.OutboxBacklog(h.ctx); len(backlog) != 0 {
		t.Errorf("backlog %v for a channel customers poll", backlog)
	}
}

func TestInboundAttachments(t *testing.T) {
	h := newHarness(t)
	photo := []byte("\xff\xd8\xff\xe0 a jpeg")
	out, err := h.engine.Handle(h.ctx, dialog.Inbound{Channel: "test", ChatID: "c", ExternalID: "p1",
		Attachments: []*dialog.Attachment{{Kind: dialog.AttachmentPhoto, MIME: "image/jpeg", Size: int64(len(photo)), Data: photo}}})
	if err != nil {
		t.Fatalf("a photo without text: %v", err)
	}
	atts, err := h.store.Attachments(h.ctx, []int64{out.Message.ID})
	if err != nil || len(atts) != 1 || atts[0].Kind != dialog.AttachmentPhoto || atts[0].Size != int64(len(photo)) {
		t.Fatalf("attachments = %+v, %v", atts, err)
	}
	full, err := h.store.Attachment(h.ctx, atts[0].ID)
	if err != nil || string(full.Data) != string(photo) {
		t.Errorf("attachment data = %q, %v", full.Data, err)
	}
	// The bot cannot read pictures: it asks for words, as for any message it did not understand.
	if out.Conversation.Pending != dialog.PendingRephrase {
		t.Errorf("pending = %q after a photo", out.Conversation.Pending)
	}
}
