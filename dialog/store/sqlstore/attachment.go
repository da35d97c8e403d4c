package sqlstore

import (
	"context"
	"fmt"

	"github.com/firstline-support/firstline/dialog"
)

// attachmentColumns are the columns scanAttachment reads, in order: all
// but the data.
const attachmentColumns = `id, message_id, kind, file_name, mime, size, created_at`

// Attachments lists the attachments of the given messages, without their
// data, in id order.
func (q Queries) Attachments(ctx context.Context, messageIDs []int64) ([]*dialog.Attachment, error) {
	if len(messageIDs) == 0 {
		return nil, nil
	}
	var a Args
	a.Where(q.d.In(&a, "message_id", messageIDs))
	return queryAll(ctx, q, "list attachments", scanAttachment,
		`SELECT `+attachmentColumns+` FROM attachments`+a.WhereClause()+` ORDER BY id`,
		a.List()...)
}

// Attachment returns the attachment with the given id, with its data.
func (q Queries) Attachment(ctx context.Context, id int64) (*dialog.Attachment, error) {
	return q.attachment(ctx, fmt.Sprintf("get attachment %d", id), id, "data")
}

// AttachmentPart returns the attachment with the given id and at most
// limit bytes of its data from offset on.
func (q Queries) AttachmentPart(ctx context.Context, id, offset int64, limit int) (*dialog.Attachment, error) {
	if offset < 0 || limit < 0 {
		return nil, dialog.Errorf(dialog.EINVALID, "a part of a file needs a non-negative offset and limit")
	}
	// substr counts a BLOB's (a bytea's) bytes, from 1; on PostgreSQL it
	// is substring by another name, and reads only the TOAST chunks the
	// part spans of a value stored uncompressed.
	return q.attachment(ctx, fmt.Sprintf("get part of attachment %d", id), id, "substr(data, $2, $3)", offset+1, limit)
}

// attachment reads the attachment with the given id ($1) and, as its
// data, the expression data (with its arguments from $2 on).
func (q Queries) attachment(ctx context.Context, op string, id int64, data string, args ...any) (*dialog.Attachment, error) {
	row := q.q.QueryRow(ctx,
		`SELECT `+attachmentColumns+`, `+data+` FROM attachments WHERE id = $1`, append([]any{id}, args...)...)
	var a dialog.Attachment
	err := row.Scan(&a.ID, &a.MessageID, &a.Kind, &a.FileName, &a.MIME, &a.Size, scanTime(&a.CreatedAt), &a.Data)
	if noRows(err) {
		return nil, dialog.Errorf(dialog.ENOTFOUND, "attachment %d not found", id)
	} else if err != nil {
		return nil, q.d.Err(op, err)
	}
	return &a, nil
}

// scanAttachment reads a row of attachmentColumns.
func scanAttachment(s scanner) (*dialog.Attachment, error) {
	var a dialog.Attachment
	err := s.Scan(&a.ID, &a.MessageID, &a.Kind, &a.FileName, &a.MIME, &a.Size, scanTime(&a.CreatedAt))
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// AddAttachment stores a file of a message and sets a.ID, a.CreatedAt
// (when zero) and a.Size (when zero, to the length of the data). A file
// over dialog.MaxAttachmentSize fails with ETOOLARGE; one without a kind,
// with a size other than its data's, or of a message that does not exist
// fails with EINVALID.
func (t *Tx) AddAttachment(ctx context.Context, a *dialog.Attachment) error {
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
	created := t.stamp(a.CreatedAt)
	data := a.Data
	if data == nil {
		data = []byte{} // an empty file, not a NULL
	}
	row := t.q.QueryRow(ctx,
		`INSERT INTO attachments (message_id, kind, file_name, mime, size, created_at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		RETURNING id`,
		a.MessageID, a.Kind, a.FileName, a.MIME, size, t.timeArg(created), data)
	var id int64
	err := row.Scan(&id)
	if t.d.ForeignKey(err) {
		return dialog.Errorf(dialog.EINVALID, "attachment of message %d, which does not exist", a.MessageID)
	} else if err != nil {
		return t.d.Err(fmt.Sprintf("add attachment to message %d", a.MessageID), err)
	}
	a.ID = id
	a.Size = size
	a.CreatedAt = created
	return nil
}
