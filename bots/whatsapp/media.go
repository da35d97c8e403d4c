package whatsapp

import (
	"context"
	"fmt"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"

	"github.com/firstline-support/firstline/dialog"
)

// file is an attachment of a message, before it is downloaded.
type file struct {
	kind  string // dialog.AttachmentPhoto, ...
	name  string
	mime  string
	size  uint64 // as the sender announced it
	media whatsmeow.DownloadableMessage
}

// content returns a message's text (its caption, for a file) and its
// files. Both are empty for what firstline does not keep: stickers,
// reactions, locations, contacts, polls, and WhatsApp's own protocol
// messages.
func content(msg *waE2E.Message) (text string, files []file) {
	switch {
	case msg.GetConversation() != "":
		return msg.GetConversation(), nil
	case msg.GetExtendedTextMessage() != nil:
		return msg.GetExtendedTextMessage().GetText(), nil
	case msg.GetImageMessage() != nil:
		m := msg.GetImageMessage()
		return m.GetCaption(), []file{{
			kind: dialog.AttachmentPhoto, name: "photo" + extension(m.GetMimetype()),
			mime: m.GetMimetype(), size: m.GetFileLength(), media: m,
		}}
	case msg.GetDocumentMessage() != nil:
		m := msg.GetDocumentMessage()
		name := first(m.GetFileName(), m.GetTitle(), "document"+extension(m.GetMimetype()))
		return m.GetCaption(), []file{{
			kind: dialog.AttachmentDocument, name: name,
			mime: m.GetMimetype(), size: m.GetFileLength(), media: m,
		}}
	case msg.GetAudioMessage() != nil:
		m := msg.GetAudioMessage()
		f := file{kind: dialog.AttachmentVoice, name: "voice" + extension(m.GetMimetype()),
			mime: m.GetMimetype(), size: m.GetFileLength(), media: m}
		if !m.GetPTT() { // an audio file sent as such, not a voice note
			f.kind, f.name = dialog.AttachmentDocument, "audio"+extension(m.GetMimetype())
		}
		return "", []file{f}
	case msg.GetVideoMessage() != nil:
		m := msg.GetVideoMessage()
		return m.GetCaption(), []file{{
			kind: dialog.AttachmentDocument, name: "video" + extension(m.GetMimetype()),
			mime: m.GetMimetype(), size: m.GetFileLength(), media: m,
		}}
	}
	return "", nil
}

// download fetches the files of message id. A file that is too large or
// cannot be fetched is left out, and a note in the message's text says so,
// so that agents know the customer sent it.
func (c *Channel) download(ctx context.Context, id string, files []file) (attachments []*dialog.Attachment, notes []string) {
	for _, f := range files {
		if f.size > dialog.MaxAttachmentSize {
			c.log.Warn("whatsapp file not kept: too large", "id", id, "size", f.size)
			notes = append(notes, fmt.Sprintf("[%s not kept: %s, over the %s limit]", f.name, megabytes(int64(f.size)), megabytes(dialog.MaxAttachmentSize)))
			continue
		}
		data, err := c.client.Download(ctx, f.media)
		if err != nil {
			c.log.Warn("whatsapp file not kept: download failed", "id", id, "err", err)
			notes = append(notes, fmt.Sprintf("[%s not kept: the download failed]", f.name))
			continue
		}
		if len(data) > dialog.MaxAttachmentSize {
			c.log.Warn("whatsapp file not kept: too large", "id", id, "size", len(data))
			notes = append(notes, fmt.Sprintf("[%s not kept: %s, over the %s limit]", f.name, megabytes(int64(len(data))), megabytes(dialog.MaxAttachmentSize)))
			continue
		}
		attachments = append(attachments, &dialog.Attachment{
			Kind:     f.kind,
			FileName: f.name,
			MIME:     f.mime,
			Size:     int64(len(data)),
			Data:     data,
		})
	}
	return attachments, notes
}

// extension returns the usual file name extension of the MIME types
// WhatsApp sends, or "" for others.
func extension(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "audio/ogg; codecs=opus", "audio/ogg":
		return ".ogg"
	case "audio/mp4", "audio/aac":
		return ".m4a"
	case "audio/mpeg":
		return ".mp3"
	case "video/mp4":
		return ".mp4"
	case "application/pdf":
		return ".pdf"
	}
	return ""
}

// megabytes formats a size for a note, e.g. "31.5 MB".
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// first returns the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
