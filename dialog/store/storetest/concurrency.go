package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// testConcurrentUpdates has several writers append to one shared
// conversation and to one conversation each, all at once. Every write must
// succeed (none may fail on a busy database), and a message written after
// another one committed must get a larger id.
func testConcurrentUpdates(t *testing.T, s dialog.Store) {
	const (
		writers = 8
		rounds  = 50
	)
	ctx := t.Context()
	// ids[w] are writer w's message ids in the shared conversation, in the
	// order it wrote them.
	ids := make([][]int64, writers)
	errs := make([]error, writers)

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			own := fmt.Sprintf("own-%d", w)
			for i := range rounds {
				var shared *dialog.Message
				err := s.Update(ctx, func(tx dialog.Tx) error {
					c, err := tx.EnsureConversation(ctx, "webchat", "shared")
					if err != nil {
						return err
					}
					shared = &dialog.Message{
						ConversationID: c.ID,
						Author:         dialog.AuthorCustomer,
						ExternalID:     fmt.Sprintf("%d-%d", w, i),
						Text:           fmt.Sprintf("writer %d message %d", w, i),
					}
					if err := tx.AddMessage(ctx, shared); err != nil {
						return err
					}
					c, err = tx.EnsureConversation(ctx, "webchat", own)
					if err != nil {
						return err
					}
					return tx.AddMessage(ctx, &dialog.Message{
						ConversationID: c.ID,
						Author:         dialog.AuthorCustomer,
						ExternalID:     fmt.Sprintf("%d", i),
						Text:           fmt.Sprintf("message %d", i),
					})
				})
				if err != nil {
					errs[w] = fmt.Errorf("writer %d, round %d: %w", w, i, err)
					return
				}
				// A committed write is visible to reads right away.
				if _, err := s.MessageByExternalID(ctx, shared.ConversationID, shared.ExternalID); err != nil {
					errs[w] = fmt.Errorf("writer %d, round %d: read back: %w", w, i, err)
					return
				}
				ids[w] = append(ids[w], shared.ID)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}

	shared, err := s.ConversationByChat(ctx, "webchat", "shared")
	if err != nil {
		t.Fatalf("ConversationByChat: %v", err)
	}
	checkTranscript(t, s, shared.ID, writers*rounds)
	for w := range writers {
		if !increasing(ids[w]) {
			t.Errorf("writer %d got ids %v, want them increasing", w, ids[w])
		}
		own, err := s.ConversationByChat(ctx, "webchat", fmt.Sprintf("own-%d", w))
		if err != nil {
			t.Fatalf("ConversationByChat: %v", err)
		}
		checkTranscript(t, s, own.ID, rounds)
	}
}

// checkTranscript checks that a conversation has n messages with distinct,
// increasing ids.
func checkTranscript(t *testing.T, s dialog.Store, conversationID int64, n int) {
	t.Helper()
	list, err := s.Messages(t.Context(), dialog.MessageFilter{ConversationID: conversationID})
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	if len(list) != n {
		t.Errorf("conversation %d has %d messages, want %d", conversationID, len(list), n)
	}
	if ids := messageIDs(list); !increasing(ids) {
		t.Errorf("conversation %d has ids %v, want them increasing", conversationID, ids)
	}
}

// increasing reports whether ids are strictly increasing.
func increasing(ids []int64) bool {
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			return false
		}
	}
	return true
}
