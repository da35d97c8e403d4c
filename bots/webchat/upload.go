package webchat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
)

// Uploads bound the files customers attach in the web chat.
type Uploads struct {
	// MaxBytes is the largest file accepted; 0 turns uploads off. It is
	// at most dialog.MaxAttachmentSize.
	MaxBytes int64
	// Types are the media types accepted, as read from the file's first
	// bytes (http.DetectContentType), never as the client declares them.
	Types []string
}

// DefaultUploads accept pictures, PDFs and plain text of up to 10 MiB:
// screenshots, photos of a device, a bill, a log.
func DefaultUploads() Uploads {
	return Uploads{
		MaxBytes: 10 << 20,
		Types:    []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"},
	}
}

// Enabled reports whether customers may attach files.
func (u Uploads) Enabled() bool { return u.MaxBytes > 0 }

// maxFileNameLength bounds the name a file is stored under, in characters.
const maxFileNameLength = 255

// uploadTimeout is how long reading one upload, or sending one file
// back, may take: a 10 MiB file over a slow mobile link of 300 kbit/s
// takes some 4.5 minutes. The server's own timeouts are shorter, for
// every other request.
const uploadTimeout = 5 * time.Minute

// maxUploadsAtOnce bounds the uploads one process reads at a time, each
// held in memory whole until it is stored: at most this many times
// Uploads.MaxBytes.
const maxUploadsAtOnce = 16

// attachmentChunk is how much of a file is read from the store and
// written at a time when it is served.
const attachmentChunk = 1 << 20

// fileInfo is an attachment as the page shows it: never its data.
type fileInfo struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	MIME  string `json:"mime"`
	Size  int64  `json:"size"`
	Image bool   `json:"image"`
}

func newFileInfo(a *dialog.Attachment) fileInfo {
	return fileInfo{ID: a.ID, Name: a.FileName, MIME: a.MIME, Size: a.Size, Image: a.Kind == dialog.AttachmentPhoto}
}

// uploadResponse is the answer to POST /api/v1/webchat/files.
type uploadResponse struct {
	postResponse
	MessageID int64      `json:"message_id"`
	Files     []fileInfo `json:"files"`
}

// uploadRequest is what POST /api/v1/webchat/files carries besides the
// file: its query parameters.
type uploadRequest struct {
	Session   string
	MessageID string
	FileName  string
	Caption   string
}

// parseUploadQuery reads and checks the query parameters of an upload.
// Each may appear once.
func parseUploadQuery(raw string) (uploadRequest, error) {
	var req uploadRequest
	if len(raw) > MaxBodyBytes {
		return req, dialog.Errorf(dialog.ETOOLARGE, "the query is longer than %d KiB", MaxBodyBytes>>10)
	}
	q, err := parseQuery(raw)
	if err != nil {
		return req, err
	}
	fields := map[string]*string{"session": &req.Session, "message_id": &req.MessageID, "file_name": &req.FileName, "caption": &req.Caption}
	for key, values := range q {
		dst, ok := fields[key]
		switch {
		case !ok:
			return req, dialog.Errorf(dialog.EINVALID, "unknown parameter %s", quoteKey(key))
		case len(values) > 1:
			return req, dialog.Errorf(dialog.EINVALID, "parameter %q appears more than once", key)
		}
		*dst = values[0]
	}
	switch {
	case !idPattern.MatchString(req.Session):
		return req, dialog.Errorf(dialog.EINVALID, "session must be 1 to 128 letters, digits or ._:-")
	case !idPattern.MatchString(req.MessageID):
		return req, dialog.Errorf(dialog.EINVALID, "message_id must be 1 to 128 letters, digits or ._:-")
	case utf8.RuneCountInString(req.Caption) > dialog.MaxTextLength:
		return req, dialog.Errorf(dialog.ETOOLARGE, "caption is longer than %d characters", dialog.MaxTextLength)
	}
	if err := checkText(req.Caption, ""); err != nil {
		return req, dialog.Errorf(dialog.EINVALID, "caption: %s", dialog.ErrorMessage(err))
	}
	name, err := cleanFileName(req.FileName)
	if err != nil {
		return req, err
	}
	req.FileName = name
	return req, nil
}

// parseQuery is url.ParseQuery that refuses what it would skip or
// mangle: a malformed escape, a semicolon, text that is not UTF-8.
func parseQuery(raw string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, dialog.Errorf(dialog.EINVALID, "the query is malformed")
	}
	for k, vs := range q {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return nil, dialog.Errorf(dialog.EINVALID, "the query is not valid UTF-8")
			}
		}
	}
	return q, nil
}

// cleanFileName is the name a file is kept under: the last element of the
// path a browser may send (Windows' too), without control characters. An
// empty name stays empty: the panel names such a file by its kind.
func cleanFileName(name string) (string, error) {
	if utf8.RuneCountInString(name) > maxFileNameLength {
		return "", dialog.Errorf(dialog.EINVALID, "file_name is longer than %d characters", maxFileNameLength)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", dialog.Errorf(dialog.EINVALID, "file_name contains the control character %U", r)
		}
	}
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == ".." || !dialog.HasVisibleText(name) {
		return "", nil
	}
	return name, nil
}

// fileType is the media type of data as its first bytes tell, without
// parameters ("text/plain", not "text/plain; charset=utf-8").
func fileType(data []byte) string {
	typ := http.DetectContentType(data)
	if t, _, err := mime.ParseMediaType(typ); err == nil {
		return t
	}
	return typ
}

// postFile is POST /api/v1/webchat/files?session=&message_id=&file_name=&caption=
// with the file as the request body. The file becomes a customer message
// with an attachment, handled like a text message: the same message_id
// again is stored and answered once.
func (c *Channel) postFile(ctx *gin.Context) {
	if !c.uploads.Enabled() {
		c.fail(ctx, dialog.Errorf(dialog.ENOTFOUND, "this chat does not accept files"))
		return
	}
	req, err := parseUploadQuery(ctx.Request.URL.RawQuery)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if err := c.requireContact(ctx.Request.Context(), req.Session); err != nil {
		c.fail(ctx, err)
		return
	}
	select {
	case c.uploadSlots <- struct{}{}:
		defer func() { <-c.uploadSlots }()
	default:
		c.setRetryAfter(ctx, 5*time.Second)
		c.fail(ctx, dialog.Errorf(dialog.ERATELIMIT, "too many files are being sent right now; try again in a few seconds"))
		return
	}
	// A large file over a slow link may take longer than the server
	// lets other requests take; where the writer cannot say, the
	// server's limit stands.
	_ = http.NewResponseController(ctx.Writer).SetReadDeadline(time.Now().Add(uploadTimeout))
	data, err := c.readFile(ctx)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	typ := fileType(data)
	if !slices.Contains(c.uploads.Types, typ) {
		c.fail(ctx, dialog.Errorf(dialog.EUNSUPPORTED, "files of type %s are not accepted; send %s", typ, strings.Join(c.uploads.Types, ", ")))
		return
	}
	if err := c.limitNewSession(ctx, req.Session); err != nil {
		c.fail(ctx, err)
		return
	}
	kind := dialog.AttachmentDocument
	if strings.HasPrefix(typ, "image/") {
		kind = dialog.AttachmentPhoto
	}
	out, err := c.engine.Handle(ctx.Request.Context(), dialog.Inbound{
		Channel:    ChannelName,
		ChatID:     req.Session,
		ExternalID: req.MessageID,
		Text:       req.Caption,
		Attachments: []*dialog.Attachment{{Kind: kind, FileName: req.FileName, MIME: typ,
			Size: int64(len(data)), Data: data}},
	})
	if err != nil {
		c.fail(ctx, err)
		return
	}
	resp := uploadResponse{postResponse: newPostResponse(out), MessageID: out.Message.ID, Files: []fileInfo{}}
	atts := out.Message.Attachments
	if out.Duplicate { // the attachments of the message stored before
		if atts, err = c.engine.Store().Attachments(ctx.Request.Context(), []int64{out.Message.ID}); err != nil {
			c.fail(ctx, err)
			return
		}
	}
	for _, a := range atts {
		resp.Files = append(resp.Files, newFileInfo(a))
	}
	ctx.JSON(http.StatusOK, resp)
}

// readFile reads an upload's body, refusing one over the limit before
// reading it when it says its length, and as soon as it passes the limit
// otherwise.
func (c *Channel) readFile(ctx *gin.Context) ([]byte, error) {
	tooLarge := dialog.Errorf(dialog.ETOOLARGE, "the file is larger than %s", formatSize(c.uploads.MaxBytes))
	if ctx.Request.ContentLength > c.uploads.MaxBytes {
		return nil, tooLarge
	}
	body := http.MaxBytesReader(ctx.Writer, ctx.Request.Body, c.uploads.MaxBytes)
	data, err := io.ReadAll(body)
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return nil, tooLarge
	case err != nil:
		return nil, dialog.Errorf(dialog.EINVALID, "could not read the file")
	case len(data) == 0:
		return nil, dialog.Errorf(dialog.EINVALID, "the file is empty")
	}
	return data, nil
}

// formatSize is a size in bytes as people read it.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// getFile is GET /api/v1/webchat/files/{id}?session=: a file the customer
// of that session sent, and only that: a file of another conversation, or
// of an erased one, is not found, as one that does not exist. Pictures are
// shown inline; anything else downloads, and nothing is ever run.
func (c *Channel) getFile(ctx *gin.Context) {
	notFound := dialog.Errorf(dialog.ENOTFOUND, "no such file in this chat")
	session := ctx.Query("session")
	if !idPattern.MatchString(session) {
		c.fail(ctx, dialog.Errorf(dialog.EINVALID, "session must be 1 to 128 letters, digits or ._:-"))
		return
	}
	id, err := strconv.ParseInt(ctx.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		c.fail(ctx, notFound)
		return
	}
	rctx := ctx.Request.Context()
	a, err := c.sessionFile(rctx, session, id)
	if dialog.ErrorCode(err) == dialog.ENOTFOUND {
		err = notFound
	}
	if err != nil {
		c.fail(ctx, err)
		return
	}
	h := ctx.Writer.Header()
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	typ, disposition := "application/octet-stream", "attachment"
	if a.Kind == dialog.AttachmentPhoto && strings.HasPrefix(a.MIME, "image/") {
		typ, disposition = a.MIME, "inline"
	}
	name := a.FileName
	if name == "" {
		name = fmt.Sprintf("%s-%d", a.Kind, a.ID)
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	h.Set("Content-Type", typ)
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	_ = http.NewResponseController(ctx.Writer).SetWriteDeadline(time.Now().Add(uploadTimeout))
	ctx.Status(http.StatusOK)
	// Once the headers are out a failure can only cut the response short.
	for sent := int64(0); ; {
		if _, err := ctx.Writer.Write(a.Data); err != nil {
			return // the client went away
		}
		sent += int64(len(a.Data))
		if sent >= a.Size || len(a.Data) == 0 {
			return
		}
		if a, err = c.engine.Store().AttachmentPart(rctx, id, sent, attachmentChunk); err != nil {
			c.log.Error("read attachment", "attachment", id, "offset", sent, "err", err)
			return
		}
	}
}

// sessionFile returns the first part of attachment id when the customer
// of session sent it; ENOTFOUND otherwise.
func (c *Channel) sessionFile(ctx context.Context, session string, id int64) (*dialog.Attachment, error) {
	store := c.engine.Store()
	conv, err := store.ConversationByChat(ctx, ChannelName, session)
	if err != nil {
		return nil, err
	}
	if conv.Erased() {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "erased")
	}
	a, err := store.AttachmentPart(ctx, id, 0, attachmentChunk)
	if err != nil {
		return nil, err
	}
	m, err := store.Message(ctx, a.MessageID)
	if err != nil {
		return nil, err
	}
	if m.ConversationID != conv.ID || m.Author != dialog.AuthorCustomer {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "another conversation's")
	}
	return a, nil
}

// withFiles adds to the messages of a poll the files their customer
// messages came with.
func (c *Channel) withFiles(ctx context.Context, msgs []*dialog.Message, out []message) error {
	var ids []int64
	for _, m := range msgs {
		if m.Author == dialog.AuthorCustomer {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	atts, err := c.engine.Store().Attachments(ctx, ids)
	if err != nil {
		return err
	}
	byMessage := make(map[int64][]fileInfo)
	for _, a := range atts {
		byMessage[a.MessageID] = append(byMessage[a.MessageID], newFileInfo(a))
	}
	for i := range out {
		out[i].Files = byMessage[out[i].ID]
	}
	return nil
}
