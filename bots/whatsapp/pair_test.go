package whatsapp_test

import (
	"slices"
	"testing"

	"go.mau.fi/whatsmeow"

	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog"
)

// TestPair runs the pairing flows against scripted outcomes.
func TestPair(t *testing.T) {
	code := func(c string) whatsmeow.QRChannelItem {
		return whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: c}
	}
	tests := []struct {
		name      string
		phone     string
		items     []whatsmeow.QRChannelItem
		wantCodes []string
		wantErr   bool
	}{
		{"qr", "", []whatsmeow.QRChannelItem{code("2@qr1"), code("2@qr2"), whatsmeow.QRChannelSuccess},
			[]string{"2@qr1", "2@qr2"}, false},
		{"phone", "+7 999 123-45-67", []whatsmeow.QRChannelItem{code("2@qr1"), code("2@qr2"), whatsmeow.QRChannelSuccess},
			[]string{"ABCD-EFGH"}, false},
		{"nobody scanned", "", []whatsmeow.QRChannelItem{code("2@qr1"), whatsmeow.QRChannelTimeout},
			[]string{"2@qr1"}, true},
		{"pairing failed", "", []whatsmeow.QRChannelItem{{Event: whatsmeow.QRChannelEventError, Error: whatsmeow.ErrPairInvalidDeviceIdentityHMAC}},
			nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.client.paired, h.client.connected = false, false
			h.client.qr = tt.items
			h.client.pairCode = "ABCD-EFGH"
			var codes []string
			err := h.channel.Pair(h.ctx, func(c string) { codes = append(codes, c) }, tt.phone)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Pair: %v, want an error: %v", err, tt.wantErr)
			}
			if !slices.Equal(codes, tt.wantCodes) {
				t.Errorf("codes shown %q, want %q", codes, tt.wantCodes)
			}
			if tt.phone != "" && h.client.pairedWith != tt.phone {
				t.Errorf("pairing code asked for %q, want %q", h.client.pairedWith, tt.phone)
			}
			if tt.wantErr {
				if h.client.connected {
					t.Error("a failed pairing left the connection open")
				}
				return
			}
			if !h.client.connected {
				t.Error("the connection was closed after pairing")
			}
			h.wantState(whatsapp.StateConnecting) // until *events.Connected
		})
	}
}

// TestPairWhenPaired checks that a paired device is not paired over.
func TestPairWhenPaired(t *testing.T) {
	h := newHarness(t)
	err := h.channel.Pair(h.ctx, func(string) { t.Error("a code was shown") }, "")
	if dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("Pair: %v, want a conflict", err)
	}
}

// TestLogout checks that logging out connects when needed and unlinks the
// device.
func TestLogout(t *testing.T) {
	h := newHarness(t)
	h.client.connected = false
	if err := h.channel.Logout(h.ctx); err != nil {
		t.Fatal(err)
	}
	if !h.client.loggedOut || h.client.connects != 1 {
		t.Errorf("logged out %v after %d connections, want a logout over one", h.client.loggedOut, h.client.connects)
	}
	h.wantState(whatsapp.StateNotPaired)
	if err := h.channel.Logout(h.ctx); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("second Logout: %v, want not found", err)
	}
}
