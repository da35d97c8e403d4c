package panel

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/intents"
)

// A reply that starts with "/shortcut" is a canned reply sent without the
// reply box's Tab: expandReply turns it into the canned text, so that the
// customer never gets the shortcut itself, whatever sent the form.

// leadingShortcut returns the shortcut a reply starts with, after any
// blanks, and the text after it; ok is false when the reply does not start
// with "/" and a shortcut's letters (lower-case letters, digits and _)
// followed by a blank or the end. It looks at each byte at most once.
func leadingShortcut(text string) (name, rest string, ok bool) {
	s := strings.TrimLeft(text, " \t\r\n")
	if !strings.HasPrefix(s, "/") {
		return "", "", false
	}
	i := 1
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_') {
		i++
	}
	if i == 1 {
		return "", "", false
	}
	if i < len(s) && !strings.ContainsRune(" \t\r\n", rune(s[i])) {
		return "", "", false // "/etc/hosts", "/okay!": not a shortcut
	}
	return s[1:i], s[i:], true
}

// expandReply returns the reply to send for text: a known shortcut at its
// start replaced by the canned reply, rendered by render; the text as it
// is otherwise. A shortcut nobody defined, alone in the reply, is refused
// (EINVALID, in lang): it is a slip that would reach the customer as
// "/contract". Followed by more text it is taken as words.
func expandReply(text, lang string, shortcuts []string, render func(shortcut string) string) (string, error) {
	name, rest, ok := leadingShortcut(text)
	if !ok {
		return text, nil
	}
	if slices.Contains(shortcuts, name) {
		return render(name) + rest, nil
	}
	if strings.TrimSpace(rest) != "" {
		return text, nil
	}
	if len(shortcuts) == 0 {
		return "", panelError(dialog.EINVALID, lang, "error.no_shortcuts", name)
	}
	known := make([]string, len(shortcuts))
	for i, s := range shortcuts {
		known[i] = "/" + s
	}
	return "", panelError(dialog.EINVALID, lang, "error.unknown_shortcut", name, strings.Join(known, ", "))
}

// expandCanned is expandReply for a reply to the ticket of a: the canned
// reply in the customer's language, filled in for the ticket and signed by
// the agent, as the ticket page offers it.
func (p *Panel) expandCanned(ctx context.Context, a dialog.TicketAction, lang, text string) (string, error) {
	if _, _, ok := leadingShortcut(text); !ok {
		return text, nil
	}
	t, err := p.findTicket(ctx, a.User, lang, a.Number)
	if err != nil {
		return "", err
	}
	conv, err := p.store.Conversation(ctx, t.ConversationID)
	if err != nil {
		return "", fmt.Errorf("get conversation of ticket %s: %w", t.Number, err)
	}
	var out string
	p.withSet(func(set *intents.Set) {
		var views []cannedView
		if set != nil {
			views = cannedViews(set, lang, conv, t, a.User)
		}
		names := make([]string, len(views))
		for i, v := range views {
			names[i] = v.Shortcut
		}
		out, err = expandReply(text, lang, names, func(name string) string {
			return views[slices.IndexFunc(views, func(v cannedView) bool { return v.Shortcut == name })].Text
		})
	})
	return out, err
}
