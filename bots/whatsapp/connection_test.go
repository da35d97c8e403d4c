package whatsapp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types/events"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/whatsapp"
)

// TestRunReconnects follows a connection through failed first attempts, a
// loss of the network with answers waiting to go out, its return, and a
// logout from the phone.
func TestRunReconnects(t *testing.T) {
	h := newHarness(t)
	h.client.connected = false
	h.client.connectErrs = []error{errors.New("network is unreachable"), errors.New("network is unreachable")}
	ctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.channel.Run(ctx) }()

	<-h.client.up
	h.wantState(whatsapp.StateConnected)
	if n := h.client.connects; n != 3 {
		t.Errorf("connected on attempt %d, want the third", n)
	}

	// A question arrives; the network goes before the answers go out.
	if !h.client.emit(textMessage("M1", customer, "как оплатить интернет")) {
		t.Fatal("the message was not handled")
	}
	h.client.drop()
	h.wantState(whatsapp.StateConnecting)
	h.deliver()
	if got := h.client.sentMessages(); len(got) != 0 {
		t.Fatalf("sent while disconnected: %q", got)
	}
	if n := h.backlog(); n != 2 {
		t.Errorf("%d answers wait in the outbox, want 2", n)
	}

	// The connection comes back; the dispatcher retries after its back-off.
	h.client.restore()
	h.wantState(whatsapp.StateConnected)
	h.clock.Add(time.Hour)
	h.deliver()
	if got := h.client.sentMessages(); len(got) != 2 {
		t.Errorf("sent %q after reconnecting, want both answers", got)
	}
	if n := h.backlog(); n != 0 {
		t.Errorf("%d answers still wait in the outbox", n)
	}

	h.client.emit(&events.LoggedOut{Reason: events.ConnectFailureLoggedOut})
	h.wantState(whatsapp.StateLoggedOut)
	h.client.emit(&events.StreamReplaced{})
	h.wantState(whatsapp.StateDisconnected)

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v", err)
	}
	if h.client.disconnects == 0 {
		t.Error("Run did not disconnect when it stopped")
	}
	if h.client.handler != nil {
		t.Error("Run left its event handler behind")
	}
}

// TestRunNotPaired checks that without a paired device Run does not
// connect.
func TestRunNotPaired(t *testing.T) {
	h := newHarness(t)
	h.client.paired, h.client.connected = false, false
	ctx, cancel := context.WithCancel(h.ctx)
	cancel()
	if err := h.channel.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if h.client.connects != 0 {
		t.Errorf("connected %d times without a paired device", h.client.connects)
	}
	h.wantState(whatsapp.StateNotPaired)
	if _, jid := h.channel.Status(); jid != "" {
		t.Errorf("status names the account %q while not paired", jid)
	}
}

// TestHandlerRefusesWhenStoreFails checks that a message the engine could
// not store is reported as not handled, so that WhatsApp delivers it
// again.
func TestHandlerRefusesWhenStoreFails(t *testing.T) {
	h := newHarness(t)
	h.store.Close()
	if err := h.channel.HandleEvent(h.ctx, textMessage("M1", customer, "забыл пароль")); err == nil {
		t.Error("no error with the store closed")
	}
}

func (h *harness) wantState(want string) {
	h.t.Helper()
	if state, _ := h.channel.Status(); state != want {
		h.t.Errorf("state %q, want %q", state, want)
	}
}

// backlog counts the channel's pending outbox items.
func (h *harness) backlog() int {
	h.t.Helper()
	counts, err := h.store.OutboxBacklog(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return counts[whatsapp.Name]
}

// TestLead checks that one replica at a time runs the channel and sends:
// the linked device has one connection, and messages go out through it.
func TestLead(t *testing.T) {
	h := newHarness(t)
	if got := bots.LeadOf(h.channel); got != bots.LeadRunAndSend {
		t.Errorf("lead %d, want LeadRunAndSend", got)
	}
}
