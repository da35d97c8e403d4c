package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

const customerUsage = `Usage:
  firstline customer erase --channel CHANNEL --chat ID
  firstline customer erase --conversation N

Every subcommand also takes --config FILE and --data DIR.

"erase" deletes a customer's personal data, in whichever store is
configured: the text of every message of their conversation, the files
they sent, their name and chat id, and what was waiting to be sent to
them. The conversation and its tickets stay, with their numbers, statuses
and times, and so do the analytics events, so reports still add up. A
conversation whose ticket is open is refused: close the ticket first.
Erasing the same conversation again (--conversation) changes nothing; its
chat id is gone after the first erasure, so --chat no longer finds it.
`

func cmdCustomer(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, customerUsage)
		return usageError{errors.New("missing subcommand")}
	}
	switch args[0] {
	case "erase":
		return cmdCustomerErase(ctx, args[1:], e)
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, customerUsage)
		return nil
	}
	fmt.Fprint(e.stderr, customerUsage)
	return usageError{fmt.Errorf("unknown subcommand %q", args[0])}
}

func cmdCustomerErase(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("customer erase", e)
	channel := fs.String("channel", "", "the customer's `channel`: webchat, telegram, whatsapp")
	chat := fs.String("chat", "", "the customer's chat `id` on the channel")
	conversation := fs.Int64("conversation", 0, "the conversation's `number`, instead of --channel and --chat")
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	byChat := *channel != "" || *chat != ""
	switch {
	case byChat && *conversation != 0:
		return usageError{errors.New("give --channel and --chat, or --conversation, not both")}
	case byChat && (*channel == "" || *chat == ""):
		return usageError{errors.New("--channel and --chat go together")}
	case !byChat && *conversation <= 0:
		return usageError{errors.New("--channel and --chat, or --conversation, are required")}
	}

	log := newLogger(e)
	store, err := openStore(ctx, s, log)
	if err != nil {
		return err
	}
	defer store.Close()
	// Erasing reads no knowledge base and tells no live view: serving
	// replicas read what changed on their next look.
	engine := dialog.NewEngine(store, nil, nil, s.engineConfig(), log)
	var conv *dialog.Conversation
	if byChat {
		conv, err = engine.EraseChat(ctx, *channel, *chat)
	} else {
		conv, err = engine.Erase(ctx, *conversation)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "conversation %d erased on %s\n", conv.ID, conv.ErasedAt.Format(time.RFC3339))
	return nil
}
