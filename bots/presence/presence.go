// Package presence shows customers on messengers that an agent is writing
// to them: Telegram's "typing…", WhatsApp's "composing". It is a courtesy,
// not a message: nothing is stored or retried, and a signal that fails or
// comes too soon after the last one is dropped.
package presence

import (
	"context"
	"log/slog"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Every is the least time between two signals to one chat. Messengers
// show one for about five seconds, and the panel repeats it every three
// while the agent types.
const Every = 4 * time.Second

// callTimeout bounds one signal, so that a messenger that does not answer
// holds the relay up for little longer than the signal would be shown.
const callTimeout = 5 * time.Second

// Typer is a channel that can show a customer that someone is writing.
type Typer interface {
	// Name is the channel's name, as on conversations.
	Name() string
	// Typing shows it in the chat chatID once; the messenger hides it
	// after a few seconds or when a message arrives.
	Typing(ctx context.Context, chatID string) error
}

// Relay passes agents' typing (dialog.EventTyping) on to the customers of
// one channel. It reads each conversation it signals from the store, at
// most once per Every; one Run calls the channel one signal at a time, so
// a slow messenger costs dropped events (the broker drops what a busy
// subscriber cannot take), never a growing queue.
type Relay struct {
	store dialog.Store
	typer Typer
	now   func() time.Time
	log   *slog.Logger
	last  map[int64]time.Time // by conversation id: when it was last signalled
}

// New returns a relay to typer's customers. now is the clock the limit of
// one signal per Every follows (the engine's Now); store finds the chat of
// a conversation.
func New(store dialog.Store, typer Typer, now func() time.Time, log *slog.Logger) *Relay {
	return &Relay{store: store, typer: typer, now: now, log: log.With("channel", typer.Name()), last: map[int64]time.Time{}}
}

// Run relays the typing among events until ctx is done or events is
// closed.
func (r *Relay) Run(ctx context.Context, events <-chan dialog.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			r.relay(ctx, e)
		}
	}
}

// relay signals the customer of e's conversation, if e is an agent typing
// in one of the channel's conversations not signalled within Every.
func (r *Relay) relay(ctx context.Context, e dialog.Event) {
	if e.Kind != dialog.EventTyping || e.Name == "" || e.ConversationID == 0 {
		return
	}
	now := r.now()
	if at, ok := r.last[e.ConversationID]; ok && now.Sub(at) < Every {
		return
	}
	// Only conversations signalled within Every are worth keeping: the
	// map holds no more than the agents typing now.
	for id, at := range r.last {
		if now.Sub(at) >= Every {
			delete(r.last, id)
		}
	}
	r.last[e.ConversationID] = now
	conv, err := r.store.Conversation(ctx, e.ConversationID)
	if err != nil {
		r.log.Debug("typing not shown: conversation not read", "conversation", e.ConversationID, "err", err)
		return
	}
	if conv.Channel != r.typer.Name() || conv.Erased() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	if err := r.typer.Typing(ctx, conv.ChatID); err != nil {
		r.log.Debug("typing not shown", "conversation", conv.ID, "err", err)
	}
}
