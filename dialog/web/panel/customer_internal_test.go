package panel

import (
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// TestUnnamedCustomer names a customer without a name by their channel
// and conversation, in each language.
func TestUnnamedCustomer(t *testing.T) {
	tests := []struct {
		lang, channel, want string
	}{
		{langEN, "webchat", "Web visitor · #12"},
		{langRU, "webchat", "Посетитель сайта · №12"},
		{langEN, "telegram", "Telegram user · #12"},
		{langEN, "sms", "Customer · #12"},
		{langRU, "sms", "Клиент · №12"},
	}
	for _, tt := range tests {
		if got := unnamedCustomer(tt.lang, &dialog.Ticket{Channel: tt.channel, ConversationID: 12}); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.lang, tt.channel, got, tt.want)
		}
	}
}
