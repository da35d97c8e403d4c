package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/firstline-support/firstline/bots"
	"github.com/firstline-support/firstline/bots/outbox"
	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// fakeSender records what it sends and fails as scripted.
type fakeSender struct {
	mu    sync.Mutex
	sent  []string           // "chat:text" in send order
	fail  map[string][]error // per text: errors to return, one per attempt
	parts map[string]int     // per text: parts delivered before failing
	seen  map[string][]int   // per text: PartsSent at each call
}

func (f *fakeSender) Name() string { return "fake" }

func (f *fakeSender) Send(_ context.Context, item *dialog.OutboxItem) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen == nil {
		f.seen = map[string][]int{}
	}
	f.seen[item.Text] = append(f.seen[item.Text], item.PartsSent)
	if errs := f.fail[item.Text]; len(errs) > 0 {
		f.fail[item.Text] = errs[1:]
		return f.parts[item.Text], errs[0]
	}
	f.sent = append(f.sent, item.ChatID+":"+item.Text)
	return 2, nil
}

func (f *fakeSender) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// clock is a settable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	t      *testing.T
	ctx    context.Context
	store  dialog.Store
	sender *fakeSender
	clock  *clock
	d      *outbox.Dispatcher
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "o.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, ctx: context.Background(), store: store,
		sender: &fakeSender{fail: map[string][]error{}, parts: map[string]int{}},
		clock:  &clock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}}
	f.d = outbox.New(store, f.sender, outbox.Options{Now: f.clock.Now, MinBackoff: time.Second, MaxBackoff: 8 * time.Second}, log)
	return f
}

// queue adds outbound messages for chat, each with an outbox item.
func (f *fixture) queue(chat string, texts ...string) {
	f.t.Helper()
	err := f.store.Update(f.ctx, func(tx dialog.Tx) error {
		conv, err := tx.EnsureConversation(f.ctx, "fake", chat)
		if err != nil {
			return err
		}
		for _, text := range texts {
			m := &dialog.Message{ConversationID: conv.ID, Author: dialog.AuthorBot, Text: text}
			if err := tx.AddMessage(f.ctx, m); err != nil {
				return err
			}
			item := &dialog.OutboxItem{MessageID: m.ID, ConversationID: conv.ID, Channel: "fake", ChatID: chat,
				Text: text, NextAttemptAt: f.clock.Now()}
			if err := tx.EnqueueOutbox(f.ctx, item); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// drainAll drains until nothing is due now.
func (f *fixture) drainAll() {
	f.t.Helper()
	for range 100 {
		n, err := f.d.Drain(f.ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	f.t.Fatal("the outbox never emptied")
}

func (f *fixture) backlog() int {
	f.t.Helper()
	b, err := f.store.OutboxBacklog(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return b["fake"]
}

func TestDeliversInOrderPerChat(t *testing.T) {
	f := newFixture(t)
	f.queue("a", "a1", "a2", "a3")
	f.queue("b", "b1", "b2")
	f.drainAll()
	got := f.sender.got()
	if len(got) != 5 || f.backlog() != 0 {
		t.Fatalf("sent %v, backlog %d", got, f.backlog())
	}
	var a, b []string
	for _, s := range got {
		if s[0] == 'a' {
			a = append(a, s)
		} else {
			b = append(b, s)
		}
	}
	if fmt.Sprint(a) != "[a:a1 a:a2 a:a3]" || fmt.Sprint(b) != "[b:b1 b:b2]" {
		t.Errorf("per-chat order: %v %v", a, b)
	}
}

func TestTemporaryFailureRetriesWithBackoffAndHoldsTheChat(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("connection reset")
	f.sender.fail["a1"] = []error{boom, boom}
	f.queue("a", "a1", "a2")
	f.queue("b", "b1")
	f.drainAll()
	// b goes out; a1 waits for its back-off, and a2 waits behind it.
	if got := f.sender.got(); fmt.Sprint(got) != "[b:b1]" {
		t.Fatalf("sent %v", got)
	}
	f.clock.Add(time.Second) // first back-off: 1 s
	f.drainAll()
	if got := f.sender.got(); len(got) != 1 {
		t.Fatalf("after the first back-off: %v (a1 fails twice)", got)
	}
	f.clock.Add(time.Second) // second back-off is 2 s: not yet
	f.drainAll()
	if len(f.sender.got()) != 1 {
		t.Fatal("retried before the back-off ended")
	}
	f.clock.Add(time.Second)
	f.drainAll()
	if got := f.sender.got(); fmt.Sprint(got) != "[b:b1 a:a1 a:a2]" {
		t.Errorf("sent %v", got)
	}
}

// TestErrorWithNUL records an error that quotes a NUL character and bytes
// that are not UTF-8, which the store refuses as text, and goes on.
func TestErrorWithNUL(t *testing.T) {
	f := newFixture(t)
	f.sender.fail["a1"] = []error{errors.New("bad answer: \x00\xff")}
	f.queue("a", "a1")
	f.drainAll()
	var items []*dialog.OutboxItem
	peek := errors.New("only a look")
	err := f.store.Update(f.ctx, func(tx dialog.Tx) error {
		var err error
		if items, err = tx.ClaimOutbox(f.ctx, "fake", f.clock.Now().Add(time.Hour), time.Minute, 1); err != nil {
			return err
		}
		return peek // rolled back: the claim was only to read the item
	})
	if !errors.Is(err, peek) || len(items) != 1 || items[0].LastError != "bad answer: \uFFFD\uFFFD" || items[0].Attempts != 1 {
		t.Fatalf("claimed %+v, %v", items, err)
	}
	f.clock.Add(time.Hour)
	f.drainAll()
	if got := f.sender.got(); fmt.Sprint(got) != "[a:a1]" {
		t.Errorf("sent %v", got)
	}
}

func TestRetryAfterPausesTheChannel(t *testing.T) {
	f := newFixture(t)
	f.sender.fail["a1"] = []error{bots.RetryAfter(30 * time.Second)}
	f.queue("a", "a1")
	f.drainAll()
	f.queue("b", "b1") // queued during the pause
	f.clock.Add(29 * time.Second)
	f.drainAll()
	if got := f.sender.got(); len(got) != 0 {
		t.Fatalf("sent %v while the channel asked to wait", got)
	}
	f.clock.Add(time.Second)
	f.drainAll()
	if got := f.sender.got(); len(got) != 2 {
		t.Errorf("after the wait: %v", got)
	}
}

func TestBlockedChatIsNotRetried(t *testing.T) {
	f := newFixture(t)
	f.sender.fail["a1"] = []error{fmt.Errorf("send: %w", bots.ErrBlocked)}
	f.queue("a", "a1", "a2")
	f.queue("b", "b1")
	f.drainAll()
	f.clock.Add(time.Hour)
	f.drainAll()
	if got := f.sender.got(); fmt.Sprint(got) != "[b:b1]" || f.backlog() != 0 {
		t.Errorf("sent %v, backlog %d; want only b, nothing left for a", got, f.backlog())
	}
	if calls := len(f.sender.seen["a1"]) + len(f.sender.seen["a2"]); calls != 1 {
		t.Errorf("%d attempts for the blocked chat, want 1", calls)
	}
}

func TestPermanentFailureDoesNotHoldTheChat(t *testing.T) {
	f := newFixture(t)
	f.sender.fail["a1"] = []error{bots.Permanent(errors.New("400 Bad Request: message is too long"))}
	f.queue("a", "a1", "a2")
	f.drainAll()
	if got := f.sender.got(); fmt.Sprint(got) != "[a:a2]" || f.backlog() != 0 {
		t.Errorf("sent %v, backlog %d", got, f.backlog())
	}
}

func TestPartialSendResumes(t *testing.T) {
	f := newFixture(t)
	f.sender.fail["long"] = []error{errors.New("timeout")}
	f.sender.parts["long"] = 1 // the first part went out before the failure
	f.queue("a", "long")
	f.drainAll()
	f.clock.Add(time.Second)
	f.drainAll()
	if seen := f.sender.seen["long"]; fmt.Sprint(seen) != "[0 1]" {
		t.Errorf("PartsSent at each attempt = %v, want [0 1]", seen)
	}
}

// TestRunDeliversAndStops runs in a bubble: its clock moves only when
// every goroutine of the test waits, so the poll comes when due without
// the test sleeping, and a wait that ends is a wait for Run, not for the
// machine.
func TestRunDeliversAndStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t)
		f.queue("a", "a1")
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { f.d.Run(ctx); close(done) }()

		// What is due when Run starts goes out at once.
		synctest.Wait()
		if got := f.sender.got(); fmt.Sprint(got) != "[a:a1]" {
			t.Fatalf("sent %v at the start", got)
		}
		// A wake delivers a new item without waiting for the poll.
		start := time.Now()
		f.queue("b", "b1")
		f.d.Wake()
		synctest.Wait()
		if got := f.sender.got(); fmt.Sprint(got) != "[a:a1 b:b1]" || time.Since(start) != 0 {
			t.Fatalf("sent %v %v after a wake", got, time.Since(start))
		}
		// Without a wake, the next poll finds it.
		f.queue("c", "c1")
		time.Sleep(time.Second - time.Nanosecond) // the poll is a second
		synctest.Wait()
		if got := f.sender.got(); len(got) != 2 {
			t.Fatalf("sent %v before the poll", got)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if got := f.sender.got(); fmt.Sprint(got) != "[a:a1 b:b1 c:c1]" {
			t.Fatalf("sent %v after the poll", got)
		}

		cancel()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("Run did not stop")
		}
	})
}
