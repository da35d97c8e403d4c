package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/firstline-support/firstline/bots/outbox"
	"github.com/firstline-support/firstline/bots/telegram"
	"github.com/firstline-support/firstline/bots/telegram/telegramtest"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// waitLimit bounds every wait of a test: far longer than anything takes,
// so that a broken channel fails the test instead of hanging it.
const waitLimit = 20 * time.Second

// env is what a test runs channels in: the engine over a real SQLite
// store, answering from the test knowledge base, and a fake Bot API.
type env struct {
	t      *testing.T
	ctx    context.Context
	log    *slog.Logger
	fake   *telegramtest.Server
	store  *sqlite.DB
	engine *dialog.Engine
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	cfg := dialog.DefaultConfig
	cfg.PushChannels = []string{telegram.ChannelName}
	fake := telegramtest.NewServer(telegramtest.DefaultToken)
	t.Cleanup(fake.Close)
	de := dialogtest.New(t, "../../dialog/testdata/intents", cfg, nil, log)
	return &env{
		t:      t,
		ctx:    ctx,
		log:    log,
		fake:   fake,
		store:  de.Store,
		engine: de.Engine,
	}
}

// channel returns a channel talking to the fake server, keeping its inbox
// in store.
func (e *env) channel(cfg telegram.Config, store dialog.Store) *telegram.Channel {
	e.t.Helper()
	cfg.Token = e.fake.Token()
	cfg.APIURL = e.fake.URL()
	ch, err := telegram.New(cfg, e.engine, store, e.log)
	if err != nil {
		e.t.Fatal(err)
	}
	return ch
}

// start runs a channel until the returned stop is called, or the test
// ends; stop waits for Run to return.
func (e *env) start(cfg telegram.Config, store dialog.Store) (*telegram.Channel, func()) {
	e.t.Helper()
	ch := e.channel(cfg, store)
	return ch, e.run(ch)
}

// run runs ch until the returned stop is called, or the test ends; stop
// waits for Run to return.
func (e *env) run(ch *telegram.Channel) func() {
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- ch.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				e.t.Errorf("Run returned %v", err)
			}
		})
	}
	e.t.Cleanup(stop)
	return stop
}

// deliver sends everything the engine queued for Telegram through ch, as
// the outbox dispatcher does, and returns what the fake server received.
func (e *env) deliver(ch *telegram.Channel) []telegramtest.Sent {
	e.t.Helper()
	d := outbox.New(e.store, ch, outbox.Options{}, e.log)
	for {
		n, err := d.Drain(e.ctx)
		if err != nil {
			e.t.Fatalf("deliver: %v", err)
		}
		if n == 0 {
			return e.fake.Sent()
		}
	}
}

// wait waits until cond holds on the fake server.
func (e *env) wait(what string, cond func() bool) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, waitLimit)
	defer cancel()
	if err := e.fake.Wait(ctx, cond); err != nil {
		e.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// transcript returns a chat's messages, oldest first.
func (e *env) transcript(chatID int64) []*dialog.Message {
	e.t.Helper()
	conv, err := e.store.ConversationByChat(e.ctx, telegram.ChannelName, strconv.FormatInt(chatID, 10))
	if err != nil {
		e.t.Fatalf("conversation of chat %d: %v", chatID, err)
	}
	msgs, err := e.store.Messages(e.ctx, dialog.MessageFilter{ConversationID: conv.ID, Public: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return msgs
}

// said returns the texts of what the bot and the agents said in a chat,
// in order: what must reach the customer, each exactly once.
func (e *env) said(chatID int64) []string {
	var texts []string
	for _, m := range e.transcript(chatID) {
		if m.Author != dialog.AuthorCustomer {
			texts = append(texts, m.Text)
		}
	}
	return texts
}

// sentTo returns the texts the fake server received for a chat, in order.
func sentTo(sent []telegramtest.Sent, chatID int64) []string {
	var texts []string
	for _, s := range sent {
		if s.ChatID == strconv.FormatInt(chatID, 10) {
			texts = append(texts, s.Text)
		}
	}
	return texts
}

// spyStore is the store as a channel sees it, telling the test what the
// channel saved and processed, and able to stop it at a chosen point as a
// crash would.
type spyStore struct {
	dialog.Store
	processed chan string // inbox ids whose processing committed

	// Crash points, set before the channel starts.
	holdAfterSave bool          // a save commits, then the call hangs until the channel stops
	noProcessing  bool          // the inbox worker finds nothing to do
	failMark      bool          // marking an update processed fails
	failMessage   bool          // reading a message by id fails
	outage        atomic.Int32  // reading a message by id fails as unavailable this many more times
	crashed       chan struct{} // receives once a crash point is reached

	mu    sync.Mutex
	saved []string // inbox ids stored
}

func newSpy(store dialog.Store) *spyStore {
	return &spyStore{Store: store, processed: make(chan string, 100), crashed: make(chan struct{}, 100)}
}

func (s *spyStore) Update(ctx context.Context, fn func(tx dialog.Tx) error) error {
	var tx *spyTx
	err := s.Store.Update(ctx, func(inner dialog.Tx) error {
		tx = &spyTx{Tx: inner, spy: s}
		return fn(tx)
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.saved = append(s.saved, tx.saved...)
	s.mu.Unlock()
	for _, id := range tx.marked {
		s.processed <- id
	}
	if s.holdAfterSave && len(tx.saved) > 0 {
		s.crashed <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (s *spyStore) PendingInbox(ctx context.Context, channel string, limit int) ([]*dialog.InboxItem, error) {
	if s.noProcessing {
		return nil, nil
	}
	return s.Store.PendingInbox(ctx, channel, limit)
}

func (s *spyStore) Message(ctx context.Context, id int64) (*dialog.Message, error) {
	if s.failMessage {
		return nil, errors.New("disk I/O error")
	}
	if s.outage.Add(-1) >= 0 {
		return nil, dialog.Errorf(dialog.EUNAVAILABLE, "the database is down")
	}
	return s.Store.Message(ctx, id)
}

// savedIDs returns the inbox ids the channel stored.
func (s *spyStore) savedIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.saved)
}

// waitProcessed waits until the updates with these ids were processed.
func (s *spyStore) waitProcessed(t *testing.T, ids ...int64) {
	t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		want[strconv.FormatInt(id, 10)] = true
	}
	timeout := time.NewTimer(waitLimit)
	defer timeout.Stop()
	for len(want) > 0 {
		select {
		case id := <-s.processed:
			delete(want, id)
		case <-timeout.C:
			t.Fatalf("updates %v were not processed", want)
		}
	}
}

// waitCrash waits until the channel reached the crash point.
func (s *spyStore) waitCrash(t *testing.T) {
	t.Helper()
	select {
	case <-s.crashed:
	case <-time.After(waitLimit):
		t.Fatal("the channel never reached the crash point")
	}
}

type spyTx struct {
	dialog.Tx
	spy    *spyStore
	saved  []string
	marked []string
}

func (t *spyTx) SaveInbox(ctx context.Context, item *dialog.InboxItem) (bool, error) {
	stored, err := t.Tx.SaveInbox(ctx, item)
	if stored {
		t.saved = append(t.saved, item.ExternalID)
	}
	return stored, err
}

func (t *spyTx) MarkInboxProcessed(ctx context.Context, channel, externalID string, at time.Time) error {
	if t.spy.failMark {
		select {
		case t.spy.crashed <- struct{}{}:
		default:
		}
		return errors.New("the process died")
	}
	if err := t.Tx.MarkInboxProcessed(ctx, channel, externalID, at); err != nil {
		return err
	}
	t.marked = append(t.marked, externalID)
	return nil
}
