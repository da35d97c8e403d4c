package whatsapp_test

import (
	"bytes"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/firstline-support/firstline/dialog"
)

const customer = "79991234567@s.whatsapp.net"

// TestTextAnswered follows a text from a customer to the engine's answers,
// queued in the outbox and sent with their buttons as numbered options.
func TestTextAnswered(t *testing.T) {
	h := newHarness(t)
	h.receive(textMessage("M1", customer, "как оплатить интернет"))
	if got := h.client.sentMessages(); len(got) != 0 {
		t.Fatalf("sent before the outbox was drained: %v", got)
	}
	h.deliver()

	want := []sent{
		{to: customer, text: "Оплатить можно картой в личном кабинете.\n\n1. Автоплатёж"},
		{to: customer, text: "Это помогло?\n\n1. Да\n2. Нет"},
	}
	got := h.client.sentMessages()
	if len(got) != len(want) {
		t.Fatalf("sent %d messages, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("message %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
	msgs := h.customerMessages(customer)
	if len(msgs) != 1 || msgs[0].ExternalID != "wa:M1" || msgs[0].Text != "как оплатить интернет" {
		t.Errorf("stored customer messages: %+v", msgs)
	}
	if conv := h.conversation(customer); conv.CustomerName != "Анна Петрова" {
		t.Errorf("customer name %q, want the push name", conv.CustomerName)
	}
}

// TestOptionReply checks that an answer with an option's number reaches
// the engine as that option's label, and only when the last message the
// customer got offered that option.
func TestOptionReply(t *testing.T) {
	tests := []struct {
		name   string
		reply  string
		stored string
		state  dialog.State
	}{
		{"second option", "2", "Нет", dialog.StateQueued}, // "did not help" escalates
		{"first option, with a dot", " 1. ", "Да", dialog.StateBot},
		{"no such option", "3", "3", dialog.StateBot},
		{"not a number", "2 раза", "2 раза", dialog.StateBot},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			chat := "7999000000" + string(rune('0'+i)) + "@s.whatsapp.net"
			h.receive(textMessage("Q", chat, "как оплатить интернет"))
			h.receive(textMessage("A", chat, tt.reply))
			msgs := h.customerMessages(chat)
			if len(msgs) != 2 || msgs[1].Text != tt.stored {
				t.Fatalf("stored %+v, want the answer stored as %q", msgs, tt.stored)
			}
			if conv := h.conversation(chat); conv.State != tt.state {
				t.Errorf("state %s, want %s", conv.State, tt.state)
			}
		})
	}
}

// TestOptionReplyAfterPlainMessage checks that a number is just a number
// when the last message the customer got offered no options, even if an
// earlier one did.
func TestOptionReplyAfterPlainMessage(t *testing.T) {
	h := newHarness(t)
	h.receive(textMessage("Q", customer, "как оплатить интернет")) // options: Да, Нет
	h.receive(textMessage("H", customer, "/human"))                // "passed to a specialist": no options
	h.receive(textMessage("A", customer, "1"))
	msgs := h.customerMessages(customer)
	if got := msgs[len(msgs)-1].Text; got != "1" {
		t.Errorf("stored %q, want the number as it is", got)
	}
}

// media builds a message with a file of the given kind.
func media(id, kind, path, caption string, size uint64) *events.Message {
	m := textMessage(id, customer, "")
	m.Message = &waE2E.Message{}
	switch kind {
	case "image":
		m.Message.ImageMessage = &waE2E.ImageMessage{
			DirectPath: proto.String(path), Mimetype: proto.String("image/jpeg"),
			Caption: proto.String(caption), FileLength: proto.Uint64(size),
		}
	case "document":
		m.Message.DocumentMessage = &waE2E.DocumentMessage{
			DirectPath: proto.String(path), Mimetype: proto.String("application/pdf"),
			FileName: proto.String("счёт.pdf"), Caption: proto.String(caption), FileLength: proto.Uint64(size),
		}
	case "voice":
		m.Message.AudioMessage = &waE2E.AudioMessage{
			DirectPath: proto.String(path), Mimetype: proto.String("audio/ogg; codecs=opus"),
			PTT: proto.Bool(true), FileLength: proto.Uint64(size),
		}
	}
	return m
}

// TestAttachments checks that images, documents and voice notes are stored
// as attachments of the customer's message, captions as its text, and
// that a file too large or lost is noted in the text instead.
func TestAttachments(t *testing.T) {
	photo := bytes.Repeat([]byte{0xFF, 0xD8}, 100)
	pdf := []byte("%PDF-1.4 test")
	voice := []byte("OggS voice")
	tests := []struct {
		name string
		msg  *events.Message
		text string // stored text
		want *dialog.Attachment
	}{
		{"image with caption", media("P", "image", "/photo", "не работает роутер", uint64(len(photo))),
			"не работает роутер", &dialog.Attachment{Kind: dialog.AttachmentPhoto, FileName: "photo.jpg", MIME: "image/jpeg", Data: photo}},
		{"document without caption", media("D", "document", "/pdf", "", uint64(len(pdf))),
			"", &dialog.Attachment{Kind: dialog.AttachmentDocument, FileName: "счёт.pdf", MIME: "application/pdf", Data: pdf}},
		{"voice note", media("V", "voice", "/voice", "", uint64(len(voice))),
			"", &dialog.Attachment{Kind: dialog.AttachmentVoice, FileName: "voice.ogg", MIME: "audio/ogg; codecs=opus", Data: voice}},
		{"too large", media("L", "document", "/pdf", "вот счёт", dialog.MaxAttachmentSize+1),
			"вот счёт\n[счёт.pdf not kept: 20.0 MB, over the 20.0 MB limit]", nil},
		{"download failed", media("F", "image", "/gone", "", 10),
			"[photo.jpg not kept: the download failed]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.client.files["/photo"] = photo
			h.client.files["/pdf"] = pdf
			h.client.files["/voice"] = voice
			h.receive(tt.msg)
			msgs := h.customerMessages(customer)
			if len(msgs) != 1 {
				t.Fatalf("stored %d customer messages, want 1", len(msgs))
			}
			if msgs[0].Text != tt.text {
				t.Errorf("text %q, want %q", msgs[0].Text, tt.text)
			}
			list, err := h.store.Attachments(h.ctx, []int64{msgs[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if len(list) != 0 {
					t.Errorf("stored %d attachments, want none", len(list))
				}
				return
			}
			if len(list) != 1 {
				t.Fatalf("stored %d attachments, want 1", len(list))
			}
			got, err := h.store.Attachment(h.ctx, list[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.want.Kind || got.FileName != tt.want.FileName || got.MIME != tt.want.MIME ||
				got.Size != int64(len(tt.want.Data)) || !bytes.Equal(got.Data, tt.want.Data) {
				t.Errorf("stored %s %q %s %d bytes, want %s %q %s %d bytes", got.Kind, got.FileName, got.MIME, got.Size,
					tt.want.Kind, tt.want.FileName, tt.want.MIME, len(tt.want.Data))
			}
		})
	}
}

// TestDuplicate checks that a message delivered twice is stored, answered
// and downloaded once.
func TestDuplicate(t *testing.T) {
	h := newHarness(t)
	h.client.files["/photo"] = []byte("jpeg")
	h.receive(media("P", "image", "/photo", "забыл пароль", 4))
	h.deliver()
	first := len(h.client.sentMessages())
	if first == 0 {
		t.Fatal("the first delivery was not answered")
	}
	h.receive(media("P", "image", "/photo", "забыл пароль", 4))
	h.deliver()
	if got := len(h.client.sentMessages()); got != first {
		t.Errorf("sent %d messages after the redelivery, want still %d", got, first)
	}
	if n := len(h.customerMessages(customer)); n != 1 {
		t.Errorf("stored %d customer messages, want 1", n)
	}
	if n := h.client.downloadCount(); n != 1 {
		t.Errorf("downloaded %d times, want once", n)
	}
}

// TestCustomerIdentity checks that a customer is one conversation, keyed
// by the phone-number JID, whether a message names them by phone number,
// by a @lid privacy id with the phone number beside it, or by a @lid whose
// phone number the client knows; and by the @lid when nothing tells the
// phone number.
func TestCustomerIdentity(t *testing.T) {
	h := newHarness(t)
	lid := jid("123456789012345@lid")
	h.client.phones[lid] = jid(customer)

	byPhone := textMessage("M1", customer, "забыл пароль")
	byPhoneDevice := textMessage("M2", "79991234567:12@s.whatsapp.net", "как оплатить интернет")
	// A privacy id the client has no phone number for: the message's own
	// alternate JID tells it.
	withAlt := textMessage("M3", "987654321098765:3@lid", "часы работы офиса")
	withAlt.Info.SenderAlt = jid("79991234567:3@s.whatsapp.net")
	withAlt.Info.AddressingMode = types.AddressingModeLID
	byKnownLID := textMessage("M4", lid.String(), "настроить роутер")
	for _, m := range []*events.Message{byPhone, byPhoneDevice, withAlt, byKnownLID} {
		h.receive(m)
	}
	var ids []string
	for _, m := range h.customerMessages(customer) {
		ids = append(ids, m.ExternalID)
	}
	if strings.Join(ids, ",") != "wa:M1,wa:M2,wa:M3,wa:M4" {
		t.Errorf("the phone number's conversation has %v, want all four messages", ids)
	}

	h.receive(textMessage("M5", "555000111222333@lid", "забыл пароль"))
	if conv := h.conversation("555000111222333@lid"); conv == nil {
		t.Error("a @lid without a known phone number has no conversation of its own")
	}
}

// TestIgnored checks that messages that are not a customer's question to
// the account start no conversation.
func TestIgnored(t *testing.T) {
	group := jid("120363025246125888@g.us")
	tests := []struct {
		name string
		edit func(m *events.Message)
	}{
		{"own message", func(m *events.Message) { m.Info.IsFromMe = true }},
		{"group", func(m *events.Message) { m.Info.Chat, m.Info.IsGroup = group, true }},
		{"status update", func(m *events.Message) { m.Info.Chat = types.StatusBroadcastJID }},
		{"broadcast list", func(m *events.Message) { m.Info.Chat = jid("1700000000@broadcast") }},
		{"newsletter", func(m *events.Message) {
			m.Info.Chat, m.Info.Sender = jid("120363000000000000@newsletter"), jid("120363000000000000@newsletter")
		}},
		{"edit", func(m *events.Message) { m.IsEdit = true }},
		{"reaction", func(m *events.Message) {
			m.Message = &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}}
		}},
		{"sticker", func(m *events.Message) {
			m.Message = &waE2E.Message{StickerMessage: &waE2E.StickerMessage{DirectPath: proto.String("/s")}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			m := textMessage("X", customer, "забыл пароль")
			tt.edit(m)
			h.receive(m)
			h.deliver()
			if conv := h.conversation(customer); conv != nil {
				t.Errorf("a conversation was started: %+v", conv)
			}
			if got := h.client.sentMessages(); len(got) != 0 {
				t.Errorf("sent %q", got)
			}
		})
	}
}

// TestLongText checks that a text longer than the engine keeps is
// shortened rather than dropped.
func TestLongText(t *testing.T) {
	h := newHarness(t)
	h.receive(textMessage("L", customer, strings.Repeat("я", dialog.MaxTextLength+10)))
	msgs := h.customerMessages(customer)
	if len(msgs) != 1 {
		t.Fatalf("stored %d messages, want 1", len(msgs))
	}
	if n := len([]rune(msgs[0].Text)); n != dialog.MaxTextLength || !strings.HasSuffix(msgs[0].Text, "…") {
		t.Errorf("stored %d characters ending %q, want %d ending with …", n, msgs[0].Text[len(msgs[0].Text)-6:], dialog.MaxTextLength)
	}
}
