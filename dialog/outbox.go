package dialog

import "time"

// OutboxStatus is where an outbound delivery stands.
type OutboxStatus string

// Outbox statuses.
const (
	OutboxPending OutboxStatus = "pending" // to be sent, now or at NextAttemptAt
	OutboxSent    OutboxStatus = "sent"    // the channel accepted every part
	OutboxFailed  OutboxStatus = "failed"  // the channel refused it for good (a bad request)
	OutboxBlocked OutboxStatus = "blocked" // the customer blocked the bot; not retried
)

// OutboxItem is one outbound message waiting to be delivered through a
// channel that pushes to customers (Telegram, WhatsApp). It is written in
// the same transaction as the message, so a message the engine committed is
// never lost on its way out, and items of one chat go out one at a time, in
// order.
type OutboxItem struct {
	ID             int64
	MessageID      int64
	ConversationID int64
	Channel        string
	ChatID         string
	Text           string
	Buttons        []string
	Status         OutboxStatus
	// PartsSent counts the parts already delivered when a long text goes
	// out in several, so a retry resumes where it stopped.
	PartsSent     int
	Attempts      int
	NextAttemptAt time.Time // not before this
	ClaimedUntil  time.Time // a sender is working on it until then
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
}

// InboxItem is one update a channel received, stored before the channel
// tells its server it was received, so that a crash loses nothing; it is
// then processed exactly once.
type InboxItem struct {
	Channel     string
	ExternalID  string // unique per channel, e.g. Telegram's update_id
	Payload     []byte // the update as received
	ReceivedAt  time.Time
	ProcessedAt time.Time // zero until processed
}

// Attachment is a file a customer sent: a photo, a document, a voice
// message.
type Attachment struct {
	ID        int64
	MessageID int64
	Kind      string // "photo", "document", "voice"
	FileName  string
	MIME      string
	Size      int64
	Data      []byte // empty in lists; read with Queries.Attachment
	CreatedAt time.Time
}

// Attachment kinds.
const (
	AttachmentPhoto    = "photo"
	AttachmentDocument = "document"
	AttachmentVoice    = "voice"
)

// MaxAttachmentSize is the largest file kept; Telegram's Bot API hands
// bots files up to 20 MB.
const MaxAttachmentSize = 20 << 20
