package whatsapp

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/firstline-support/firstline/dialog"
)

// handleMessage hands a customer's message to the engine. The engine
// stores it, answers it and queues the answers in the outbox, all in one
// transaction; a message delivered twice is answered once.
func (c *Channel) handleMessage(ctx context.Context, m *events.Message) error {
	if reason := ignored(m); reason != "" {
		c.log.Debug("whatsapp message ignored", "id", m.Info.ID, "chat", m.Info.Chat.String(), "why", reason)
		return nil
	}
	customer, err := c.customerJID(ctx, m.Info)
	if err != nil {
		return err
	}
	chatID := customer.String()
	externalID := "wa:" + m.Info.ID
	if seen, err := c.seen(ctx, chatID, externalID); err != nil || seen {
		return err // a redelivery: handled before, nothing to download again
	}

	text, files := content(m.Message)
	if text == "" && len(files) == 0 {
		c.log.Debug("whatsapp message ignored", "id", m.Info.ID, "why", "nothing firstline keeps (a sticker, a reaction, a location, ...)")
		return nil
	}
	if len(files) == 0 {
		if text, err = c.buttonLabel(ctx, chatID, text); err != nil {
			return err
		}
	}
	attachments, notes := c.download(ctx, m.Info.ID, files)
	text = strings.TrimSpace(strings.Join(append([]string{text}, notes...), "\n"))
	if utf8.RuneCountInString(text) > dialog.MaxTextLength {
		// WhatsApp allows longer texts than the engine keeps: keep the
		// start rather than drop the message.
		c.log.Warn("whatsapp message shortened to the longest text kept", "id", m.Info.ID, "chars", utf8.RuneCountInString(text))
		text = string([]rune(text)[:dialog.MaxTextLength-1]) + "…"
	}

	out, err := c.engine.Handle(ctx, dialog.Inbound{
		Channel:      Name,
		ChatID:       chatID,
		ExternalID:   externalID,
		CustomerName: m.Info.PushName,
		Text:         text,
		Attachments:  attachments,
	})
	if err != nil {
		switch dialog.ErrorCode(err) {
		case dialog.EINVALID, dialog.ETOOLARGE:
			// Delivering it again cannot help: acknowledge and drop it.
			c.log.Warn("whatsapp message refused", "id", m.Info.ID, "err", err)
			return nil
		}
		return fmt.Errorf("handle whatsapp message %s: %w", m.Info.ID, err)
	}
	c.log.Debug("whatsapp message handled", "id", m.Info.ID, "chat", chatID,
		"conversation", out.Conversation.ID, "replies", len(out.Replies), "duplicate", out.Duplicate)
	return nil
}

// ignored says why a message is not a customer's, or "" when it is.
func ignored(m *events.Message) string {
	info := m.Info
	switch {
	case info.IsFromMe:
		return "sent by this account"
	case info.IsGroup || info.Chat.Server == types.GroupServer:
		return "a group"
	case info.Chat.Server == types.BroadcastServer:
		return "a status update or a broadcast list" // sent to many, not a question to us
	case info.Sender.Server != types.DefaultUserServer && info.Sender.Server != types.HiddenUserServer:
		return "not a person (a channel, a bot)"
	case m.IsEdit:
		return "an edit of an earlier message" // the transcript keeps what was first said
	}
	return ""
}

// customerJID is the stable id of the message's sender, without a device
// part. WhatsApp may name a sender by a @lid privacy id; the phone-number
// JID is used instead whenever it is known, so that a customer has one
// conversation whichever way they arrive.
func (c *Channel) customerJID(ctx context.Context, info types.MessageInfo) (types.JID, error) {
	sender := info.Sender.ToNonAD()
	if sender.Server != types.HiddenUserServer {
		return sender, nil
	}
	if info.SenderAlt.Server == types.DefaultUserServer {
		return info.SenderAlt.ToNonAD(), nil
	}
	phone, err := c.client.PhoneJID(ctx, sender)
	if err != nil {
		return types.EmptyJID, fmt.Errorf("look up the phone number of %s: %w", sender, err)
	}
	if phone.Server == types.DefaultUserServer {
		return phone.ToNonAD(), nil
	}
	return sender, nil
}

// seen reports whether the message was handled before.
func (c *Channel) seen(ctx context.Context, chatID, externalID string) (bool, error) {
	store := c.engine.Store()
	conv, err := store.ConversationByChat(ctx, Name, chatID)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("look up the conversation of a whatsapp chat: %w", err)
	}
	_, err = store.MessageByExternalID(ctx, conv.ID, externalID)
	switch dialog.ErrorCode(err) {
	case "":
		return true, nil
	case dialog.ENOTFOUND:
		return false, nil
	}
	return false, fmt.Errorf("look up whatsapp message %s: %w", externalID, err)
}
