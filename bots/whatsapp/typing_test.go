package whatsapp_test

import (
	"errors"
	"testing"

	"go.mau.fi/whatsmeow/types"

	"github.com/firstline-support/firstline/bots/whatsapp"
)

// TestTyping checks the presence an agent's typing sends: "composing" to
// the customer's JID, and nothing while disconnected or to a chat id that
// is not a JID. The fake client stands in for whatsmeow, whose
// SendChatPresence the real client calls as it is.
func TestTyping(t *testing.T) {
	h := newHarness(t)
	if err := h.channel.Typing(h.ctx, customer); err != nil {
		t.Fatal(err)
	}
	got := h.client.sentPresences()
	if len(got) != 1 || got[0].to != customer || got[0].text != string(types.ChatPresenceComposing) {
		t.Fatalf("presences %+v, want composing to %s", got, customer)
	}
	if err := h.channel.Typing(h.ctx, "web-6f1c"); err == nil {
		t.Error("typing to a chat id that is not a JID succeeded")
	}
	h.client.connected = false
	if err := h.channel.Typing(h.ctx, customer); !errors.Is(err, whatsapp.ErrNotConnected) {
		t.Errorf("typing while disconnected: %v, want ErrNotConnected", err)
	}
	if got := h.client.sentPresences(); len(got) != 1 {
		t.Errorf("presences %+v, want still one", got)
	}
}
