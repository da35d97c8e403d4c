package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/dialog"
)

// downloadTimeout bounds the download of one file (up to 20 MB).
const downloadTimeout = 2 * time.Minute

// Notes added to a message's text, with the file's name, when a file of it
// is not kept.
const (
	noteTooLarge    = "[file too large: %s]"
	noteUnavailable = "[file unavailable: %s]"
)

// errTooLarge and errGone are the download failures that retrying cannot
// help: the file is over the limit, or the server no longer has it.
var (
	errTooLarge = errors.New("file too large")
	errGone     = errors.New("file gone")
)

// fileRef is a file a message refers to, as Telegram describes it.
type fileRef struct {
	kind   string
	fileID string
	name   string
	mime   string
	size   int64 // as Telegram declares it; 0 when unknown
}

// fileRefs lists the files of a message: the largest size of a photo, a
// document, a voice message.
func fileRefs(m *models.Message) []fileRef {
	var refs []fileRef
	if p := largestPhoto(m.Photo); p != nil {
		refs = append(refs, fileRef{kind: dialog.AttachmentPhoto, fileID: p.FileID, mime: "image/jpeg", size: int64(p.FileSize)})
	}
	if d := m.Document; d != nil {
		refs = append(refs, fileRef{kind: dialog.AttachmentDocument, fileID: d.FileID, name: d.FileName, mime: d.MimeType, size: d.FileSize})
	}
	if v := m.Voice; v != nil {
		mime := v.MimeType
		if mime == "" {
			mime = "audio/ogg"
		}
		refs = append(refs, fileRef{kind: dialog.AttachmentVoice, fileID: v.FileID, mime: mime, size: v.FileSize})
	}
	return refs
}

// largestPhoto picks the biggest of the sizes Telegram offers a photo in.
func largestPhoto(sizes []models.PhotoSize) *models.PhotoSize {
	var best *models.PhotoSize
	for i := range sizes {
		p := &sizes[i]
		if best == nil || p.Width*p.Height > best.Width*best.Height ||
			(p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize) {
			best = p
		}
	}
	return best
}

// attachments downloads the files of a message. A file that is too large,
// or that Telegram no longer has, is not kept: a note for the message's
// text names it instead. A download failure that may pass is returned,
// unless giveUp is set: then that file is noted as unavailable too.
func (c *Channel) attachments(ctx context.Context, m *models.Message, giveUp bool) ([]*dialog.Attachment, []string, error) {
	var files []*dialog.Attachment
	var notes []string
	for _, ref := range fileRefs(m) {
		a := &dialog.Attachment{Kind: ref.kind, FileName: ref.name, MIME: ref.mime}
		err := c.download(ctx, ref, a)
		name := a.FileName
		if name == "" {
			name = ref.kind
		}
		switch {
		case err == nil:
			files = append(files, a)
		case errors.Is(err, errTooLarge):
			notes = append(notes, fmt.Sprintf(noteTooLarge, name))
		case errors.Is(err, errGone):
			notes = append(notes, fmt.Sprintf(noteUnavailable, name))
		case giveUp:
			c.log.Warn("giving up on a telegram file", "kind", ref.kind, "err", err)
			notes = append(notes, fmt.Sprintf(noteUnavailable, name))
		default:
			return nil, nil, fmt.Errorf("download %s: %w", ref.kind, err)
		}
	}
	return files, notes, nil
}

// download fetches a file's data into a, and its name when a has none.
func (c *Channel) download(ctx context.Context, ref fileRef, a *dialog.Attachment) error {
	if ref.size > dialog.MaxAttachmentSize {
		return errTooLarge
	}
	gctx, cancel := context.WithTimeout(ctx, apiTimeout)
	f, err := c.api.GetFile(gctx, &bot.GetFileParams{FileID: ref.fileID})
	cancel()
	switch {
	case errors.Is(err, bot.ErrorBadRequest) && strings.Contains(err.Error(), "too big"):
		return errTooLarge
	case errors.Is(err, bot.ErrorBadRequest):
		return fmt.Errorf("getFile: %w: %w", errGone, err)
	case err != nil:
		return fmt.Errorf("getFile: %w", err)
	case f.FileSize > dialog.MaxAttachmentSize:
		return errTooLarge
	case f.FilePath == "":
		return fmt.Errorf("getFile: no path to download from: %w", errGone)
	}
	data, err := c.fetch(ctx, c.api.FileDownloadLink(f))
	if err != nil {
		return err
	}
	a.Data = data
	a.Size = int64(len(data))
	if a.FileName == "" {
		a.FileName = path.Base(f.FilePath)
	}
	return nil
}

// fetch downloads a file, reading at most dialog.MaxAttachmentSize bytes.
func (c *Channel) fetch(ctx context.Context, link string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, fmt.Errorf("download file: %w", withoutURL(err))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download file: %w", withoutURL(err))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return nil, fmt.Errorf("download file: HTTP %d: %w", resp.StatusCode, errGone)
	default:
		return nil, fmt.Errorf("download file: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, dialog.MaxAttachmentSize+1))
	if err != nil {
		return nil, fmt.Errorf("download file: %w", err)
	}
	if len(data) > dialog.MaxAttachmentSize {
		return nil, errTooLarge
	}
	return data, nil
}
