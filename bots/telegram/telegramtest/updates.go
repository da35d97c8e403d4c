package telegramtest

import (
	"time"

	"github.com/go-telegram/bot/models"
)

// Message returns a message from a customer in a private chat whose id is
// chatID (in private chats the chat's id is the user's). Fill in its text,
// caption, photo, document or voice, and push it as an update.
func Message(chatID int64, firstName string) *models.Message {
	return &models.Message{
		Date: int(time.Now().Unix()),
		From: &models.User{ID: chatID, FirstName: firstName},
		Chat: models.Chat{ID: chatID, Type: models.ChatTypePrivate, FirstName: firstName},
	}
}

// Text returns an update with a text message from a customer.
func Text(chatID int64, firstName, text string) models.Update {
	m := Message(chatID, firstName)
	m.Text = text
	return models.Update{Message: m}
}

// Press returns an update with the customer pressing an inline button
// whose callback data is data, under a message the bot sent to the chat.
func Press(chatID int64, firstName, data string) models.Update {
	return models.Update{CallbackQuery: &models.CallbackQuery{
		From: models.User{ID: chatID, FirstName: firstName},
		Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{
				ID:   1,
				Date: int(time.Now().Unix()),
				Chat: models.Chat{ID: chatID, Type: models.ChatTypePrivate},
			},
		},
		ChatInstance: "instance",
		Data:         data,
	}}
}
