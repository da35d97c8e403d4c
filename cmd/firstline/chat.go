package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/firstline-support/firstline/dialog"
)

func cmdChat(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("chat", e)
	s, err := parseSettings(fs, args, flagIntents, e.getenv)
	if err != nil {
		return err
	}
	// The conversation lives in a throwaway database: trying intents must
	// not leave tickets in the real one.
	tmp, err := os.MkdirTemp("", "firstline-chat-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	s.DataDir, s.Database.URL = tmp, ""
	log := newLogger(env{stderr: e.stderr, getenv: func(k string) string {
		if k == "FIRSTLINE_LOG_LEVEL" {
			return first(e.getenv(k), "warn")
		}
		return e.getenv(k)
	}})
	a, err := openApp(ctx, s, log)
	if err != nil {
		return err
	}
	defer a.close()

	fmt.Fprintf(e.stdout, "Talking to the bot with %s. Type a message; /human, /status, /start work; /agent TEXT answers as an agent, /wait waits for the customer's answer, /close closes the ticket; Ctrl-D ends.\n", s.IntentsDir)
	in := bufio.NewScanner(e.stdin)
	in.Buffer(make([]byte, 64<<10), 64<<10)
	var lastButtons []string
	var printed int64 // the last message printed, so that none is printed twice
	for n := 1; ; n++ {
		fmt.Fprint(e.stdout, "> ")
		if !in.Scan() {
			fmt.Fprintln(e.stdout)
			return in.Err()
		}
		text := strings.TrimSpace(in.Text())
		if text == "" {
			continue
		}
		// A number picks a button, as a tap would.
		if i, err := strconv.Atoi(text); err == nil && i >= 1 && i <= len(lastButtons) {
			text = lastButtons[i-1]
		}
		if agentText, ok := strings.CutPrefix(text, "/agent "); ok {
			err = chatAsAgent(ctx, a, agentText, &printed, e)
		} else if text == "/close" {
			err = chatClose(ctx, a, &printed, e)
		} else if text == "/wait" {
			err = chatWait(ctx, a, &printed, e)
		} else {
			lastButtons, err = chatAsCustomer(ctx, a, text, "terminal-"+strconv.Itoa(n), &printed, e)
		}
		if err != nil {
			fmt.Fprintf(e.stdout, "! %s\n", dialog.ErrorMessage(err))
		}
	}
}

const chatID = "terminal"

// chatAsCustomer sends text as the customer and prints the replies. printed
// is the id of the last message printed, and is moved past the replies.
func chatAsCustomer(ctx context.Context, a *app, text, id string, printed *int64, e env) ([]string, error) {
	out, err := a.engine.Handle(ctx, dialog.Inbound{Channel: "terminal", ChatID: chatID, ExternalID: id, Text: text})
	if err != nil {
		return nil, err
	}
	var buttons []string
	for _, m := range out.Replies {
		fmt.Fprintf(e.stdout, "bot: %s\n", m.Text)
		if m.Intent != "" {
			fmt.Fprintf(e.stdout, "     (intent %s, confidence %.2f)\n", m.Intent, m.Confidence)
		}
		buttons = m.Buttons
		*printed = max(*printed, m.ID)
	}
	for i, b := range buttons {
		fmt.Fprintf(e.stdout, "     [%d] %s\n", i+1, b)
	}
	if len(out.Replies) == 0 {
		fmt.Fprintf(e.stdout, "     (%s: the bot stays silent; /agent TEXT to answer)\n", out.Conversation.State)
	} else if len(out.Match.Candidates) > 0 && out.Match.Decision != "answer" && unsure(out) {
		fmt.Fprintf(e.stdout, "     (%s: %s)\n", out.Match.Decision, describe(out.Match))
	}
	return buttons, nil
}

// openTicket returns the number of the terminal conversation's ticket.
func openTicket(ctx context.Context, a *app) (string, error) {
	conv, err := a.store.ConversationByChat(ctx, "terminal", chatID)
	if err != nil || conv.TicketID == 0 {
		return "", dialog.Errorf(dialog.ENOTFOUND, "no open ticket: escalate first (/human)")
	}
	t, err := a.store.Ticket(ctx, conv.TicketID)
	if err != nil {
		return "", err
	}
	return t.Number, nil
}

func chatAsAgent(ctx context.Context, a *app, text string, printed *int64, e env) error {
	number, err := openTicket(ctx, a)
	if err != nil {
		return err
	}
	if _, err := a.engine.Reply(ctx, dialog.TicketAction{Number: number, Agent: "Agent"}, text); err != nil {
		return err
	}
	return printSince(ctx, a, printed, e)
}

func chatClose(ctx context.Context, a *app, printed *int64, e env) error {
	number, err := openTicket(ctx, a)
	if err != nil {
		return err
	}
	if _, err := a.engine.Close(ctx, dialog.TicketAction{Number: number, Agent: "Agent"}); err != nil {
		return err
	}
	return printSince(ctx, a, printed, e)
}

// chatWait puts the terminal conversation's ticket on hold for the
// customer's answer, as the panel's "Waiting for the customer" does.
func chatWait(ctx context.Context, a *app, printed *int64, e env) error {
	number, err := openTicket(ctx, a)
	if err != nil {
		return err
	}
	if _, err := a.engine.Wait(ctx, dialog.TicketAction{Number: number, Agent: "Agent"}, ""); err != nil {
		return err
	}
	return printSince(ctx, a, printed, e)
}

// printSince prints the messages an agent's action sent, as the customer
// sees them: those after printed, the last message printed before, which
// it then moves on. Each message is printed once, however many actions
// follow one another.
func printSince(ctx context.Context, a *app, printed *int64, e env) error {
	conv, err := a.store.ConversationByChat(ctx, "terminal", chatID)
	if err != nil {
		return err
	}
	msgs, err := a.store.Messages(ctx, dialog.MessageFilter{ConversationID: conv.ID})
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.ID <= *printed {
			continue
		}
		*printed = m.ID
		if m.Author == dialog.AuthorCustomer || m.Author == dialog.AuthorNote {
			continue
		}
		who := string(m.Author)
		if m.AuthorName != "" {
			who = m.AuthorName
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", who, m.Text)
		for i, b := range m.Buttons {
			fmt.Fprintf(e.stdout, "     [%d] %s\n", i+1, b)
		}
	}
	return nil
}

func cmdMigrate(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("migrate", e)
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	log := newLogger(e)
	store, err := openStore(ctx, s, log)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(e.stdout, "%s is up to date\n", s.storeName())
	return nil
}

// unsure reports whether the bot's replies come of the matcher being
// unsure of the message (it asked to rephrase, offered options, or handed
// over what it could not answer), when what it made of the message is
// worth showing; not for an answer to a question it had asked.
func unsure(out *dialog.Outcome) bool {
	switch out.Conversation.Pending {
	case dialog.PendingRephrase, dialog.PendingClarify:
		return true
	}
	return out.Escalation == dialog.ReasonNoMatch
}
