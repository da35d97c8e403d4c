package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/mdp/qrterminal/v3"

	"github.com/firstline-support/firstline/bots/whatsapp"
	"github.com/firstline-support/firstline/dialog"
)

const whatsappUsage = `Usage:
  firstline whatsapp pair [--phone +79991234567]
  firstline whatsapp status
  firstline whatsapp logout

Every subcommand also takes --config FILE and --data DIR.
"pair" links firstline to a WhatsApp account as a linked device: it prints a
QR code to scan in WhatsApp on the phone (Settings → Linked devices → Link a
device), or with --phone a code to type there instead, and waits until the
account is linked. Start (or restart) "firstline serve" afterwards.
"logout" unlinks the device; stop "firstline serve" first.
`

// whatsappTimeout bounds a logout: connecting, logging in and unlinking.
const whatsappTimeout = time.Minute

func cmdWhatsapp(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, whatsappUsage)
		return usageError{errors.New("missing subcommand")}
	}
	subcommands := map[string]func(context.Context, []string, env) error{
		"pair":   cmdWhatsappPair,
		"status": cmdWhatsappStatus,
		"logout": cmdWhatsappLogout,
	}
	sub, ok := subcommands[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprint(e.stdout, whatsappUsage)
			return nil
		}
		fmt.Fprint(e.stderr, whatsappUsage)
		return usageError{fmt.Errorf("unknown subcommand %q", args[0])}
	}
	return sub(ctx, args[1:], e)
}

// phonePattern is a phone number in international format, once spaces,
// dashes and brackets are taken out.
var phonePattern = regexp.MustCompile(`^\+?[1-9][0-9]{6,14}$`)

func cmdWhatsappPair(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("whatsapp pair", e)
	phone := fs.String("phone", "", "link with a code typed on the phone of this `number` (international format) instead of a QR code")
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	if *phone != "" && !phonePattern.MatchString(strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(*phone)) {
		return usageError{fmt.Errorf("--phone %q is not a phone number in international format, such as +79991234567", *phone)}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ch, closeClient, err := openWhatsapp(ctx, s, e)
	if err != nil {
		return err
	}
	defer closeClient()

	shown := 0
	onCode := func(code string) {
		shown++
		switch {
		case *phone != "":
			fmt.Fprintf(e.stdout, "In WhatsApp on the phone %s open Settings → Linked devices → Link a device →\n"+
				"Link with phone number instead, and type this code:\n\n    %s\n\n", *phone, code)
		case shown == 1:
			fmt.Fprint(e.stdout, "In WhatsApp on the phone open Settings → Linked devices → Link a device,\n"+
				"and scan this code (a new one follows every 20 seconds or so):\n\n")
			printQR(e, code)
		default:
			fmt.Fprint(e.stdout, "\nA new code:\n\n")
			printQR(e, code)
		}
	}
	if err := ch.Pair(ctx, onCode, *phone); err != nil {
		return whatsappError(err)
	}
	_, jid := ch.Status()
	fmt.Fprintf(e.stdout, "Paired as %s. Start (or restart) firstline serve to answer WhatsApp messages.\n", phoneOf(jid))
	return nil
}

func cmdWhatsappStatus(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("whatsapp status", e)
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	ch, closeClient, err := openWhatsapp(ctx, s, e)
	if err != nil {
		return err
	}
	defer closeClient()
	// Only the session store is read: connecting here would push a running
	// server off the account.
	if _, jid := ch.Status(); jid != "" {
		fmt.Fprintf(e.stdout, "paired as %s\n", phoneOf(jid))
		return nil
	}
	fmt.Fprintln(e.stdout, `not paired: run "firstline whatsapp pair"`)
	return nil
}

func cmdWhatsappLogout(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("whatsapp logout", e)
	s, err := parseSettings(fs, args, flagData, e.getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, whatsappTimeout)
	defer cancel()
	ch, closeClient, err := openWhatsapp(ctx, s, e)
	if err != nil {
		return err
	}
	defer closeClient()
	if err := ch.Logout(ctx); err != nil {
		return whatsappError(err)
	}
	fmt.Fprintln(e.stdout, "logged out: the device is unlinked from the WhatsApp account")
	return nil
}

// openWhatsapp opens the WhatsApp session in the data directory's database
// and a channel over it to pair, ask and log out with; it answers no
// messages, so it has no engine.
func openWhatsapp(ctx context.Context, s *settings, e env) (*whatsapp.Channel, func(), error) {
	log := newLogger(e)
	client, err := whatsapp.OpenClient(ctx, s.database(), log)
	if err != nil {
		return nil, nil, err
	}
	return whatsapp.New(nil, client, whatsapp.Options{}, log), func() { client.Close() }, nil
}

// whatsappError is err as the user reads it: the message alone when it is
// about the request ("already paired ..."), the whole chain otherwise.
func whatsappError(err error) error {
	if dialog.ErrorCode(err) == dialog.EINTERNAL {
		return err
	}
	return errors.New(dialog.ErrorMessage(err))
}

// printQR draws a QR code with half-block characters, two rows of the code
// to a line of text, so that it fits a terminal.
func printQR(e env, code string) {
	qrterminal.GenerateWithConfig(code, qrterminal.Config{
		Level:          qrterminal.L,
		Writer:         e.stdout,
		HalfBlocks:     true,
		BlackChar:      qrterminal.BLACK_BLACK,
		WhiteBlackChar: qrterminal.WHITE_BLACK,
		WhiteChar:      qrterminal.WHITE_WHITE,
		BlackWhiteChar: qrterminal.BLACK_WHITE,
		QuietZone:      2,
	})
}

// phoneOf shows a phone-number JID as a phone number, e.g.
// 79991234567@s.whatsapp.net as +79991234567.
func phoneOf(jid string) string {
	if user, ok := strings.CutSuffix(jid, "@s.whatsapp.net"); ok {
		return "+" + user
	}
	return jid
}
