package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/firstline-support/firstline/dialog"
)

// notifyChannel is the PostgreSQL notification channel events travel on.
// Channels are per database, not per schema: stores in other schemas of
// the same database hear each other's events, which only costs them a
// needless re-read.
const notifyChannel = "firstline_events"

// Notifier settings.
const (
	// notifyQueue is how many events may wait to be sent. A burst beyond
	// it is dropped: live views re-read on any event, so the next one
	// brings them up to date.
	notifyQueue = 256
	// notifyTimeout bounds sending one event, so that a server that does
	// not answer cannot hold the queue up for long.
	notifyTimeout = 5 * time.Second
	// Reconnecting the listener waits minRetry after the first failure,
	// doubling up to maxRetry.
	minRetry = 100 * time.Millisecond
	maxRetry = 30 * time.Second
)

// Notifier carries events between replicas that share one database. The
// engine publishes through it; it sends each event to the database with
// pg_notify, and hands every notification it hears, its own included, to
// the local publisher (the process's broker). Every replica thus sees each
// event once, the one it came from too, so the engine must publish only
// through the Notifier.
//
// Nothing is sent or heard until Run is running.
type Notifier struct {
	db    *DB
	local dialog.Publisher
	log   *slog.Logger
	queue chan dialog.Event
}

var _ dialog.Publisher = (*Notifier)(nil)

// NewNotifier returns a Notifier that sends through db's pool, listens on a
// connection of its own made with db's settings, and hands what it hears to
// local (usually a *broker.Broker). A nil log discards log output.
func NewNotifier(db *DB, local dialog.Publisher, log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{
		db:    db,
		local: local,
		log:   log.With("channel", notifyChannel),
		queue: make(chan dialog.Event, notifyQueue),
	}
}

// Publish implements dialog.Publisher: it queues e to be sent and never
// blocks. When the queue is full, e is dropped.
func (n *Notifier) Publish(e dialog.Event) {
	select {
	case n.queue <- e:
	default:
		n.log.Debug("event queue full: event dropped", "kind", e.Kind)
	}
}

// Run sends queued events and listens for everyone's until ctx is done,
// then returns nil. A listening connection that breaks is made again,
// waiting longer after each failure; each time it is (re)made, Run
// publishes an event without ids locally so that live views re-read what
// they show: a notification missed meanwhile only delays an update.
func (n *Notifier) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { n.send(ctx) })
	n.listen(ctx)
	wg.Wait()
	return nil
}

// send sends queued events until ctx is done.
func (n *Notifier) send(ctx context.Context) {
	failing := false // log a failure once, not once per event
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-n.queue:
			err := n.notify(ctx, e)
			switch {
			case err != nil && ctx.Err() != nil:
				return
			case err != nil && !failing:
				n.log.Warn("cannot send events to other replicas; dropping them until the database answers", "err", err)
				failing = true
			case err == nil && failing:
				n.log.Info("sending events to other replicas again")
				failing = false
			}
		}
	}
}

// notify sends one event.
func (n *Notifier) notify(ctx context.Context, e dialog.Event) error {
	return n.db.Notify(ctx, e)
}

// Notify sends e to the Notifiers of every replica on the database now,
// and waits for it to be sent. It is for a program that runs no Notifier
// of its own, such as a command that disables a user and wants the
// servers' live views to check their users at once.
func (db *DB) Notify(ctx context.Context, e dialog.Event) error {
	payload, err := encodeEvent(e)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, notifyTimeout)
	defer cancel()
	if _, err := db.pool.Exec(ctx, "SELECT pg_notify($1, $2)", notifyChannel, payload); err != nil {
		return storeErr("notify", err)
	}
	return nil
}

// listen keeps a listening connection until ctx is done, making it again
// whenever it breaks.
func (n *Notifier) listen(ctx context.Context) {
	wait := minRetry
	for {
		listened, err := n.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if listened {
			wait = minRetry // it worked for a while: retry at once-ish
		}
		n.log.Warn("not hearing other replicas' events; reconnecting", "in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, maxRetry)
	}
}

// listenOnce connects, listens and hands notifications on until the
// connection breaks or ctx is done. It reports whether it got as far as
// listening.
func (n *Notifier) listenOnce(ctx context.Context) (bool, error) {
	conn, err := pgx.ConnectConfig(ctx, n.db.pool.Config().ConnConfig)
	if err != nil {
		return false, storeErr("connect", err)
	}
	// ctx may be done already: closing still needs a little time.
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return false, storeErr("listen", err)
	}
	n.log.Debug("listening for events", "pid", conn.PgConn().PID())
	// Whatever was sent while nobody listened is lost: have views re-read.
	n.local.Publish(dialog.Event{Kind: dialog.EventTicket})
	for {
		note, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, storeErr("wait for notification", err)
		}
		e, err := decodeEvent(note.Payload)
		if err != nil {
			// Not ours (something else used the channel): a re-read is harmless.
			n.log.Warn("unreadable event", "err", err)
			e = dialog.Event{Kind: dialog.EventTicket}
		}
		n.local.Publish(e)
	}
}

// wireEvent is an event as it travels between replicas. Its JSON names are
// fixed here so that replicas of different versions understand each other.
type wireEvent struct {
	Kind           dialog.EventKind `json:"kind"`
	ConversationID int64            `json:"conversation_id,omitempty"`
	TicketID       int64            `json:"ticket_id,omitempty"`
	TicketNumber   string           `json:"ticket_number,omitempty"`
	Queue          string           `json:"queue,omitempty"`
	FromQueue      string           `json:"from_queue,omitempty"`
	Name           string           `json:"name,omitempty"`
	Notice         dialog.Notice    `json:"notice,omitempty"`
	Assignee       string           `json:"assignee,omitempty"`
	Customer       string           `json:"customer,omitempty"`
	Preview        string           `json:"preview,omitempty"`
	By             string           `json:"by,omitempty"`
}

// encodeEvent returns the payload of a notification carrying e.
func encodeEvent(e dialog.Event) (string, error) {
	b, err := json.Marshal(wireEvent{
		Kind:           e.Kind,
		ConversationID: e.ConversationID,
		TicketID:       e.TicketID,
		TicketNumber:   e.TicketNumber,
		Queue:          e.Queue,
		FromQueue:      e.FromQueue,
		Name:           e.Name,
		Notice:         e.Notice,
		Assignee:       e.Assignee,
		Customer:       e.Customer,
		Preview:        e.Preview,
		By:             e.By,
	})
	if err != nil {
		return "", fmt.Errorf("encode event: %w", err)
	}
	return string(b), nil
}

// decodeEvent reads the event in a notification's payload.
func decodeEvent(payload string) (dialog.Event, error) {
	var w wireEvent
	if err := json.Unmarshal([]byte(payload), &w); err != nil {
		return dialog.Event{}, fmt.Errorf("decode event: %w", err)
	}
	if w.Kind == "" {
		return dialog.Event{}, fmt.Errorf("decode event: the event has no kind")
	}
	return dialog.Event{
		Kind:           w.Kind,
		ConversationID: w.ConversationID,
		TicketID:       w.TicketID,
		TicketNumber:   w.TicketNumber,
		Queue:          w.Queue,
		FromQueue:      w.FromQueue,
		Name:           w.Name,
		Notice:         w.Notice,
		Assignee:       w.Assignee,
		Customer:       w.Customer,
		Preview:        w.Preview,
		By:             w.By,
	}, nil
}
