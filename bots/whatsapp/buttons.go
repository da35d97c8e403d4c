package whatsapp

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/firstline-support/firstline/dialog"
)

// maxButtons bounds the options a reply can offer, and so the digits a
// customer's answer may have.
const maxButtons = 99

// renderButtons appends a reply's buttons to its text as numbered
// options, one a line:
//
//	Did this help?
//
//	1. Yes
//	2. No
//
// Buttons that are numbers already, as in a rating from 1 to 5, are listed
// on one line instead: "1 · 2 · 3 · 4 · 5".
func renderButtons(text string, buttons []string) string {
	if len(buttons) == 0 {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString("\n\n")
	if numbered(buttons) {
		b.WriteString(strings.Join(buttons, " · "))
		return b.String()
	}
	for i, label := range buttons {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d. %s", i+1, label)
	}
	return b.String()
}

// numbered reports whether every button's label is its own number.
func numbered(buttons []string) bool {
	for i, label := range buttons {
		if label != strconv.Itoa(i+1) {
			return false
		}
	}
	return true
}

// buttonLabel reads a customer's answer "2" as the label of the second
// option of the last message the customer got, when that message offered
// options; any other text is returned as it is. The engine then sees the
// label, as if a button had been pressed.
func (c *Channel) buttonLabel(ctx context.Context, chatID, text string) (string, error) {
	n, ok := optionNumber(text)
	if !ok {
		return text, nil
	}
	store := c.engine.Store()
	conv, err := store.ConversationByChat(ctx, Name, chatID)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		return text, nil
	} else if err != nil {
		return "", fmt.Errorf("look up the conversation of a whatsapp chat: %w", err)
	}
	msgs, err := store.Messages(ctx, dialog.MessageFilter{ConversationID: conv.ID, Public: true})
	if err != nil {
		return "", fmt.Errorf("read whatsapp conversation %d: %w", conv.ID, err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Author == dialog.AuthorCustomer {
			continue
		}
		// The newest message to the customer decides: an agent's reply
		// after a question with options means "2" is just "2".
		if n <= len(m.Buttons) {
			return m.Buttons[n-1], nil
		}
		return text, nil
	}
	return text, nil
}

// optionNumber parses an answer that is only an option number, such as
// "2" or " 2. ".
func optionNumber(text string) (int, bool) {
	s := strings.TrimSuffix(strings.TrimSpace(text), ".")
	if s == "" || len(s) > len(strconv.Itoa(maxButtons)) {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}
