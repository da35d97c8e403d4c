package whatsapp_test

import (
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestClarifyQuestion checks that a question the bot is unsure of is met
// in WhatsApp with its options and a person as a numbered list, and that
// an option's number answers it and the person's hands the customer over.
func TestClarifyQuestion(t *testing.T) {
	for _, c := range []struct {
		name, reply, stored, answer string
		state                       dialog.State
	}{
		{"an option", "2", "Настройка телевидения", "Инструкция по настройке ТВ", dialog.StateBot},
		{"a person", "3.", "Позвать оператора", "номер обращения FL-", dialog.StateQueued},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.receive(textMessage("Q", customer, "как настроить"))
			h.deliver()
			want := "Уточните, пожалуйста, что вы имели в виду: «Настройка роутера» или «Настройка телевидения»?\n\n" +
				"1. Настройка роутера\n2. Настройка телевидения\n3. Позвать оператора"
			got := h.client.sentMessages()
			if len(got) != 1 || got[0].text != want {
				t.Fatalf("sent %q, want %q", got, want)
			}

			h.receive(textMessage("A", customer, c.reply))
			h.deliver()
			msgs := h.customerMessages(customer)
			if len(msgs) != 2 || msgs[1].Text != c.stored {
				t.Fatalf("stored %+v, want the reply stored as %q", msgs, c.stored)
			}
			got = h.client.sentMessages()
			if len(got) < 2 || !strings.Contains(got[1].text, c.answer) {
				t.Errorf("sent %q, want %q after the question", got, c.answer)
			}
			if conv := h.conversation(customer); conv.State != c.state {
				t.Errorf("state %s, want %s", conv.State, c.state)
			}
		})
	}
}
