package telegram

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/dialog"
)

// handleMessage hands a customer's message to the engine: its text or
// caption (commands such as /start pass as text), and its files.
func (c *Channel) handleMessage(ctx context.Context, updateID int64, m *models.Message, giveUpFiles bool) error {
	if c.teamChat(m.Chat.ID) {
		c.log.Debug("telegram message in the team's chat ignored", "update", updateID)
		return nil
	}
	if m.Chat.Type != "" && m.Chat.Type != models.ChatTypePrivate {
		// Support is one customer to one bot: a group or a channel the
		// bot was added to is not a customer, and answering everyone in
		// it would spam the group and mix people in one conversation.
		c.log.Debug("telegram message outside a private chat ignored", "update", updateID, "chat_type", m.Chat.Type)
		return nil
	}
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	files, notes, err := c.attachments(ctx, m, giveUpFiles)
	if err != nil {
		return err
	}
	for _, note := range notes {
		text = strings.TrimSpace(text + "\n" + note)
	}
	if strings.TrimSpace(text) == "" && len(files) == 0 {
		// A sticker, a location, a contact...: nothing the engine reads.
		c.log.Debug("telegram message ignored: no text and no file", "update", updateID)
		return nil
	}
	_, err = c.engine.Handle(ctx, dialog.Inbound{
		Channel:      ChannelName,
		ChatID:       strconv.FormatInt(m.Chat.ID, 10),
		ExternalID:   externalID(updateID),
		CustomerName: customerName(m.From, m.Chat),
		Text:         text,
		Attachments:  files,
	})
	return err
}

// handlePress acknowledges a button press, so that the customer's app stops
// showing it as in progress, then hands the button's label to the engine
// as if the customer had typed it. A press of a button that cannot be
// found is only acknowledged.
func (c *Channel) handlePress(ctx context.Context, updateID int64, q *models.CallbackQuery) error {
	c.answerPress(ctx, q.ID)
	if c.teamChat(pressChat(q)) {
		return nil
	}
	chatID := strconv.FormatInt(pressChat(q), 10)
	label, err := c.buttonLabel(ctx, chatID, q.Data)
	if err != nil {
		return err
	}
	if label == "" {
		c.log.Debug("telegram button press ignored: unknown button", "update", updateID, "data", q.Data)
		return nil
	}
	_, err = c.engine.Handle(ctx, dialog.Inbound{
		Channel:      ChannelName,
		ChatID:       chatID,
		ExternalID:   externalID(updateID),
		CustomerName: customerName(&q.From, models.Chat{}),
		Text:         label,
	})
	return err
}

// teamChat reports whether chat is one of Config.TeamChats.
func (c *Channel) teamChat(chat int64) bool {
	return slices.Contains(c.cfg.TeamChats, strconv.FormatInt(chat, 10))
}

// answerPress acknowledges a button press. A failure is only logged: the
// press is still handled, and the customer's app gives up waiting by
// itself (a press handled again after a crash is too old to acknowledge).
func (c *Channel) answerPress(ctx context.Context, queryID string) {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	if _, err := c.api.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: queryID}); err != nil {
		c.log.Warn("acknowledging a telegram button press failed", "err", err)
	}
}

// buttonLabel returns the label of the pressed button, or "" when the
// callback data does not name a button of a message the bot sent to this
// chat.
func (c *Channel) buttonLabel(ctx context.Context, chatID, data string) (string, error) {
	messageID, index, ok := parseCallbackData(data)
	if !ok {
		return "", nil
	}
	m, err := c.store.Message(ctx, messageID)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("read the message with the pressed button: %w", err)
	}
	if index >= len(m.Buttons) {
		return "", nil
	}
	// The data comes from the customer's app: make sure the message was
	// sent to this chat.
	conv, err := c.store.ConversationByChat(ctx, ChannelName, chatID)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("read the conversation of the pressed button: %w", err)
	}
	if conv.ID != m.ConversationID {
		return "", nil
	}
	return m.Buttons[index], nil
}

// callbackData is what a button carries back when pressed: the id of the
// message it came with and its index there.
func callbackData(messageID int64, index int) string {
	return "b:" + strconv.FormatInt(messageID, 10) + ":" + strconv.Itoa(index)
}

// parseCallbackData reads what callbackData wrote.
func parseCallbackData(data string) (messageID int64, index int, ok bool) {
	rest, found := strings.CutPrefix(data, "b:")
	if !found {
		return 0, 0, false
	}
	idText, indexText, found := strings.Cut(rest, ":")
	if !found {
		return 0, 0, false
	}
	messageID, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || messageID <= 0 {
		return 0, 0, false
	}
	index, err = strconv.Atoi(indexText)
	if err != nil || index < 0 {
		return 0, 0, false
	}
	return messageID, index, true
}

// pressChat is the chat a button was pressed in: the chat of the message
// that carried the button, or the customer's own (the same in a private
// chat) when Telegram no longer sends that message.
func pressChat(q *models.CallbackQuery) int64 {
	switch {
	case q.Message.Message != nil && q.Message.Message.Chat.ID != 0:
		return q.Message.Message.Chat.ID
	case q.Message.InaccessibleMessage != nil && q.Message.InaccessibleMessage.Chat.ID != 0:
		return q.Message.InaccessibleMessage.Chat.ID
	}
	return q.From.ID
}

// customerName is the sender's first and last name, or the chat's when
// the message has no sender.
func customerName(from *models.User, chat models.Chat) string {
	first, last := chat.FirstName, chat.LastName
	if from != nil {
		first, last = from.FirstName, from.LastName
	}
	return strings.TrimSpace(first + " " + last)
}
