package dialog_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
)

// stores are the stores the erasure tests run on.
var stores = []struct {
	name string
	open func(t *testing.T) dialog.Store
}{
	{"sqlite", func(t *testing.T) dialog.Store { return dialogtest.Store(t, nil) }},
	{"postgres", func(t *testing.T) dialog.Store {
		db, err := postgres.Open(t.Context(), pgtest.Database(t), nil)
		if err != nil {
			t.Fatalf("open PostgreSQL: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}},
}

// quiet is a logger that drops everything.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// say sends text as the customer of a test chat.
func say(t *testing.T, e *dialog.Engine, chat, id, text string) *dialog.Outcome {
	t.Helper()
	out, err := e.Handle(t.Context(), dialog.Inbound{Channel: "test", ChatID: chat, ExternalID: id,
		CustomerName: "Customer " + chat, Text: text})
	if err != nil {
		t.Fatalf("send %q: %v", text, err)
	}
	return out
}

func TestErase(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := t.Context()
			store := st.open(t)
			e := dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), nil, dialog.DefaultConfig, quiet)
			const marker = "Mq4uniqueWords"
			out := say(t, e, "c1", "1", "где мой заказ "+marker)
			ticket := say(t, e, "c1", "2", "/human").Ticket
			conv := out.Conversation

			_, err := e.Erase(ctx, conv.ID)
			if dialog.ErrorCode(err) != dialog.ECONFLICT {
				t.Fatalf("erasing a conversation with an open ticket: %v, want a conflict", err)
			}
			if _, err := e.Close(ctx, act(ticket.Number, "olga")); err != nil {
				t.Fatal(err)
			}
			events, err := store.Activities(ctx, dialog.ActivityFilter{})
			if err != nil {
				t.Fatal(err)
			}

			erased, err := e.Erase(ctx, conv.ID)
			if err != nil {
				t.Fatalf("Erase: %v", err)
			}
			if !erased.Erased() || erased.CustomerName != "" || erased.ChatID != dialog.ErasedChatID(conv.ID) {
				t.Errorf("erased conversation: %+v", erased)
			}
			msgs, err := store.Messages(ctx, dialog.MessageFilter{ConversationID: conv.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if m.Text != "" {
					t.Errorf("message %d (%s) kept its text %q", m.ID, m.Author, m.Text)
				}
			}
			tk, err := store.TicketByNumber(ctx, ticket.Number)
			if err != nil || tk.CustomerName != "" || tk.Status != dialog.TicketClosed {
				t.Errorf("erased ticket: %+v, %v", tk, err)
			}
			after, err := store.Activities(ctx, dialog.ActivityFilter{})
			if err != nil || len(after) != len(events) {
				t.Errorf("%d analytics events after the erasure (%v), want %d", len(after), err, len(events))
			}

			again, err := e.Erase(ctx, conv.ID)
			if err != nil || !again.ErasedAt.Equal(erased.ErasedAt) {
				t.Errorf("erasing again: %v, erased at %s; want no error and %s", err, again.ErasedAt, erased.ErasedAt)
			}
			if _, err := e.EraseChat(ctx, "test", "c1"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
				t.Errorf("erasing the erased chat by its chat id: %v, want not found", err)
			}
			if _, err := e.EraseChat(ctx, "test", "nobody"); dialog.ErrorCode(err) != dialog.ENOTFOUND ||
				!strings.Contains(err.Error(), "nobody") {
				t.Errorf("erasing an unknown customer: %v, want a not found naming the chat", err)
			}
			if _, err := e.Erase(ctx, 999); dialog.ErrorCode(err) != dialog.ENOTFOUND {
				t.Errorf("erasing an unknown conversation: %v, want not found", err)
			}
			// Nobody can write into the erased conversation by its new
			// chat id; the customer's own chat starts afresh.
			_, err = e.Handle(ctx, dialog.Inbound{Channel: "test", ChatID: erased.ChatID, Text: "hello"})
			if dialog.ErrorCode(err) != dialog.EINVALID {
				t.Errorf("a message to chat %q: %v, want it refused", erased.ChatID, err)
			}
			if fresh := say(t, e, "c1", "3", "привет").Conversation; fresh.ID == conv.ID {
				t.Error("the erased customer's next message went into the erased conversation")
			}
			// No note goes onto the erased conversation's ticket: one
			// naming the customer would never be erased.
			if _, err := e.Note(ctx, act(ticket.Number, "olga"), "note about "+marker); dialog.ErrorCode(err) != dialog.ECONFLICT ||
				!strings.Contains(err.Error(), "erased") {
				t.Errorf("note on the erased conversation's ticket: %v, want a conflict saying it was erased", err)
			}
			if msgs, err := store.Messages(ctx, dialog.MessageFilter{ConversationID: conv.ID}); err != nil || len(msgs) == 0 || msgs[len(msgs)-1].Text != "" {
				t.Errorf("the erased conversation's transcript after a refused note: %v", err)
			}

			// By chat id, on a customer not erased yet.
			say(t, e, "c2", "1", "hello "+marker)
			byChat, err := e.EraseChat(ctx, "test", "c2")
			if err != nil || !byChat.Erased() {
				t.Errorf("EraseChat: %+v, %v", byChat, err)
			}
		})
	}
}

// clockAt returns a clock that reads the wall clock moved by offset.
func clockAt(offset time.Duration) func() time.Time {
	return func() time.Time { return time.Now().Add(offset) }
}

func TestRetentionSweep(t *testing.T) {
	const period = 365 * 24 * time.Hour
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := t.Context()
			store := st.open(t)
			e := dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), nil, dialog.DefaultConfig, quiet)
			withBot := say(t, e, "bot", "1", "где мой заказ").Conversation
			queued := say(t, e, "queued", "1", "/human")
			closed := say(t, e, "closed", "1", "/human")
			if _, err := e.Close(ctx, act(closed.Ticket.Number, "olga")); err != nil {
				t.Fatal(err)
			}

			// Within the period nothing is due.
			e.SetClock(clockAt(period - time.Hour))
			r := dialog.NewRetainer(e, period, 0, quiet)
			if listed, erased, err := r.Sweep(ctx); err != nil || listed != 0 || erased != 0 {
				t.Errorf("sweep within the period: listed %d, erased %d, %v; want nothing", listed, erased, err)
			}

			e.SetClock(clockAt(period + time.Hour))
			if listed, erased, err := r.Sweep(ctx); err != nil || listed != 2 || erased != 2 {
				t.Errorf("sweep after the period: listed %d, erased %d, %v; want 2 and 2", listed, erased, err)
			}
			for _, c := range []struct {
				id    int64
				erase bool
			}{{withBot.ID, true}, {closed.Conversation.ID, true}, {queued.Conversation.ID, false}} {
				got, err := store.Conversation(ctx, c.id)
				if err != nil {
					t.Fatal(err)
				}
				if got.Erased() != c.erase {
					t.Errorf("conversation %d (%s): erased %v, want %v", c.id, got.State, got.Erased(), c.erase)
				}
			}
			if listed, erased, err := r.Sweep(ctx); err != nil || listed != 0 || erased != 0 {
				t.Errorf("a second sweep: listed %d, erased %d, %v; want nothing", listed, erased, err)
			}
		})
	}
}

// TestRetentionReplicas runs the retention of two replicas over one
// database at once: each due conversation is erased once, and neither
// fails.
func TestRetentionReplicas(t *testing.T) {
	const period = 24 * time.Hour
	const n = 30
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			store := st.open(t)
			var engines []*dialog.Engine
			for range 2 {
				e := dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), nil, dialog.DefaultConfig, quiet)
				engines = append(engines, e)
			}
			for i := range n {
				say(t, engines[0], "chat"+string(rune('A'+i)), "1", "привет")
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			// Both clocks are set before either replica sweeps: the store
			// reads its time from the engine made last.
			for _, e := range engines {
				e.SetClock(clockAt(period + time.Hour))
			}
			for _, e := range engines {
				r := dialog.NewRetainer(e, period, 0, quiet)
				wg.Go(func() {
					for {
						listed, erased, err := r.Sweep(context.Background())
						if err != nil {
							t.Errorf("sweep: %v", err)
							return
						}
						mu.Lock()
						total += erased
						mu.Unlock()
						if listed == 0 {
							return
						}
					}
				})
			}
			wg.Wait()
			if total != n {
				t.Errorf("the replicas erased %d conversations together, want %d", total, n)
			}
			left, err := store.IdleConversations(t.Context(), time.Now().Add(period), 0)
			if err != nil || len(left) != 0 {
				t.Errorf("left to erase: %v, %v", left, err)
			}
		})
	}
}

// TestRetainerRun runs the retention job on fake time: it erases nothing
// within the period, erases at the first tick after it, and stops when
// its context ends.
func TestRetainerRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const period = 48 * time.Hour
		store := dialogtest.Store(t, nil)
		// No knowledge base: the job needs none, and the search index's
		// workers live outside the bubble.
		e := dialog.NewEngine(store, nil, nil, dialog.DefaultConfig, quiet)
		var conv *dialog.Conversation
		err := store.Update(t.Context(), func(tx dialog.Tx) error {
			var err error
			if conv, err = tx.EnsureConversation(t.Context(), "test", "c"); err != nil {
				return err
			}
			return tx.AddMessage(t.Context(), &dialog.Message{ConversationID: conv.ID, Author: dialog.AuthorCustomer, Text: "где мой заказ"})
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			dialog.NewRetainer(e, period, time.Hour, quiet).Run(ctx)
		}()
		erased := func() bool {
			t.Helper()
			got, err := store.Conversation(t.Context(), conv.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Erased()
		}
		time.Sleep(period - time.Minute)
		synctest.Wait()
		if erased() {
			t.Fatal("erased within the period")
		}
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		if !erased() {
			t.Fatal("not erased an hour after the period")
		}
		cancel()
		<-done
	})
}

// failingErase is a store whose EraseConversation fails for one
// conversation, the way a damaged row or a store bug would.
type failingErase struct {
	dialog.Store
	ids []int64
}

func (s failingErase) Update(ctx context.Context, fn func(tx dialog.Tx) error) error {
	return s.Store.Update(ctx, func(tx dialog.Tx) error { return fn(failingEraseTx{tx, s.ids}) })
}

type failingEraseTx struct {
	dialog.Tx
	ids []int64
}

func (tx failingEraseTx) EraseConversation(ctx context.Context, id int64, at, idleBefore time.Time) (*dialog.Conversation, error) {
	if slices.Contains(tx.ids, id) {
		return nil, errors.New("the row is damaged")
	}
	return tx.Tx.EraseConversation(ctx, id, at, idleBefore)
}

// TestRetentionSkipsFailure fails the erasure of the oldest conversation
// due: the sweep logs it, without the customer's data, and erases the
// others rather than stopping behind it for good.
func TestRetentionSkipsFailure(t *testing.T) {
	const period = 24 * time.Hour
	ctx := t.Context()
	store := dialogtest.Store(t, nil)
	e := dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), nil, dialog.DefaultConfig, quiet)
	const marker = "Rt5customerWords"
	first := say(t, e, "chat-"+marker, "1", "привет "+marker).Conversation
	say(t, e, "second", "1", "привет")
	say(t, e, "third", "1", "привет")

	var logs strings.Builder
	failing := dialog.NewEngine(failingErase{store, []int64{first.ID}}, dialogtest.KB(t, "testdata/intents"), nil, dialog.DefaultConfig, quiet)
	failing.SetClock(clockAt(period + time.Hour))
	r := dialog.NewRetainer(failing, period, 0, slog.New(slog.NewTextHandler(&logs, nil)))
	listed, erased, err := r.Sweep(ctx)
	if err != nil || listed != 3 || erased != 2 {
		t.Errorf("sweep with a failing conversation first: listed %d, erased %d, %v; want 3 and 2, no error", listed, erased, err)
	}
	out := logs.String()
	if !strings.Contains(out, "the row is damaged") || !strings.Contains(out, "conversation="+strconv.FormatInt(first.ID, 10)) {
		t.Errorf("the failure is not in the log with its conversation:\n%s", out)
	}
	if strings.Contains(out, marker) {
		t.Errorf("the log holds the customer's data:\n%s", out)
	}
}

// TestRetentionPassesFailingBatch fails the erasure of a whole batch of
// the oldest conversations due: a pass goes on past them and erases the
// rest, rather than stopping at a batch where nothing was erased.
func TestRetentionPassesFailingBatch(t *testing.T) {
	const period = 24 * time.Hour
	store := dialogtest.Store(t, nil)
	e := dialog.NewEngine(store, dialogtest.KB(t, "testdata/intents"), nil, dialog.DefaultConfig, quiet)
	var failing []int64
	for _, chat := range []string{"f1", "f2"} {
		failing = append(failing, say(t, e, chat, "1", "привет").Conversation.ID)
	}
	var good []int64
	for _, chat := range []string{"g1", "g2", "g3"} {
		good = append(good, say(t, e, chat, "1", "привет").Conversation.ID)
	}
	fe := dialog.NewEngine(failingErase{store, failing}, dialogtest.KB(t, "testdata/intents"), nil, dialog.DefaultConfig, quiet)
	fe.SetClock(clockAt(period + time.Hour))
	r := dialog.NewRetainer(fe, period, 0, quiet)
	r.SetBatch(len(failing))
	r.SweepAll(t.Context())
	for _, id := range good {
		conv, err := store.Conversation(t.Context(), id)
		if err != nil || !conv.Erased() {
			t.Errorf("conversation %d behind a failing batch: erased %v, %v", id, err == nil && conv.Erased(), err)
		}
	}
	for _, id := range failing {
		if conv, err := store.Conversation(t.Context(), id); err != nil || conv.Erased() {
			t.Errorf("failing conversation %d: %v, %v", id, conv, err)
		}
	}
}
