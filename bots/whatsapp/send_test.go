package whatsapp_test

import (
	"errors"
	"testing"
	"time"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog"
)

// TestSend checks how outbox items go out, and how failures are told to
// the dispatcher.
func TestSend(t *testing.T) {
	tests := []struct {
		name      string
		item      dialog.OutboxItem
		down      bool  // not connected
		sendErr   error // the client fails to send
		wantText  string
		wantParts int
		wantErr   string // "", "temporary" or "permanent"
	}{
		{"plain", dialog.OutboxItem{ChatID: customer, Text: "Офис работает с 9 до 18."},
			false, nil, "Офис работает с 9 до 18.", 1, ""},
		{"buttons", dialog.OutboxItem{ChatID: customer, Text: "Вы имели в виду?", Buttons: []string{"Оплата", "Сброс пароля", "Ни то, ни другое"}},
			false, nil, "Вы имели в виду?\n\n1. Оплата\n2. Сброс пароля\n3. Ни то, ни другое", 1, ""},
		{"rating", dialog.OutboxItem{ChatID: customer, Text: "Оцените, пожалуйста:", Buttons: []string{"1", "2", "3", "4", "5"}},
			false, nil, "Оцените, пожалуйста:\n\n1 · 2 · 3 · 4 · 5", 1, ""},
		{"sent before", dialog.OutboxItem{ChatID: customer, Text: "x", PartsSent: 1},
			false, nil, "", 1, ""},
		{"not a jid", dialog.OutboxItem{ChatID: "web-6f1c", Text: "x"},
			false, nil, "", 0, "permanent"},
		{"not connected", dialog.OutboxItem{ChatID: customer, Text: "x"},
			true, nil, "", 0, "temporary"},
		{"send failed", dialog.OutboxItem{ChatID: customer, Text: "x"},
			false, errors.New("server returned error 500"), "", 0, "temporary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.client.connected = !tt.down
			h.client.sendErr = tt.sendErr
			parts, err := h.channel.Send(h.ctx, &tt.item)
			if parts != tt.wantParts {
				t.Errorf("parts %d, want %d", parts, tt.wantParts)
			}
			var permanent *bots.PermanentError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.wantErr == "permanent" && !errors.As(err, &permanent):
				t.Errorf("error %v, want a permanent one", err)
			case tt.wantErr == "temporary" && (err == nil || errors.As(err, &permanent) || errors.Is(err, bots.ErrBlocked)):
				t.Errorf("error %v, want a temporary one", err)
			}
			var retry *bots.RetryAfterError
			if tt.down && (!errors.Is(err, whatsapp.ErrNotConnected) || !errors.As(err, &retry) || retry.After > 10*time.Second) {
				t.Errorf("error %v, want ErrNotConnected with a short retry", err)
			}
			got := h.client.sentMessages()
			if tt.wantText == "" {
				if len(got) != 0 {
					t.Errorf("sent %q", got)
				}
				return
			}
			if len(got) != 1 || got[0].text != tt.wantText || got[0].to != customer {
				t.Errorf("sent %q, want %q to %s", got, tt.wantText, customer)
			}
		})
	}
}
