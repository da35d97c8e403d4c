package telegram

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/dialog"
)

// MaxMessageLength is the longest text, in characters, Telegram takes in
// one message; longer texts go out in parts.
const MaxMessageLength = 4096

// Send implements bots.Sender: it sends item's text to its chat, in parts
// of at most MaxMessageLength characters, starting with part
// item.PartsSent, and the buttons as an inline keyboard under the last
// part. It returns how many parts are delivered in all, also on failure.
func (c *Channel) Send(ctx context.Context, item *dialog.OutboxItem) (int, error) {
	parts := splitText(item.Text, MaxMessageLength)
	if len(parts) == 0 {
		return 0, bots.Permanent(fmt.Errorf("telegram message %d has no text", item.MessageID))
	}
	sent := min(max(item.PartsSent, 0), len(parts))
	for i := sent; i < len(parts); i++ {
		params := &bot.SendMessageParams{ChatID: item.ChatID, Text: parts[i]}
		if i == len(parts)-1 && len(item.Buttons) > 0 {
			params.ReplyMarkup = keyboard(item.MessageID, item.Buttons)
		}
		if err := c.sendMessage(ctx, params); err != nil {
			return sent, fmt.Errorf("send message %d part %d of %d to telegram: %w",
				item.MessageID, i+1, len(parts), classify(err))
		}
		sent = i + 1
	}
	return sent, nil
}

// sendMessage makes one sendMessage call.
func (c *Channel) sendMessage(ctx context.Context, params *bot.SendMessageParams) error {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	_, err := c.api.SendMessage(ctx, params)
	return err
}

// keyboard is the inline keyboard for a message's buttons, one per row.
// Each button carries back the message's id and its index (see
// buttonLabel): labels can be longer than the 64 bytes callback data holds.
func keyboard(messageID int64, buttons []string) *models.InlineKeyboardMarkup {
	rows := make([][]models.InlineKeyboardButton, len(buttons))
	for i, label := range buttons {
		rows[i] = []models.InlineKeyboardButton{{Text: label, CallbackData: callbackData(messageID, i)}}
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// classify maps a Bot API error to what the outbox dispatcher acts on: a
// 429 waits as long as Telegram asked, a 403 means the customer blocked the
// bot, a 400 is final; anything else (5xx, network) is retried.
func classify(err error) error {
	var tooMany *bot.TooManyRequestsError
	var migrated *bot.MigrateError
	switch {
	case errors.As(err, &tooMany):
		return bots.RetryAfter(max(time.Duration(tooMany.RetryAfter)*time.Second, time.Second))
	case errors.Is(err, bot.ErrorForbidden):
		return fmt.Errorf("%w: %w", bots.ErrBlocked, err)
	case errors.Is(err, bot.ErrorBadRequest), errors.As(err, &migrated):
		return bots.Permanent(err)
	}
	return err
}

// Typing implements presence.Typer: it shows "typing…" in the chat, which
// Telegram hides after five seconds or when a message arrives.
func (c *Channel) Typing(ctx context.Context, chatID string) error {
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	if _, err := c.api.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: chatID, Action: models.ChatActionTyping}); err != nil {
		return fmt.Errorf("send chat action to telegram: %w", classify(err))
	}
	return nil
}
