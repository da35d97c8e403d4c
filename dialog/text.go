package dialog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text that stores keep must be valid UTF-8 without NUL characters
// (U+0000): PostgreSQL refuses both in text and in jsonb, and SQLite would
// keep them, so every store refuses them alike, before they reach the
// database, with EINVALID (400 on the web). Lookups refuse them too, rather
// than find nothing on one store and fail on the other.

// CheckText returns an *Error with code EINVALID unless every value is
// text a store can keep.
func CheckText(values ...string) error {
	for _, s := range values {
		if err := checkText(s); err != nil {
			return err
		}
	}
	return nil
}

// checkText checks one value.
func checkText(s string) error {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return Errorf(EINVALID, "text must not contain the NUL character (U+0000)")
	case !utf8.ValidString(s):
		return Errorf(EINVALID, "text must be valid UTF-8")
	}
	return nil
}

// CleanText returns s as text a store can keep: NUL characters and bytes
// that are not UTF-8 replaced by U+FFFD. Imports use it on what an older
// store let in, and the outbox on error messages it did not write itself.
func CleanText(s string) string {
	if checkText(s) == nil {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// CheckText checks the conversation's text fields (CheckText).
func (c *Conversation) CheckText() error {
	return checkAll([]string{c.Channel, c.ChatID, c.CustomerName, c.CustomerEmail, c.CustomerPhone,
		c.Lang, string(c.State), string(c.Pending)}, c.PendingOptions)
}

// CheckText checks the message's text fields (CheckText).
func (m *Message) CheckText() error {
	return checkAll([]string{string(m.Author), m.AuthorName, m.ExternalID, m.Text, m.Lang, m.Intent}, m.Buttons)
}

// CheckText checks the ticket's text fields (CheckText), its candidates'
// intents and its collected fields among them.
func (t *Ticket) CheckText() error {
	intents := make([]string, 0, len(t.Candidates)+2*len(t.Fields))
	for _, c := range t.Candidates {
		intents = append(intents, c.Intent)
	}
	for _, f := range t.Fields {
		intents = append(intents, f.Name, f.Value)
	}
	return checkAll([]string{t.Number, string(t.Status), t.Reason, t.Intent, t.Priority, t.Queue, t.Channel,
		t.CustomerName, t.Assignee}, intents)
}

// CheckText checks the user's text fields (CheckText).
func (u *User) CheckText() error {
	return checkAll([]string{u.Name, string(u.Role), u.PasswordHash, u.Lang}, u.Queues)
}

// CheckText checks the attachment's text fields (CheckText).
func (a *Attachment) CheckText() error {
	return CheckText(string(a.Kind), a.FileName, a.MIME)
}

// CheckText checks the outbox item's text fields (CheckText).
func (o *OutboxItem) CheckText() error {
	return checkAll([]string{o.Channel, o.ChatID, o.Text, string(o.Status), o.LastError}, o.Buttons)
}

// CheckText checks the event's text fields (CheckText).
func (a *Activity) CheckText() error {
	return checkAll([]string{string(a.Kind), a.Channel, a.Lang, string(a.Author), a.Agent, a.Intent, a.Reason,
		a.Queue, a.FromQueue, a.Priority}, a.Options)
}

// CheckText checks the filter's text fields (CheckText).
func (f TicketFilter) CheckText() error {
	statuses := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		statuses[i] = string(s)
	}
	if err := CheckText(f.Queues...); err != nil {
		return err
	}
	return checkAll([]string{f.Queue, f.Assignee, f.Search, string(f.Order)}, statuses)
}

// checkAll checks fields and a list.
func checkAll(fields, list []string) error {
	if err := CheckText(fields...); err != nil {
		return err
	}
	return CheckText(list...)
}

// HasVisibleText reports whether text has at least one character a person
// would see: not white space, not a control or format character (zero-width
// spaces and joiners, soft hyphens, direction marks and overrides, the byte
// order mark) and not one of the other characters Unicode says to leave
// unshown (variation selectors, Hangul fillers, tags). A message of only
// such characters looks empty to the agent who gets it.
func HasVisibleText(text string) bool {
	for _, r := range text {
		if !invisible(r) {
			return true
		}
	}
	return false
}

// invisible reports whether r shows as nothing: Unicode's White_Space and
// Default_Ignorable_Code_Point characters, and controls. Invalid UTF-8
// (r == U+FFFD) counts as visible; validateInbound refuses it first.
func invisible(r rune) bool {
	return unicode.IsSpace(r) ||
		unicode.In(r, unicode.Cc, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}
