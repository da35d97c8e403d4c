package storetest

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// addAttachment stores a in its own transaction.
func addAttachment(t *testing.T, s dialog.Store, a *dialog.Attachment) *dialog.Attachment {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.AddAttachment(t.Context(), a)
	})
	return a
}

// checkAttachment fails the test unless got and want are the same
// attachment, data included.
func checkAttachment(t *testing.T, what string, got, want *dialog.Attachment) {
	t.Helper()
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	if !bytes.Equal(got.Data, want.Data) {
		t.Errorf("%s: %d bytes of data, want %d bytes as stored", what, len(got.Data), len(want.Data))
	}
	g, w := *got, *want
	g.CreatedAt, w.CreatedAt = time.Time{}, time.Time{}
	g.Data, w.Data = nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// withoutData returns a copy of a without its data, as lists return it.
func withoutData(a *dialog.Attachment) *dialog.Attachment {
	c := *a
	c.Data = nil
	return &c
}

func testAttachments(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "telegram", "42")
	m1 := addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "photos"})
	m2 := addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "a document"})
	m3 := addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "nothing"})

	// Every byte value, so that no encoding on the way can pass unnoticed.
	binary := make([]byte, 512)
	for i := range binary {
		binary[i] = byte(i)
	}
	photo := addAttachment(t, s, &dialog.Attachment{
		MessageID: m1.ID,
		Kind:      dialog.AttachmentPhoto,
		FileName:  "photo.jpg",
		MIME:      "image/jpeg",
		Data:      binary,
	})
	doc := addAttachment(t, s, &dialog.Attachment{
		MessageID: m2.ID,
		Kind:      dialog.AttachmentDocument,
		FileName:  "Счёт №5.pdf",
		MIME:      "application/pdf",
		Size:      5,
		Data:      []byte("%PDF-"),
		CreatedAt: time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("MSK", 3*60*60)),
	})
	voice := addAttachment(t, s, &dialog.Attachment{
		MessageID: m1.ID,
		Kind:      dialog.AttachmentVoice,
		MIME:      "audio/ogg",
		Data:      []byte{},
	})
	if photo.ID == 0 || doc.ID <= photo.ID || voice.ID <= doc.ID {
		t.Fatalf("ids %d, %d, %d: want non-zero and increasing", photo.ID, doc.ID, voice.ID)
	}
	if photo.CreatedAt.IsZero() {
		t.Error("CreatedAt not set")
	}
	if photo.Size != int64(len(binary)) {
		t.Errorf("Size = %d, want the length of the data, %d", photo.Size, len(binary))
	}

	check := func(ctx context.Context, where string, q dialog.Queries) {
		for _, want := range []*dialog.Attachment{photo, doc, voice} {
			got, err := q.Attachment(ctx, want.ID)
			if err != nil {
				t.Fatalf("Attachment %d%s: %v", want.ID, where, err)
			}
			checkAttachment(t, want.FileName+where, got, want)
			checkParts(t, q, want.FileName+where, want)
		}

		tests := []struct {
			name string
			ids  []int64
			want []*dialog.Attachment
		}{
			{"all", []int64{m3.ID, m2.ID, m1.ID}, []*dialog.Attachment{photo, doc, voice}},
			{"one message", []int64{m1.ID}, []*dialog.Attachment{photo, voice}},
			{"a message without any", []int64{m3.ID}, nil},
			{"a missing message", []int64{m3.ID + 1000}, nil},
			{"no messages", nil, nil},
		}
		for _, tt := range tests {
			list, err := q.Attachments(ctx, tt.ids)
			if err != nil {
				t.Fatalf("Attachments(%v)%s: %v", tt.ids, where, err)
			}
			if len(list) != len(tt.want) {
				t.Errorf("%s%s: Attachments(%v) returned %d attachments, want %d", tt.name, where, tt.ids, len(list), len(tt.want))
				continue
			}
			for i, got := range list {
				if len(got.Data) != 0 {
					t.Errorf("%s%s: attachment %d listed with its data", tt.name, where, got.ID)
				}
				checkAttachment(t, tt.name+where, got, withoutData(tt.want[i]))
			}
		}
	}
	check(ctx, "", s)
	update(t, s, func(tx dialog.Tx) error {
		check(ctx, " in a transaction", tx)
		return nil
	})
}

// checkParts reads want in parts of several sizes and checks that each
// part comes with the attachment's fields and that the parts make up its
// data; and that a part at or past the end is empty.
func checkParts(t *testing.T, q dialog.Queries, what string, want *dialog.Attachment) {
	t.Helper()
	ctx := t.Context()
	for _, limit := range []int{1, 100, 511, 512, 4096} {
		var data []byte
		for off := int64(0); off < want.Size; off += int64(limit) {
			part, err := q.AttachmentPart(ctx, want.ID, off, limit)
			if err != nil {
				t.Fatalf("%s: AttachmentPart(%d, %d): %v", what, off, limit, err)
			}
			if n := min(int64(limit), want.Size-off); int64(len(part.Data)) != n {
				t.Fatalf("%s: AttachmentPart(%d, %d) has %d bytes, want %d", what, off, limit, len(part.Data), n)
			}
			checkAttachment(t, what+" part", withoutData(part), withoutData(want))
			data = append(data, part.Data...)
		}
		if !bytes.Equal(data, want.Data) {
			t.Errorf("%s: parts of %d bytes make up other data than stored", what, limit)
		}
	}
	for _, off := range []int64{want.Size, want.Size + 1, want.Size + 1000} {
		part, err := q.AttachmentPart(ctx, want.ID, off, 100)
		if err != nil || len(part.Data) != 0 {
			t.Errorf("%s: AttachmentPart at %d of %d bytes: %d bytes, %v; want none", what, off, want.Size, len(part.Data), err)
		}
	}
	part, err := q.AttachmentPart(ctx, want.ID, 0, 0)
	if err != nil || len(part.Data) != 0 {
		t.Errorf("%s: AttachmentPart of 0 bytes: %d bytes, %v; want none", what, len(part.Data), err)
	}
}

func testAttachmentPartErrors(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "telegram", "42")
	m := addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "a file"})
	a := addAttachment(t, s, &dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentDocument, Data: []byte("abc")})
	_, err := s.AttachmentPart(ctx, a.ID+1000, 0, 10)
	checkCode(t, "missing attachment", err, dialog.ENOTFOUND)
	_, err = s.AttachmentPart(ctx, a.ID, -1, 10)
	checkCode(t, "negative offset", err, dialog.EINVALID)
	_, err = s.AttachmentPart(ctx, a.ID, 0, -1)
	checkCode(t, "negative limit", err, dialog.EINVALID)
}

func testAddAttachmentLimits(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	c := ensure(t, s, "telegram", "42")
	m := addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "a file"})

	// The largest file allowed is kept whole.
	largest := make([]byte, dialog.MaxAttachmentSize)
	for i := range largest {
		largest[i] = byte(i * 7)
	}
	big := addAttachment(t, s, &dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentDocument, Data: largest})
	got, err := s.Attachment(ctx, big.ID)
	if err != nil {
		t.Fatalf("Attachment: %v", err)
	}
	checkAttachment(t, "largest", got, big)
	// Parts of the largest file, the last one cut short by its end.
	const part = 1 << 20
	for off := int64(0); off < big.Size; off += part * 7 {
		p, err := s.AttachmentPart(ctx, big.ID, off, part)
		if err != nil {
			t.Fatalf("AttachmentPart(%d): %v", off, err)
		}
		if !bytes.Equal(p.Data, largest[off:min(off+part, big.Size)]) {
			t.Errorf("AttachmentPart(%d) of the largest file: other bytes than stored", off)
		}
	}
	tail, err := s.AttachmentPart(ctx, big.ID, big.Size-10, part)
	if err != nil || !bytes.Equal(tail.Data, largest[big.Size-10:]) {
		t.Errorf("the last 10 bytes of the largest file: %d bytes, %v", len(tail.Data), err)
	}

	tests := []struct {
		name string
		a    dialog.Attachment
		code string
	}{
		{"data too large", dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentDocument,
			Data: make([]byte, dialog.MaxAttachmentSize+1)}, dialog.ETOOLARGE},
		{"size too large", dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentDocument,
			Size: dialog.MaxAttachmentSize + 1, Data: []byte("x")}, dialog.ETOOLARGE},
		{"missing message", dialog.Attachment{MessageID: m.ID + 1000, Kind: dialog.AttachmentPhoto,
			Data: []byte("x")}, dialog.EINVALID},
		{"no message", dialog.Attachment{Kind: dialog.AttachmentPhoto, Data: []byte("x")}, dialog.EINVALID},
		{"no kind", dialog.Attachment{MessageID: m.ID, Data: []byte("x")}, dialog.EINVALID},
		{"size not the data's", dialog.Attachment{MessageID: m.ID, Kind: dialog.AttachmentPhoto,
			Size: 2, Data: []byte("x")}, dialog.EINVALID},
	}
	for _, tt := range tests {
		err := s.Update(ctx, func(tx dialog.Tx) error {
			return tx.AddAttachment(ctx, &tt.a)
		})
		checkCode(t, tt.name, err, tt.code)
	}
	list, err := s.Attachments(ctx, []int64{m.ID, m.ID + 1000})
	if err != nil {
		t.Fatalf("Attachments: %v", err)
	}
	if len(list) != 1 || list[0].ID != big.ID {
		t.Errorf("Attachments after the refused ones = %d attachments, want only the largest", len(list))
	}
}
