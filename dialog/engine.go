package dialog

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firstline-support/firstline/dialog/calendar"
	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// MaxTextLength is the longest message, in characters, the engine accepts
// from a customer or an agent. It matches Telegram's limit.
const MaxTextLength = 4096

// Config is the engine's behaviour, from configs/firstline.yaml.
type Config struct {
	// AskFeedback asks "did this help?" after an answer, unless the intent
	// says otherwise.
	AskFeedback bool
	// DefaultQueue and DefaultPriority go on tickets whose intent sets none.
	DefaultQueue    string
	DefaultPriority string
	// DefaultLanguage is used until a customer writes something whose
	// language can be told.
	DefaultLanguage string
	// Queues are the queues tickets can be in, first line first; a transfer
	// must name one of them.
	Queues []string
	// QueueNames are the queues' names as customers read them, by queue
	// and language ({"second_line": {"en": "Second line"}}); a queue
	// without one is named by queueName's defaults.
	QueueNames map[string]map[string]string
	// SLA is the policy per priority; a priority missing here has no
	// deadlines.
	SLA map[string]SLA
	// Hours are the working hours by queue, "" being the default for
	// queues not listed; SLA deadlines count working time only. A queue
	// with no calendar (and no default) is always open; see hours.go.
	Hours map[string]*calendar.Calendar
	// Shifts are agents' working hours by user name: auto-assignment
	// gives an agent with a shift tickets only within it (and within the
	// queue's hours); an agent without one is on shift whenever the
	// queue is open.
	Shifts map[string]*calendar.Calendar
	// ReopenWindow: when a conversation escalates again within this time
	// after its ticket was closed, the old ticket is reopened instead of a
	// new one being created.
	ReopenWindow time.Duration
	// LateNoticeBefore: the customer of an open ticket whose first
	// response or resolution deadline is this near and unmet is told,
	// once per deadline, that it runs late (the shared message
	// late_notice); with working hours this is working time, and no
	// notice is sent while the queue is closed; see LateNotices. 0 sends
	// none.
	LateNoticeBefore time.Duration
	// WaitingRemindAfter: a ticket waiting for the customer's answer
	// this long reminds them once (the shared message waiting_reminder);
	// 0 sends no reminder. WaitingCloseAfter: this long after the
	// reminder (after the start of the wait when there are no
	// reminders), the ticket closes (closed_no_reply); 0 never closes
	// it. See WaitingSweep.
	WaitingRemindAfter time.Duration
	WaitingCloseAfter  time.Duration
	// Location is the time zone the customer is told times in when the
	// ticket's queue has no working hours (their zone comes first); nil
	// is the server's.
	Location *time.Location
	// AutoAssign gives new tickets to the least-loaded online agent of the
	// ticket's queue; agents seen in the panel within OnlineWithin count as
	// online.
	AutoAssign   bool
	OnlineWithin time.Duration
	// AcknowledgeEvery: a message a customer adds to a queued ticket is
	// acknowledged (the shared message added_to_ticket) unless another
	// was within this time, so that a burst of messages gets one
	// acknowledgement. 0 acknowledges none.
	AcknowledgeEvery time.Duration
	// PushChannels are the channels whose customers get outbound messages
	// pushed to them (Telegram, WhatsApp): every message to such a customer
	// is queued in the outbox in the same transaction that writes it. The
	// web chat is not one: its page fetches messages itself.
	PushChannels []string
	// TeamNotice, when not nil, tells a team chat about new tickets of
	// some priorities; see TeamNotice.
	TeamNotice *TeamNotice
	// SecondOpinion, when not nil, asks a classifier (a language model)
	// about messages the matcher is unsure of; see kb.KB.Consult.
	SecondOpinion *kb.SecondOpinion
	// Observer, when not nil, is told what was done once it is committed,
	// for metrics; see observer.go.
	Observer Observer
}

// SLA is how soon a ticket must get its first agent reply and be resolved.
type SLA struct {
	FirstResponse time.Duration
	Resolution    time.Duration
}

// DefaultConfig is the engine's behaviour when the config file sets none.
var DefaultConfig = Config{
	AskFeedback:      true,
	DefaultQueue:     "first_line",
	DefaultPriority:  intents.PriorityNormal,
	DefaultLanguage:  intents.LangRU,
	Queues:           []string{"first_line", "second_line", "third_line"},
	LateNoticeBefore: 15 * time.Minute,
	SLA: map[string]SLA{
		intents.PriorityUrgent: {FirstResponse: 15 * time.Minute, Resolution: 4 * time.Hour},
		intents.PriorityHigh:   {FirstResponse: time.Hour, Resolution: 8 * time.Hour},
		intents.PriorityNormal: {FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour},
		intents.PriorityLow:    {FirstResponse: 24 * time.Hour, Resolution: 72 * time.Hour},
	},
	ReopenWindow:     7 * 24 * time.Hour,
	OnlineWithin:     2 * time.Minute,
	AcknowledgeEvery: 5 * time.Minute,

	WaitingRemindAfter: 48 * time.Hour,
	WaitingCloseAfter:  72 * time.Hour,
}

// Inbound is a customer message as a channel received it.
type Inbound struct {
	Channel      string // the channel's name, e.g. "webchat"
	ChatID       string // the channel's id of the chat
	ExternalID   string // the channel's id of the message, for deduplication; may be empty
	CustomerName string // the customer's display name, when the channel knows it
	Text         string // may be empty when the message has attachments
	// Attachments are files that came with the message (photos,
	// documents, voice), with their data.
	Attachments []*Attachment
}

// Outcome is what handling one inbound message produced.
type Outcome struct {
	Conversation *Conversation
	Message      *Message   // the stored inbound message
	Replies      []*Message // what the bot said in reply, in order
	Ticket       *Ticket    // the conversation's ticket, if it has one
	Match        kb.Result  // what the matcher made of the message; zero for commands and duplicates
	Duplicate    bool       // the message had been handled before; Replies are the earlier ones
	Escalation   string     // why this message escalated the conversation (a Reason* constant); "" when it did not
}

// Engine runs conversations: it stores every message, answers from the
// knowledge base, and escalates into tickets.
type Engine struct {
	store Store
	kb    *kb.Holder
	pub   Publisher
	cfg   Config
	log   *slog.Logger

	nowFunc func() time.Time // nil: the wall clock (see SetClock)
	// matchFunc, when not nil, replaces the knowledge base's matcher; only
	// tests set it.
	matchFunc func(ctx context.Context, k *kb.KB, text string) kb.Result
	typing    typingTable // who is writing to which customer (see AgentTyping)
}

// NewEngine returns an engine over store answering from the knowledge base
// in holder and telling pub (which may be nil) about every change. The
// store reads the time of its transactions from the engine's clock.
func NewEngine(store Store, holder *kb.Holder, pub Publisher, cfg Config, log *slog.Logger) *Engine {
	e := &Engine{store: store, kb: holder, pub: pub, cfg: cfg, log: log}
	store.SetClock(e.Now)
	return e
}

// Config returns the engine's configuration.
func (e *Engine) Config() Config { return e.cfg }

// publish hands committed changes to the publisher.
func (e *Engine) publish(events []Event) {
	if e.pub == nil {
		return
	}
	for _, ev := range events {
		e.pub.Publish(ev)
	}
}

// Store returns the engine's store, for the read side of the web layer.
func (e *Engine) Store() Store { return e.store }

// Handle processes one inbound customer message: it is stored, answered or
// escalated, all in one transaction, so that a message is acknowledged
// only once everything it caused is durable. A message whose ExternalID was
// seen before in the same conversation is not processed again; the earlier
// replies are returned.
func (e *Engine) Handle(ctx context.Context, in Inbound) (*Outcome, error) {
	text := strings.TrimSpace(in.Text)
	if err := validateInbound(in, text); err != nil {
		return nil, err
	}

	// Match before the transaction: it does not depend on the conversation
	// and must not hold the store's lock while it runs.
	cmd := parseCommand(text)
	var match kb.Result
	var question *kb.Question
	k, release := e.kb.Acquire()
	if cmd == "" {
		match = e.match(ctx, k, text)
		if so := e.cfg.SecondOpinion; so != nil && so.Wants(match) && e.botAnswers(ctx, in, k.Set(), text) {
			q := k.Question(text, match)
			question = &q
		}
	}
	if question != nil {
		// The model is asked without the knowledge base held, so that a
		// reload does not wait for it; an intent it picks that a reload
		// removed meanwhile is not answered (respond checks).
		release()
		match = e.cfg.SecondOpinion.Consult(ctx, *question, match)
		k, release = e.kb.Acquire()
	}
	defer release()

	var out *Outcome
	var events []Event
	err := e.store.Update(ctx, func(tx Tx) error {
		events = nil // a retried transaction starts over
		conv, err := tx.EnsureConversation(ctx, in.Channel, in.ChatID)
		if err != nil {
			return err
		}
		if in.ExternalID != "" {
			prev, err := tx.MessageByExternalID(ctx, conv.ID, in.ExternalID)
			if err == nil {
				out, err = replay(ctx, tx, conv, prev)
				return err
			} else if ErrorCode(err) != ENOTFOUND {
				return err
			}
		}
		p := decide(k.Set(), conv, cmd, text)
		t := &turn{e: e, ctx: ctx, tx: tx, conv: conv, set: k.Set(), rating: p.reaction == reactRate,
			match: func(text string) kb.Result { return e.match(ctx, k, text) }}
		if err := t.receive(in, cmd, text, match); err != nil {
			return err
		}
		if err := t.respond(p, text, match); err != nil {
			return err
		}
		if err := tx.UpdateConversation(ctx, conv); err != nil {
			return err
		}
		out = &Outcome{Conversation: conv, Message: t.in, Replies: t.replies, Ticket: t.ticket, Match: match}
		out.Escalation = t.escalation // for the observer
		events = t.events()
		return t.noticeEvents(events)
	})
	if err != nil {
		return nil, fmt.Errorf("handle %s message: %w", in.Channel, err)
	}
	e.publish(events)
	e.observeHandled(out) // metrics
	return out, nil
}

// match reads text with the knowledge base k.
func (e *Engine) match(ctx context.Context, k *kb.KB, text string) kb.Result {
	if e.matchFunc != nil {
		return e.matchFunc(ctx, k, text)
	}
	return k.Match(ctx, text, "")
}

// botAnswers reports whether the bot will act on what the matcher makes
// of in, a message with no command, so that a second opinion is not paid
// for a message only an agent reads, a redelivered one, a rating, a pick
// among a clarify question's options, or a yes or no to "did this help?".
// It reads the conversation outside the transaction, which decides again
// on the conversation as it then is. A failed lookup says yes: for a
// conversation not started yet that is what decide says, and the
// transaction reports any other failure.
func (e *Engine) botAnswers(ctx context.Context, in Inbound, set *intents.Set, text string) bool {
	conv, err := e.store.ConversationByChat(ctx, in.Channel, in.ChatID)
	if err != nil {
		return true
	}
	if in.ExternalID != "" {
		if _, err := e.store.MessageByExternalID(ctx, conv.ID, in.ExternalID); err == nil {
			return false
		}
	}
	return decide(set, conv, "", text).reaction == reactMatch
}

// validateInbound rejects what no channel should pass on.
func validateInbound(in Inbound, text string) error {
	switch {
	case in.Channel == "":
		return Errorf(EINVALID, "channel is required")
	case in.ChatID == "":
		return Errorf(EINVALID, "chat id is required")
	case IsErasedChatID(in.ChatID):
		// Such a chat id stands in for an erased customer's: nobody may
		// write into that conversation.
		return Errorf(EINVALID, "chat id %q is reserved", in.ChatID)
	case !utf8.ValidString(in.Text):
		return Errorf(EINVALID, "text is not valid UTF-8")
	case !HasVisibleText(text) && len(in.Attachments) == 0:
		return Errorf(EINVALID, "text is empty or has only invisible characters")
	case utf8.RuneCountInString(in.Text) > MaxTextLength:
		return Errorf(ETOOLARGE, "text is longer than %d characters", MaxTextLength)
	}
	// The store would refuse it too, but only after the matcher, and a
	// language model perhaps, had been asked about it.
	return CheckText(in.Channel, in.ChatID, in.ExternalID, in.CustomerName, in.Text)
}

// replay rebuilds the outcome of an inbound message handled before.
func replay(ctx context.Context, tx Tx, conv *Conversation, prev *Message) (*Outcome, error) {
	replies, err := tx.Messages(ctx, MessageFilter{ConversationID: conv.ID, ReplyTo: prev.ID})
	if err != nil {
		return nil, err
	}
	out := &Outcome{Conversation: conv, Message: prev, Replies: replies, Duplicate: true}
	if out.Ticket, err = currentTicket(ctx, tx, conv); err != nil {
		return nil, err
	}
	return out, nil
}

// currentTicket returns the conversation's ticket, or nil when it has none.
func currentTicket(ctx context.Context, q Queries, conv *Conversation) (*Ticket, error) {
	if conv.TicketID == 0 {
		return nil, nil
	}
	return q.Ticket(ctx, conv.TicketID)
}

// Commands a customer can type in any channel.
const (
	CommandStart  = "/start"
	CommandStatus = "/status"
	CommandHuman  = "/human"
)

// parseCommand returns the command text starts with, or "".
func parseCommand(text string) string {
	if !strings.HasPrefix(text, "/") {
		return ""
	}
	word := strings.ToLower(strings.Fields(text)[0])
	word, _, _ = strings.Cut(word, "@") // Telegram appends the bot's name in groups
	switch word {
	case CommandStart, CommandStatus, CommandHuman:
		return word
	}
	return ""
}

// TicketStatusText returns how a ticket's status is told to a customer.
func TicketStatusText(set *intents.Set, t *Ticket, lang string) string {
	name := intents.MsgStatusQueued
	switch t.Status {
	case TicketAssigned:
		name = intents.MsgStatusAgent
	case TicketWaiting:
		name = intents.MsgStatusWaiting
	case TicketClosed:
		name = intents.MsgStatusClosed
	}
	return set.Messages.Render(name, lang, nil)
}

// actor is who changes a conversation inside a transaction: a customer's
// turn or an agent's action on a ticket. Each records and tells the
// customer in its own way: a turn's events name its inbound message, and
// its messages reply to it and go back in the outcome.
type actor interface {
	// record appends an analytics event.
	record(a Activity) error
	// sayAs sends the shared message name to the customer from author.
	sayAs(author Author, name string) error
}

// addOutbound stores m, a message from the bot, the system or an agent, or
// an internal note, in conv, in the conversation's language and at the
// engine's time; queues it for the customer's channel; and has by record
// a message out, unless m is a note, which is not one.
func (e *Engine) addOutbound(ctx context.Context, tx Tx, conv *Conversation, m *Message, by actor) error {
	m.ConversationID = conv.ID
	m.Lang = conv.Lang
	m.CreatedAt = tx.Now()
	if err := tx.AddMessage(ctx, m); err != nil {
		return err
	}
	if err := e.queueDelivery(ctx, tx, conv, m); err != nil {
		return err
	}
	if m.Author == AuthorNote {
		return nil
	}
	return by.record(Activity{Kind: ActivityMessageOut, Author: m.Author, Agent: m.AuthorName})
}

// queueDelivery puts an outbound message in the outbox when the
// conversation's channel pushes messages to customers. Customers' own
// messages and internal notes are never delivered.
func (e *Engine) queueDelivery(ctx context.Context, tx Tx, conv *Conversation, m *Message) error {
	if m.Author == AuthorCustomer || m.Author == AuthorNote || !slices.Contains(e.cfg.PushChannels, conv.Channel) {
		return nil
	}
	return tx.EnqueueOutbox(ctx, &OutboxItem{
		MessageID:      m.ID,
		ConversationID: conv.ID,
		Channel:        conv.Channel,
		ChatID:         conv.ChatID,
		Text:           m.Text,
		Buttons:        m.Buttons,
		NextAttemptAt:  m.CreatedAt,
	})
}

// now returns the current time in UTC, to the microsecond the stores keep.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}
