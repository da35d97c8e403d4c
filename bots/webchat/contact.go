package webchat

import (
	"context"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
)

// When the chat asks for the customer's contact details.
const (
	AskNever        = "never"         // never: the chat has no contact form
	AskBeforeChat   = "before_chat"   // a form before the first message
	AskOnEscalation = "on_escalation" // a form once the conversation becomes a ticket
)

// Contact fields a form may ask for.
const (
	FieldName  = "name"
	FieldEmail = "email"
	FieldPhone = "phone"
)

// Limits of the contact details, in characters; a phone number has 7 to
// 15 digits, as E.164 allows.
const (
	maxNameLength  = 200
	maxEmailLength = 254
	maxPhoneLength = 32 // digits and the spaces, dashes and brackets people type
	minPhoneDigits = 7
	maxPhoneDigits = 15
)

// ContactForm is what the chat asks about the customer, and when.
type ContactForm struct {
	// Ask is AskNever, AskBeforeChat or AskOnEscalation.
	Ask string `json:"ask"`
	// Fields are the fields asked for, in order: FieldName, FieldEmail,
	// FieldPhone.
	Fields []string `json:"fields"`
	// Required are the fields, among Fields, the customer must fill in;
	// with none, any one of them will do.
	Required []string `json:"required"`
}

// DefaultContactForm asks for a name and a way to write back once a
// person takes over, which is when an agent needs them; none is required.
func DefaultContactForm() ContactForm {
	return ContactForm{Ask: AskOnEscalation, Fields: []string{FieldName, FieldEmail, FieldPhone}}
}

// Check reports a form the chat cannot show.
func (f ContactForm) Check() error {
	switch f.Ask {
	case AskNever, AskBeforeChat, AskOnEscalation:
	default:
		return fmt.Errorf("ask must be %s, %s or %s, got %q", AskNever, AskBeforeChat, AskOnEscalation, f.Ask)
	}
	seen := map[string]bool{}
	for _, name := range f.Fields {
		switch {
		case name != FieldName && name != FieldEmail && name != FieldPhone:
			return fmt.Errorf("fields: unknown field %q (name, email or phone)", name)
		case seen[name]:
			return fmt.Errorf("fields: %q appears twice", name)
		}
		seen[name] = true
	}
	if f.Ask != AskNever && len(f.Fields) == 0 {
		return fmt.Errorf("fields: a form that is shown needs at least one field")
	}
	for _, name := range f.Required {
		if !seen[name] {
			return fmt.Errorf("required: %q is not one of fields", name)
		}
	}
	return nil
}

// contactRequest is the body of PUT /api/v1/webchat/contact, read by
// decodeObject with these names.
type contactRequest struct {
	Session string // "session"
	Name    string // "name"
	Email   string // "email"
	Phone   string // "phone"
}

// contactResponse is the answer to PUT /api/v1/webchat/contact.
type contactResponse struct {
	ConversationID int64  `json:"conversation_id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
}

// putContact is PUT (or POST) /api/v1/webchat/contact: the customer's
// contact details, checked against the form, kept on the conversation.
func (c *Channel) putContact(ctx *gin.Context) {
	if c.contact.Ask == AskNever || c.contact.Ask == "" {
		c.fail(ctx, dialog.Errorf(dialog.ENOTFOUND, "this chat does not ask for contact details"))
		return
	}
	body, err := readBody(ctx)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	var req contactRequest
	err = decodeObject(body, map[string]*string{
		"session": &req.Session, "name": &req.Name, "email": &req.Email, "phone": &req.Phone,
	})
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if !idPattern.MatchString(req.Session) {
		c.fail(ctx, dialog.Errorf(dialog.EINVALID, "session must be 1 to 128 letters, digits or ._:-"))
		return
	}
	contact, err := c.contact.validate(req.Name, req.Email, req.Phone)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if err := c.limitNewSession(ctx, req.Session); err != nil {
		c.fail(ctx, err)
		return
	}
	conv, err := c.engine.SetContact(ctx.Request.Context(), ChannelName, req.Session, contact)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	ctx.JSON(http.StatusOK, contactResponse{ConversationID: conv.ID,
		Name: conv.CustomerName, Email: conv.CustomerEmail, Phone: conv.CustomerPhone})
}

// validate checks contact details a customer typed against the form and
// returns them cleaned: trimmed, a phone number as "+" and digits (or
// digits alone when typed without "+"). Its errors name the field.
func (f ContactForm) validate(name, email, phone string) (dialog.Contact, error) {
	given := map[string]string{
		FieldName:  strings.TrimSpace(name),
		FieldEmail: strings.TrimSpace(email),
		FieldPhone: strings.TrimSpace(phone),
	}
	for _, field := range []string{FieldName, FieldEmail, FieldPhone} {
		if given[field] != "" && !slices.Contains(f.Fields, field) {
			return dialog.Contact{}, dialog.Errorf(dialog.EINVALID, "%s: this chat does not ask for it", field)
		}
	}
	for _, field := range f.Required {
		if given[field] == "" {
			return dialog.Contact{}, dialog.Errorf(dialog.EINVALID, "%s: required", field)
		}
	}
	if given[FieldName] == "" && given[FieldEmail] == "" && given[FieldPhone] == "" {
		return dialog.Contact{}, dialog.Errorf(dialog.EINVALID, "give at least one of: %s", strings.Join(f.Fields, ", "))
	}
	var c dialog.Contact
	var err error
	if c.Name, err = validName(given[FieldName]); err != nil {
		return dialog.Contact{}, err
	}
	if c.Email, err = validEmail(given[FieldEmail]); err != nil {
		return dialog.Contact{}, err
	}
	if c.Phone, err = validPhone(given[FieldPhone]); err != nil {
		return dialog.Contact{}, err
	}
	return c, nil
}

// validName checks a name: at most 200 characters, no control characters,
// something visible.
func validName(s string) (string, error) {
	switch {
	case s == "":
		return "", nil
	case !utf8.ValidString(s):
		return "", dialog.Errorf(dialog.EINVALID, "name: not valid UTF-8")
	case utf8.RuneCountInString(s) > maxNameLength:
		return "", dialog.Errorf(dialog.EINVALID, "name: longer than %d characters", maxNameLength)
	}
	if err := noControl("name", s); err != nil {
		return "", err
	}
	if !dialog.HasVisibleText(s) {
		return "", dialog.Errorf(dialog.EINVALID, "name: only invisible characters")
	}
	return s, nil
}

// validEmail checks an e-mail address: a bare address (no display name,
// no comments) whose domain has a dot, at most 254 characters.
func validEmail(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	invalid := dialog.Errorf(dialog.EINVALID, "email: not an e-mail address like name@example.com")
	if !utf8.ValidString(s) || len(s) > maxEmailLength {
		return "", invalid
	}
	if err := noControl("email", s); err != nil {
		return "", err
	}
	if strings.ContainsAny(s, " <>\"(),;:[]\\") {
		return "", invalid
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", invalid
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") || !strings.Contains(strings.Trim(domain, "."), ".") ||
		strings.Contains(domain, "..") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", invalid
	}
	return s, nil
}

// validPhone checks a phone number: 7 to 15 digits, with an optional
// leading "+", and the spaces, dashes, dots and brackets people group
// them with, which are dropped.
func validPhone(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	invalid := dialog.Errorf(dialog.EINVALID, "phone: not a phone number of %d to %d digits, like +7 900 123-45-67", minPhoneDigits, maxPhoneDigits)
	if len(s) > maxPhoneLength {
		return "", invalid
	}
	var b strings.Builder
	rest := s
	if strings.HasPrefix(rest, "+") {
		b.WriteByte('+')
		rest = rest[1:]
	}
	digits := 0
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", invalid
		}
	}
	if digits < minPhoneDigits || digits > maxPhoneDigits {
		return "", invalid
	}
	return b.String(), nil
}

// noControl refuses control characters and the invisible format
// characters that reorder or hide text (bidi overrides).
func noControl(field, s string) error {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) && r != '\u200d' {
			return dialog.Errorf(dialog.EINVALID, "%s: contains the character %U", field, r)
		}
	}
	return nil
}

// requireContact refuses a message or a file in a chat whose form asks,
// before the first message, for details the conversation does not have
// yet: the page locks its input until then, and the API holds any other
// client to the same rule. Chats with nothing required pass at no cost.
func (c *Channel) requireContact(ctx context.Context, session string) error {
	if c.contact.Ask != AskBeforeChat || len(c.contact.Required) == 0 {
		return nil
	}
	var have dialog.Contact
	conv, err := c.engine.Store().ConversationByChat(ctx, ChannelName, session)
	switch {
	case err == nil:
		have = conv.Contact()
	case dialog.ErrorCode(err) != dialog.ENOTFOUND:
		return err
	}
	given := map[string]string{FieldName: have.Name, FieldEmail: have.Email, FieldPhone: have.Phone}
	var missing []string
	for _, field := range c.contact.Required {
		if given[field] == "" {
			missing = append(missing, field)
		}
	}
	if len(missing) > 0 {
		return dialog.Errorf(dialog.EINVALID, "contact details first: %s (PUT /api/v1/webchat/contact)", strings.Join(missing, ", "))
	}
	return nil
}
