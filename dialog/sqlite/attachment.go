package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/firstline-support/firstline/dialog"
)

// attachmentColumns are the columns scanAttachment reads, in order: all
// but the data.
const attachmentColumns = `id, message_id, kind, file_name, mime, size, created_at`

// Attachments lists the attachments of the given messages, without their
// data, in id order.
func (q queries) Attachments(ctx context.Context, messageIDs []int64) ([]*dialog.Attachment, error) {
	if len(messageIDs) == 0 {
		return nil, nil
	}
	marks := make([]string, len(messageIDs))
	args := make([]any, len(messageIDs))
	for i, id := range messageIDs {
		marks[i] = "?"
		args[i] = id
	}
	return queryAll(ctx, q.q, "list attachments", scanAttachment,
		`SELECT `+attachmentColumns+` FROM attachments
		WHERE message_id IN (`+strings.Join(marks, ", ")+`)
		ORDER BY id`,
		args...)
}

// Attachment returns the attachment with the given id, with its data.
func (q queries) Attachment(ctx context.Context, id int64) (*dialog.Attachment, error) {
	return q.attachment(ctx, fmt.Sprintf("get attachment %d", id), id, "data")
}

// AttachmentPart returns the attachment with the given id and at most
// limit bytes of its data from offset on.
func (q queries) AttachmentPart(ctx context.Context, id, offset int64, limit int) (*dialog.Attachment, error) {
	if offset < 0 || limit < 0 {
		return nil, dialog.Errorf(dialog.EINVALID, "a part of a file needs a non-negative offset and limit")
	}
	// substr counts a BLOB's bytes, from 1.
	return q.attachment(ctx, fmt.Sprintf("get part of attachment %d", id), id, "substr(data, ?, ?)", offset+1, limit)
}

// attachment reads the attachment with the given id and, as its data,
// the expression data (with its arguments before the id's).
func (q queries) attachment(ctx context.Context, op string, id int64, data string, args ...any) (*dialog.Attachment, error) {
	row := q.q.QueryRowContext(ctx,
		`SELECT `+attachmentColumns+`, `+data+` FROM attachments WHERE id = ?`, append(args, id)...)
	var (
		a         dialog.Attachment
		createdAt string
	)
	err := row.Scan(&a.ID, &a.MessageID, &a.Kind, &a.FileName, &a.MIME, &a.Size, &createdAt, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "attachment %d not found", id)
	} else if err != nil {
		return nil, storeErr(op, err)
	}
	if a.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, storeErr(op, err)
	}
	return &a, nil
}

// scanAttachment reads a row of attachmentColumns.
func scanAttachment(s scanner) (*dialog.Attachment, error) {
	var (
		a         dialog.Attachment
		createdAt string
	)
	err := s.Scan(&a.ID, &a.MessageID, &a.Kind, &a.FileName, &a.MIME, &a.Size, &createdAt)
	if err != nil {
		return nil, err
	}
	if a.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	return &a, nil
}

// AddAttachment stores a file of a message and sets a.ID, a.CreatedAt
// (when zero) and a.Size (when zero, to the length of the data). A file
// over dialog.MaxAttachmentSize fails with ETOOLARGE; one without a kind,
// with a size other than its data's, or of a message that does not exist
// fails with EINVALID.
func (t *tx) AddAttachment(ctx context.Context, a *dialog.Attachment) error {
	if err := a.CheckText(); err != nil {
		return err
	}
	if a.Size > dialog.MaxAttachmentSize || len(a.Data) > dialog.MaxAttachmentSize {
		return dialog.Errorf(dialog.ETOOLARGE, "a file may have at most %d bytes", dialog.MaxAttachmentSize)
	}
	if a.Kind == "" {
		return dialog.Errorf(dialog.EINVALID, "an attachment needs a kind")
	}
	size := a.Size
	if size == 0 {
		size = int64(len(a.Data))
	}
	if size != int64(len(a.Data)) {
		return dialog.Errorf(dialog.EINVALID, "attachment size %d, but %d bytes of data", a.Size, len(a.Data))
	}
	created := a.CreatedAt
	if created.IsZero() {
		created = now()
	}
	data := a.Data
	if data == nil {
		data = []byte{} // an empty file, not a NULL
	}
	row := t.q.QueryRowContext(ctx,
		`INSERT INTO attachments (message_id, kind, file_name, mime, size, created_at, data)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		a.MessageID, a.Kind, a.FileName, a.MIME, size, formatTime(created), data)
	var id int64
	err := row.Scan(&id)
	if isForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "attachment of message %d, which does not exist", a.MessageID)
	} else if err != nil {
		return storeErr(fmt.Sprintf("add attachment to message %d", a.MessageID), err)
	}
	a.ID = id
	a.Size = size
	a.CreatedAt = created
	return nil
}
