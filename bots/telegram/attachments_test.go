package telegram_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog"
)

// TestAttachments sends a photo, a document, a voice message and a file
// over the size limit: the files are stored with their messages, the
// largest size of the photo is taken, a failed download is retried, and
// the file over the limit is named in the text instead.
func TestAttachments(t *testing.T) {
	e := newEnv(t)
	photo := bytes.Repeat([]byte{0xFF, 0xD8, 0xFF}, 1000)
	pdf := []byte("%PDF-1.7 договор")
	voice := []byte("OggS voice")
	e.fake.AddFile("photo-small", "photos/file_0.jpg", []byte("small"))
	e.fake.AddFile("photo-big", "photos/file_1.jpg", photo)
	e.fake.AddFile("doc-1", "documents/file_2.pdf", pdf)
	e.fake.AddFile("voice-1", "voice/file_3.oga", voice)
	e.fake.FailNext("file", 1, telegramtest.ServerError())

	withPhoto := telegramtest.Message(42, "Анна")
	withPhoto.Caption = "вот фото роутера"
	withPhoto.Photo = []models.PhotoSize{
		{FileID: "photo-small", Width: 90, Height: 67, FileSize: 5},
		{FileID: "photo-big", Width: 1280, Height: 960, FileSize: len(photo)},
	}
	withDoc := telegramtest.Message(42, "Анна")
	withDoc.Document = &models.Document{FileID: "doc-1", FileName: "договор.pdf", MimeType: "application/pdf", FileSize: int64(len(pdf))}
	withVoice := telegramtest.Message(42, "Анна")
	withVoice.Voice = &models.Voice{FileID: "voice-1", Duration: 3, MimeType: "audio/ogg", FileSize: int64(len(voice))}
	withHuge := telegramtest.Message(42, "Анна")
	withHuge.Caption = "видео"
	withHuge.Document = &models.Document{FileID: "doc-huge", FileName: "video.mp4", MimeType: "video/mp4", FileSize: dialog.MaxAttachmentSize + 1}

	spy := newSpy(e.store)
	e.start(telegram.Config{}, spy)
	var ids []int64
	for _, m := range []*models.Message{withPhoto, withDoc, withVoice, withHuge} {
		ids = append(ids, e.fake.Push(models.Update{Message: m}))
	}
	spy.waitProcessed(t, ids...)

	var inbound []*dialog.Message
	for _, m := range e.transcript(42) {
		if m.Author == dialog.AuthorCustomer {
			inbound = append(inbound, m)
		}
	}
	if len(inbound) != 4 {
		t.Fatalf("%d customer messages, want 4", len(inbound))
	}
	for i, tc := range []struct {
		text string
		want dialog.Attachment
		data []byte
	}{
		{"вот фото роутера", dialog.Attachment{Kind: dialog.AttachmentPhoto, FileName: "file_1.jpg", MIME: "image/jpeg", Size: int64(len(photo))}, photo},
		{"", dialog.Attachment{Kind: dialog.AttachmentDocument, FileName: "договор.pdf", MIME: "application/pdf", Size: int64(len(pdf))}, pdf},
		{"", dialog.Attachment{Kind: dialog.AttachmentVoice, FileName: "file_3.oga", MIME: "audio/ogg", Size: int64(len(voice))}, voice},
		{"видео\n[file too large: video.mp4]", dialog.Attachment{}, nil},
	} {
		m := inbound[i]
		if m.Text != tc.text {
			t.Errorf("message %d text %q, want %q", i, m.Text, tc.text)
		}
		list, err := e.store.Attachments(e.ctx, []int64{m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if tc.want.Kind == "" {
			if len(list) != 0 {
				t.Errorf("message %d has attachments %+v; a file over the limit is not kept", i, list)
			}
			continue
		}
		if len(list) != 1 {
			t.Errorf("message %d has %d attachments, want 1", i, len(list))
			continue
		}
		got := list[0]
		if got.Kind != tc.want.Kind || got.FileName != tc.want.FileName || got.MIME != tc.want.MIME || got.Size != tc.want.Size {
			t.Errorf("message %d attachment %+v, want %+v", i, got, tc.want)
		}
		full, err := e.store.Attachment(e.ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(full.Data, tc.data) {
			t.Errorf("message %d attachment data %q, want %q", i, truncate(full.Data), truncate(tc.data))
		}
	}
	if n := e.fake.Calls("getFile"); n != 4 {
		t.Errorf("getFile was called %d times, want 4: the photo twice (its download failed once), the document and the voice, not the file over the limit", n)
	}
}

func truncate(b []byte) string {
	s := string(b)
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return strings.Clone(s)
}
