package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// outboxBase is the time the outbox tests start at: later than any
// CreatedAt the store sets, so nothing is due before the tests say so.
var outboxBase = time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)

// lease is how long the outbox tests' claims hold items.
const lease = time.Minute

// outboxItem is a pending delivery of text to a chat, due at next.
func outboxItem(channel, chatID, text string, next time.Time) *dialog.OutboxItem {
	return &dialog.OutboxItem{Channel: channel, ChatID: chatID, Text: text, NextAttemptAt: next}
}

// enqueue stores item in its own transaction, with the conversation of its
// chat and a bot message for it, the way the engine queues a reply.
func enqueue(t *testing.T, s dialog.Store, item *dialog.OutboxItem) *dialog.OutboxItem {
	t.Helper()
	ctx := t.Context()
	update(t, s, func(tx dialog.Tx) error {
		c, err := tx.EnsureConversation(ctx, item.Channel, item.ChatID)
		if err != nil {
			return err
		}
		m := &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorBot, Text: item.Text, Buttons: item.Buttons}
		if err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		item.MessageID, item.ConversationID = m.ID, c.ID
		return tx.EnqueueOutbox(ctx, item)
	})
	return item
}

// claim runs ClaimOutbox with the tests' lease in its own transaction.
func claim(t *testing.T, s dialog.Store, channel string, now time.Time, limit int) []*dialog.OutboxItem {
	t.Helper()
	var list []*dialog.OutboxItem
	update(t, s, func(tx dialog.Tx) error {
		var err error
		list, err = tx.ClaimOutbox(t.Context(), channel, now, lease, limit)
		return err
	})
	return list
}

// checkClaim claims a channel's items at now and fails the test unless it
// gets the items with the texts in want, in that order.
func checkClaim(t *testing.T, s dialog.Store, what, channel string, now time.Time, limit int, want ...string) []*dialog.OutboxItem {
	t.Helper()
	list := claim(t, s, channel, now, limit)
	if got := outboxTexts(list); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: ClaimOutbox(%s, %s, limit %d) = %q, want %q",
			what, channel, now.Format(time.TimeOnly), limit, got, want)
	}
	return list
}

// updateOutbox runs UpdateOutbox in its own transaction.
func updateOutbox(t *testing.T, s dialog.Store, item *dialog.OutboxItem) {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.UpdateOutbox(t.Context(), item)
	})
}

// outboxTexts returns the texts of list, in order; nil for an empty list.
func outboxTexts(list []*dialog.OutboxItem) []string {
	var texts []string
	for _, item := range list {
		texts = append(texts, item.Text)
	}
	return texts
}

// checkOutbox is checkConversation for outbox items.
func checkOutbox(t *testing.T, what string, got, want *dialog.OutboxItem) {
	t.Helper()
	checkTime(t, what+".NextAttemptAt", got.NextAttemptAt, want.NextAttemptAt)
	checkTime(t, what+".ClaimedUntil", got.ClaimedUntil, want.ClaimedUntil)
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, what+".SentAt", got.SentAt, want.SentAt)
	g, w := *got, *want
	g.NextAttemptAt, g.ClaimedUntil, g.CreatedAt, g.SentAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	w.NextAttemptAt, w.ClaimedUntil, w.CreatedAt, w.SentAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	g.Buttons, w.Buttons = nilIfEmpty(g.Buttons), nilIfEmpty(w.Buttons)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// checkBacklog fails the test unless OutboxBacklog is want.
func checkBacklog(t *testing.T, s dialog.Store, what string, want map[string]int) {
	t.Helper()
	got, err := s.OutboxBacklog(t.Context())
	if err != nil {
		t.Fatalf("OutboxBacklog: %v", err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: OutboxBacklog = %v, want %v", what, got, want)
	}
}

func testEnqueueOutbox(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	first := enqueue(t, s, &dialog.OutboxItem{
		Channel: "telegram",
		ChatID:  "42",
		Text:    "Заказ уже в пути 🚚",
		Buttons: []string{"Спасибо", "Позвать оператора"},
	})
	second := enqueue(t, s, outboxItem("telegram", "42", "second", outboxBase))
	if first.ID == 0 || second.ID <= first.ID {
		t.Fatalf("ids %d, %d: want non-zero and increasing", first.ID, second.ID)
	}
	if first.Status != dialog.OutboxPending {
		t.Errorf("Status = %q, want %q", first.Status, dialog.OutboxPending)
	}
	if first.CreatedAt.IsZero() {
		t.Error("CreatedAt not set")
	}
	// Without a next attempt time, an item is due when it is created.
	checkTime(t, "NextAttemptAt", first.NextAttemptAt, first.CreatedAt)
	checkTime(t, "NextAttemptAt given", second.NextAttemptAt, outboxBase)

	list := checkClaim(t, s, "claim", "telegram", first.CreatedAt, 10, first.Text)
	if len(list) == 1 {
		want := *first
		want.ClaimedUntil = first.CreatedAt.Add(lease)
		checkOutbox(t, "claimed", list[0], &want)
	}

	msg := enqueue(t, s, outboxItem("telegram", "43", "for the message", outboxBase))
	tests := []struct {
		name string
		item dialog.OutboxItem
		code string
	}{
		{"no channel", dialog.OutboxItem{MessageID: msg.MessageID, ChatID: "42"}, dialog.EINVALID},
		{"no chat", dialog.OutboxItem{MessageID: msg.MessageID, Channel: "telegram"}, dialog.EINVALID},
		{"missing message", dialog.OutboxItem{MessageID: msg.MessageID + 1000, Channel: "telegram", ChatID: "42"}, dialog.EINVALID},
		{"unknown status", dialog.OutboxItem{MessageID: msg.MessageID, Channel: "telegram", ChatID: "42", Status: "lost"}, dialog.EINVALID},
	}
	for _, tt := range tests {
		err := s.Update(ctx, func(tx dialog.Tx) error {
			return tx.EnqueueOutbox(ctx, &tt.item)
		})
		checkCode(t, tt.name, err, tt.code)
	}
	checkBacklog(t, s, "after the invalid items", map[string]int{"telegram": 3})
}

func testClaimOutboxOrder(t *testing.T, s dialog.Store) {
	base := outboxBase
	a1 := enqueue(t, s, outboxItem("telegram", "A", "a1", base))
	enqueue(t, s, outboxItem("telegram", "B", "b1", base))
	enqueue(t, s, outboxItem("telegram", "A", "a2", base))
	// c1 is not due yet, and holds back c2, which is.
	c1 := enqueue(t, s, outboxItem("telegram", "C", "c1", base.Add(time.Hour)))
	enqueue(t, s, outboxItem("telegram", "C", "c2", base))
	enqueue(t, s, outboxItem("whatsapp", "A", "w1", base))
	enqueue(t, s, outboxItem("telegram", "B", "b2", base))
	checkBacklog(t, s, "enqueued", map[string]int{"telegram": 6, "whatsapp": 1})

	// Only the oldest item of each chat, at most limit of them, in id
	// order.
	list := checkClaim(t, s, "with limit 1", "telegram", base, 1, "a1")
	if len(list) == 1 {
		want := *a1
		want.ClaimedUntil = base.Add(lease)
		checkOutbox(t, "claimed a1", list[0], &want)
	}
	// a1 is held, and a2 waits for it.
	checkClaim(t, s, "a1 held", "telegram", base, 10, "b1")

	// Once a1 is sent, a2 is its chat's oldest pending item. The claim on
	// b1 has ended, and nobody sent it.
	a1.Status = dialog.OutboxSent
	a1.SentAt = base.Add(time.Second)
	updateOutbox(t, s, a1)
	checkClaim(t, s, "a1 sent", "telegram", base.Add(2*lease), 10, "b1", "a2")
	checkClaim(t, s, "c1 due", "telegram", base.Add(time.Hour), 10, "b1", "a2", "c1")

	// A failed item no longer holds back its chat.
	c1.Status = dialog.OutboxFailed
	c1.LastError = "400 Bad Request"
	updateOutbox(t, s, c1)
	checkClaim(t, s, "c1 failed", "telegram", base.Add(2*time.Hour), 10, "b1", "a2", "c2")

	checkClaim(t, s, "other channel", "whatsapp", base, 10, "w1")
	checkClaim(t, s, "unknown channel", "webchat", base, 10)
	checkBacklog(t, s, "claimed", map[string]int{"telegram": 4, "whatsapp": 1})
}

func testClaimOutboxLease(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	base := outboxBase
	enqueue(t, s, outboxItem("telegram", "A", "a1", base))
	enqueue(t, s, outboxItem("telegram", "A", "a2", base))
	enqueue(t, s, outboxItem("telegram", "B", "b1", base))

	// The claim holds from the moment it is made, within its transaction.
	update(t, s, func(tx dialog.Tx) error {
		list, err := tx.ClaimOutbox(ctx, "telegram", base, lease, 10)
		if err != nil {
			return err
		}
		if got := outboxTexts(list); !reflect.DeepEqual(got, []string{"a1", "b1"}) {
			t.Errorf("first claim = %q, want [a1 b1]", got)
		}
		list, err = tx.ClaimOutbox(ctx, "telegram", base, lease, 10)
		if err != nil {
			return err
		}
		if len(list) != 0 {
			t.Errorf("second claim in the transaction = %q, want none", outboxTexts(list))
		}
		return nil
	})
	checkClaim(t, s, "while held", "telegram", base.Add(lease/2), 10)
	checkClaim(t, s, "just before the lease ends", "telegram", base.Add(lease-time.Microsecond), 10)
	list := checkClaim(t, s, "when the lease ends", "telegram", base.Add(lease), 10, "a1", "b1")
	for _, item := range list {
		checkTime(t, item.Text+".ClaimedUntil", item.ClaimedUntil, base.Add(2*lease))
	}

	// A claim that rolls back holds nothing.
	later := base.Add(10 * lease)
	err := s.Update(ctx, func(tx dialog.Tx) error {
		list, err := tx.ClaimOutbox(ctx, "telegram", later, lease, 10)
		if err != nil {
			return err
		}
		if got := outboxTexts(list); !reflect.DeepEqual(got, []string{"a1", "b1"}) {
			t.Errorf("claim that rolls back = %q, want [a1 b1]", got)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("Update returned %v, want the error of fn", err)
	}
	checkClaim(t, s, "after a rollback", "telegram", later, 10, "a1", "b1")

	for _, bad := range []time.Duration{0, -time.Second} {
		err := s.Update(ctx, func(tx dialog.Tx) error {
			_, err := tx.ClaimOutbox(ctx, "telegram", later, bad, 10)
			return err
		})
		checkCode(t, "ClaimOutbox with lease "+bad.String(), err, dialog.EINVALID)
	}
}

func testClaimOutboxNextAttempt(t *testing.T, s dialog.Store) {
	base := outboxBase
	enqueue(t, s, outboxItem("telegram", "A", "a1", base.Add(10*time.Minute)))
	enqueue(t, s, outboxItem("telegram", "A", "a2", base))
	enqueue(t, s, outboxItem("telegram", "B", "b1", base))

	checkClaim(t, s, "a1 not due", "telegram", base, 10, "b1")
	checkClaim(t, s, "just before a1 is due", "telegram", base.Add(10*time.Minute-time.Microsecond), 10, "b1")
	checkClaim(t, s, "a1 due", "telegram", base.Add(10*time.Minute), 10, "a1")
}

func testUpdateOutbox(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	base := outboxBase
	item := enqueue(t, s, &dialog.OutboxItem{
		Channel:       "telegram",
		ChatID:        "42",
		Text:          "A long answer, sent in parts",
		Buttons:       []string{"Да", "Нет"},
		NextAttemptAt: base,
	})
	enqueue(t, s, outboxItem("telegram", "42", "next", base))

	list := checkClaim(t, s, "first claim", "telegram", base, 10, item.Text)
	if len(list) != 1 {
		t.FailNow()
	}
	// Two parts went out before the channel asked to wait.
	got := list[0]
	got.PartsSent = 2
	got.Attempts = 1
	got.NextAttemptAt = base.Add(5 * time.Minute)
	got.ClaimedUntil = time.Time{}
	got.LastError = "429 Too Many Requests: retry after 300"
	updateOutbox(t, s, got)

	checkClaim(t, s, "before the next attempt", "telegram", base.Add(4*time.Minute), 10)
	list = checkClaim(t, s, "at the next attempt", "telegram", base.Add(5*time.Minute), 10, item.Text)
	if len(list) == 1 {
		want := *got
		want.ClaimedUntil = base.Add(5*time.Minute + lease)
		checkOutbox(t, "after the update", list[0], &want)
	}

	// Clearing the claim lets another sender take the item at once.
	got.ClaimedUntil = time.Time{}
	updateOutbox(t, s, got)
	checkClaim(t, s, "after the claim is cleared", "telegram", base.Add(5*time.Minute+time.Second), 10, item.Text)

	// Sent, it is done with, and the chat's next item comes up.
	got.Status = dialog.OutboxSent
	got.PartsSent = 3
	got.Attempts = 2
	got.SentAt = base.Add(6 * time.Minute)
	got.LastError = ""
	updateOutbox(t, s, got)
	checkClaim(t, s, "after it was sent", "telegram", base.Add(time.Hour), 10, "next")
	checkBacklog(t, s, "after it was sent", map[string]int{"telegram": 1})

	missing := *got
	missing.ID += 1000
	err := s.Update(ctx, func(tx dialog.Tx) error {
		return tx.UpdateOutbox(ctx, &missing)
	})
	checkCode(t, "UpdateOutbox of a missing item", err, dialog.ENOTFOUND)
	bad := *got
	bad.Status = "lost"
	err = s.Update(ctx, func(tx dialog.Tx) error {
		return tx.UpdateOutbox(ctx, &bad)
	})
	checkCode(t, "UpdateOutbox with an unknown status", err, dialog.EINVALID)
}

func testBlockOutboxChat(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	base := outboxBase
	a0 := enqueue(t, s, outboxItem("telegram", "A", "a0", base))
	a0.Status = dialog.OutboxSent
	a0.SentAt = base
	updateOutbox(t, s, a0)
	enqueue(t, s, outboxItem("telegram", "A", "a1", base))
	enqueue(t, s, outboxItem("telegram", "A", "a2", base.Add(time.Hour)))
	enqueue(t, s, outboxItem("telegram", "B", "b1", base))
	// The same chat id on another channel is another chat.
	enqueue(t, s, outboxItem("whatsapp", "A", "w1", base))

	update(t, s, func(tx dialog.Tx) error {
		return tx.BlockOutboxChat(ctx, "telegram", "A")
	})
	checkBacklog(t, s, "after the block", map[string]int{"telegram": 1, "whatsapp": 1})
	checkClaim(t, s, "telegram after the block", "telegram", base.Add(2*time.Hour), 10, "b1")
	checkClaim(t, s, "whatsapp after the block", "whatsapp", base.Add(2*time.Hour), 10, "w1")

	// Blocking a chat with nothing pending is no error.
	update(t, s, func(tx dialog.Tx) error {
		return tx.BlockOutboxChat(ctx, "telegram", "nobody")
	})

	// The block is on the items it found: a later item is pending as any.
	enqueue(t, s, outboxItem("telegram", "A", "a3", base))
	checkClaim(t, s, "a later item", "telegram", base.Add(3*time.Hour), 10, "b1", "a3")
}

func testOutboxBacklog(t *testing.T, s dialog.Store) {
	checkBacklog(t, s, "empty", nil)
	enqueue(t, s, outboxItem("telegram", "A", "a1", outboxBase))
	enqueue(t, s, outboxItem("telegram", "B", "b1", outboxBase))
	enqueue(t, s, outboxItem("whatsapp", "A", "w1", outboxBase))
	sent := outboxItem("telegram", "C", "c1", outboxBase)
	sent.Status = dialog.OutboxSent
	sent.SentAt = outboxBase
	enqueue(t, s, sent)
	checkBacklog(t, s, "pending only", map[string]int{"telegram": 2, "whatsapp": 1})

	// Claimed items are still pending until they are sent.
	claim(t, s, "telegram", outboxBase, 10)
	checkBacklog(t, s, "claimed", map[string]int{"telegram": 2, "whatsapp": 1})
}

// testClaimOutboxConcurrent has several senders claim one channel's items
// at once: each chat's oldest item must go to exactly one of them.
func testClaimOutboxConcurrent(t *testing.T, s dialog.Store) {
	const (
		senders = 8
		rounds  = 10
		chats   = 20
	)
	ctx := t.Context()
	heads := map[int64]bool{}
	for i := range chats {
		chat := fmt.Sprintf("chat-%d", i)
		heads[enqueue(t, s, outboxItem("telegram", chat, chat+" first", outboxBase)).ID] = true
		enqueue(t, s, outboxItem("telegram", chat, chat+" second", outboxBase))
	}

	claimed := make([][]int64, senders)
	errs := make([]error, senders)
	var wg sync.WaitGroup
	for w := range senders {
		wg.Go(func() {
			for range rounds {
				err := s.Update(ctx, func(tx dialog.Tx) error {
					list, err := tx.ClaimOutbox(ctx, "telegram", outboxBase, lease, 3)
					for _, item := range list {
						claimed[w] = append(claimed[w], item.ID)
					}
					return err
				})
				if err != nil {
					errs[w] = fmt.Errorf("sender %d: %w", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	seen := map[int64]int{}
	for _, ids := range claimed {
		for _, id := range ids {
			seen[id]++
		}
	}
	for id, n := range seen {
		if !heads[id] {
			t.Errorf("item %d claimed, which is not the oldest of its chat", id)
		} else if n > 1 {
			t.Errorf("item %d claimed %d times, want once", id, n)
		}
	}
	if len(seen) != len(heads) {
		t.Errorf("%d items claimed, want the %d oldest of each chat", len(seen), len(heads))
	}
}

// testUpdateOutboxErased erases a conversation while one of its items is
// being sent: the sender's update afterwards (a retryable failure) changes
// nothing, so the item stays given up rather than going out again, empty,
// to the erased chat.
func testUpdateOutboxErased(t *testing.T, s dialog.Store) {
	item := enqueue(t, s, outboxItem("telegram", "42", "being sent", outboxBase))
	list := checkClaim(t, s, "claim", "telegram", outboxBase, 10, item.Text)
	if len(list) != 1 {
		t.FailNow()
	}
	if _, err := erase(t, s, item.ConversationID, outboxBase, time.Time{}); err != nil {
		t.Fatalf("erase: %v", err)
	}
	got := list[0]
	got.Attempts, got.NextAttemptAt, got.ClaimedUntil, got.LastError = 1, outboxBase.Add(time.Minute), time.Time{}, "timeout"
	updateOutbox(t, s, got)
	checkClaim(t, s, "after the sender's update", "telegram", outboxBase.Add(time.Hour), 10)
	for _, line := range strings.Split(export(t, s), "\n") {
		if strings.Contains(line, `"table":"outbox"`) &&
			(!strings.Contains(line, `"status":"failed"`) || !strings.Contains(line, `"last_error":"`+dialog.OutboxErasedError+`"`)) {
			t.Errorf("the erased conversation's item after the sender's update: %s", line)
		}
	}
}
