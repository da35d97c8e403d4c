package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/types"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/dialog"
)

// sendTimeout bounds one send: the dispatcher retries what does not go out
// in time.
const sendTimeout = 30 * time.Second

// ErrNotConnected is returned by Send while the channel is not connected.
// It comes wrapped with a short bots.RetryAfter: nothing can go out until
// the connection is back, so the dispatcher pauses the channel and tries
// again soon, instead of backing off for minutes and leaving replies
// waiting after a reconnect.
var ErrNotConnected = errors.New("whatsapp is not connected")

// reconnectPoll is how often queued messages are tried while disconnected.
const reconnectPoll = 5 * time.Second

// Send implements bots.Sender: it delivers an outbox item as one text
// message, its buttons as numbered options. Every failure but a chat id
// that is not a WhatsApp JID is temporary.
func (c *Channel) Send(ctx context.Context, item *dialog.OutboxItem) (int, error) {
	if item.PartsSent >= 1 {
		return item.PartsSent, nil // a text goes out in one part
	}
	to, err := types.ParseJID(item.ChatID)
	if err != nil || to.User == "" {
		return 0, bots.Permanent(fmt.Errorf("the chat id of conversation %d is not a WhatsApp JID", item.ConversationID))
	}
	if !c.client.IsConnected() {
		return 0, fmt.Errorf("%w: %w", ErrNotConnected, bots.RetryAfter(reconnectPoll))
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	id, err := c.client.SendText(ctx, to, renderButtons(item.Text, item.Buttons))
	if err != nil {
		return 0, fmt.Errorf("send message %d to whatsapp: %w", item.MessageID, err)
	}
	c.log.Debug("whatsapp message sent", "chat", item.ChatID, "message", item.MessageID, "whatsapp_id", id)
	return 1, nil
}

// Typing implements presence.Typer: it shows the chat that we are writing
// ("composing"), which WhatsApp hides after a while or when a message
// arrives. Only the replica holding the connection can.
func (c *Channel) Typing(ctx context.Context, chatID string) error {
	to, err := types.ParseJID(chatID)
	if err != nil || to.User == "" {
		return fmt.Errorf("chat id %q is not a WhatsApp JID", chatID)
	}
	if !c.client.IsConnected() {
		return ErrNotConnected
	}
	if err := c.client.SendChatPresence(ctx, to, types.ChatPresenceComposing); err != nil {
		return fmt.Errorf("send chat presence to whatsapp: %w", err)
	}
	return nil
}
