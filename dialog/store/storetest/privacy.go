package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

// testErrorsNameNoChat makes the methods that take a chat id fail (their
// context is cancelled) and checks that their errors, which the channels
// log, do not quote it: a web chat's chat id is its session, enough to
// read the transcript.
func testErrorsNameNoChat(t *testing.T, s dialog.Store) {
	const chat = "secret-session-Zq7"
	ensure(t, s, "webchat", chat)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s with a cancelled context did not fail", what)
		} else if strings.Contains(err.Error(), chat) {
			t.Errorf("%s: the error %q quotes the chat id", what, err)
		}
	}
	_, err := s.ConversationByChat(cancelled, "webchat", chat)
	check("ConversationByChat", err)
	for _, op := range []struct {
		name string
		fn   func(tx dialog.Tx) error
	}{
		{"EnsureConversation", func(tx dialog.Tx) error {
			_, err := tx.EnsureConversation(cancelled, "webchat", chat)
			return err
		}},
		{"BlockOutboxChat", func(tx dialog.Tx) error {
			return tx.BlockOutboxChat(cancelled, "webchat", chat)
		}},
	} {
		var opErr error
		_ = s.Update(t.Context(), func(tx dialog.Tx) error {
			opErr = op.fn(tx)
			return opErr
		})
		check(op.name, opErr)
	}
}
