package main

import (
	"fmt"
	"regexp"

	"github.com/firstline-support/firstline/bots/webchat"
	"github.com/firstline-support/firstline/dialog"
)

// uploadSettings bound the files customers attach in the web chat. The
// fields are webchat.Uploads', so that one converts to the other.
type uploadSettings struct {
	MaxBytes int64    `yaml:"max_bytes"`
	Types    []string `yaml:"types"`
}

// contactSettings are the web chat's contact form. The fields are
// webchat.ContactForm's, so that one converts to the other.
type contactSettings struct {
	Ask      string   `yaml:"ask"`
	Fields   []string `yaml:"fields"`
	Required []string `yaml:"required"`
}

// mediaTypePattern is a media type without parameters, as
// http.DetectContentType names one.
var mediaTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$`)

// check reports the first web chat setting out of range.
func (w webchatSettings) check() error {
	u := w.Uploads
	switch {
	case u.MaxBytes < 0 || u.MaxBytes > dialog.MaxAttachmentSize:
		return fmt.Errorf("webchat.uploads.max_bytes must be 0 (no files) to %d, got %d", dialog.MaxAttachmentSize, u.MaxBytes)
	case u.MaxBytes > 0 && len(u.Types) == 0:
		return fmt.Errorf("webchat.uploads.types must list at least one type, or max_bytes be 0")
	}
	for _, t := range u.Types {
		if !mediaTypePattern.MatchString(t) {
			return fmt.Errorf("webchat.uploads.types: %q is not a media type like image/png", t)
		}
	}
	if err := webchat.ContactForm(w.Contact).Check(); err != nil {
		return fmt.Errorf("webchat.contact.%w", err)
	}
	return nil
}
