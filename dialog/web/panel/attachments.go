package panel

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// inlineImages are the image types the panel shows in the page; anything
// else a customer sends is offered as a download, never rendered.
var inlineImages = map[string]bool{
	"image/jpeg": true,
	"image/png":  true,
	"image/gif":  true,
	"image/webp": true,
}

// withAttachments fills in the attachments (without their data) of msgs.
func (p *Panel) withAttachments(ctx context.Context, msgs []*dialog.Message) error {
	ids := make([]int64, 0, len(msgs))
	byID := make(map[int64]*dialog.Message, len(msgs))
	for _, m := range msgs {
		if m.Author == dialog.AuthorCustomer {
			ids = append(ids, m.ID)
			byID[m.ID] = m
		}
	}
	if len(ids) == 0 {
		return nil
	}
	atts, err := p.store.Attachments(ctx, ids)
	if err != nil {
		return fmt.Errorf("get attachments: %w", err)
	}
	for _, a := range atts {
		if m := byID[a.MessageID]; m != nil {
			m.Attachments = append(m.Attachments, a)
		}
	}
	return nil
}

// attachmentChunk is how much of a file is read from the store and
// written at a time: the memory one download holds, however large the
// file.
const attachmentChunk = 1 << 20

// attachment serves a file a customer sent. Images of the common types are
// shown inline; everything else downloads, and nothing is ever run: the
// response is sandboxed and its type is not sniffed. The file is read and
// sent a chunk at a time.
func (p *Panel) attachment(c *gin.Context) {
	lang := pageLang(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		p.fail(c, panelError(dialog.ENOTFOUND, lang, "error.not_found"))
		return
	}
	ctx := c.Request.Context()
	a, err := p.store.AttachmentPart(ctx, id, 0, attachmentChunk)
	if err == nil {
		err = p.checkAttachment(ctx, auth.CurrentUser(c), a)
	}
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		// The same answer for a file that does not exist and one of a
		// ticket the user may not see.
		err = panelError(dialog.ENOTFOUND, lang, "error.not_found")
	}
	if err != nil {
		p.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	typ, disposition := "application/octet-stream", "attachment"
	if inlineImages[a.MIME] {
		typ, disposition = a.MIME, "inline"
	}
	name := a.FileName
	if name == "" {
		name = fmt.Sprintf("%s-%d", a.Kind, a.ID)
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	h.Set("Content-Type", typ)
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	c.Status(http.StatusOK)

	// Once the headers are out a failure can only cut the response short,
	// which the client sees as a failed download against Content-Length.
	for sent := int64(0); ; {
		if _, err := c.Writer.Write(a.Data); err != nil {
			return // the client went away
		}
		sent += int64(len(a.Data))
		if sent >= a.Size {
			return
		}
		if len(a.Data) == 0 {
			p.log.Error("attachment shorter than its size", "attachment", id, "size", a.Size, "sent", sent)
			return
		}
		if a, err = p.store.AttachmentPart(ctx, id, sent, attachmentChunk); err != nil {
			p.log.Error("read attachment", "attachment", id, "offset", sent, "err", err)
			return
		}
	}
}

// isInlineImage reports whether the page shows an attachment as a picture.
func isInlineImage(a *dialog.Attachment) bool {
	return inlineImages[a.MIME]
}
