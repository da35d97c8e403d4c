// Package storetest is a conformance suite for dialog.Store
// implementations: every implementation runs the same tests, so the engine
// can rely on the same behaviour from each.
//
// An implementation's test calls Run:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) dialog.Store {
//			s := openEmptyStore(t)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// Run runs the suite. open is called once per subtest, from that subtest,
// and must return a new, empty store that is closed when the subtest ends
// (t.Cleanup). Subtests run in parallel, each on its own store.
func Run(t *testing.T, open func(t *testing.T) dialog.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s dialog.Store)
	}{
		{"Ping", testPing},
		{"EnsureConversation", testEnsureConversation},
		{"EnsureConversationInvalid", testEnsureConversationInvalid},
		{"UpdateConversation", testUpdateConversation},
		{"UpdateConversationMissing", testUpdateConversationMissing},
		{"ConversationContact", testConversationContact},
		{"RenameCustomer", testRenameCustomer},
		{"ImportContactVersion3", testImportContactVersion3},
		{"AddMessage", testAddMessage},
		{"AddMessageCreatedAt", testAddMessageCreatedAt},
		{"AddMessageMissingConversation", testAddMessageMissingConversation},
		{"DuplicateExternalID", testDuplicateExternalID},
		{"MessageFilter", testMessageFilter},
		{"CreateTicket", testCreateTicket},
		{"UpdateTicket", testUpdateTicket},
		{"UpdateTicketMissing", testUpdateTicketMissing},
		{"TicketFilter", testTicketFilter},
		{"TicketFilterInvalidOrder", testTicketFilterInvalidOrder},
		{"TicketSearch", testTicketSearch},
		{"TicketQueueOrder", testTicketQueueOrder},
		{"OpenTicketLoad", testOpenTicketLoad},
		{"QueueStats", testQueueStats},
		{"MessagePublic", testMessagePublic},
		{"MessageByID", testMessageByID},
		{"Attachments", testAttachments},
		{"AddAttachmentLimits", testAddAttachmentLimits},
		{"AttachmentPartErrors", testAttachmentPartErrors},
		{"SaveInbox", testSaveInbox},
		{"PendingInboxOrder", testPendingInboxOrder},
		{"MarkInboxProcessed", testMarkInboxProcessed},
		{"EnqueueOutbox", testEnqueueOutbox},
		{"ClaimOutboxOrder", testClaimOutboxOrder},
		{"ClaimOutboxLease", testClaimOutboxLease},
		{"ClaimOutboxNextAttempt", testClaimOutboxNextAttempt},
		{"ClaimOutboxConcurrent", testClaimOutboxConcurrent},
		{"UpdateOutbox", testUpdateOutbox},
		{"UpdateOutboxErased", testUpdateOutboxErased},
		{"BlockOutboxChat", testBlockOutboxChat},
		{"OutboxBacklog", testOutboxBacklog},
		{"CreateUser", testCreateUser},
		{"CreateUserInvalid", testCreateUserInvalid},
		{"CreateUserConflict", testCreateUserConflict},
		{"UpdateUser", testUpdateUser},
		{"UpdateUserInvalid", testUpdateUserInvalid},
		{"Users", testUsers},
		{"Session", testSession},
		{"CreateSessionInvalid", testCreateSessionInvalid},
		{"DeleteExpiredSessions", testDeleteExpiredSessions},
		{"DeleteUserSessions", testDeleteUserSessions},
		{"APIToken", testAPIToken},
		{"APITokenNames", testAPITokenNames},
		{"APITokenRevoke", testAPITokenRevoke},
		{"AddActivity", testAddActivity},
		{"AddActivityInvalid", testAddActivityInvalid},
		{"ActivityKinds", testActivityKinds},
		{"ActivityFilter", testActivityFilter},
		{"TextRefused", testTextRefused},
		{"EraseConversation", testEraseConversation},
		{"EraseConversationRefused", testEraseConversationRefused},
		{"IdleConversations", testIdleConversations},
		{"DeadlinesDue", testDeadlinesDue},
		{"ClaimLateNoticeConcurrent", testClaimLateNoticeConcurrent},
		{"WaitingDue", testWaitingDue},
		{"WaitingTicket", testWaitingTicket},
		{"Incident", testIncident},
		{"IncidentVersion", testIncidentVersion},
		{"IncidentTickets", testIncidentTickets},
		{"IncidentNotices", testIncidentNotices},
		{"ClaimIncidentNoticeConcurrent", testClaimIncidentNoticeConcurrent},
		{"InboxPayloadDropped", testInboxPayloadDropped},
		{"ImportVersion1", testImportVersion1},
		{"ImportBadFields", testImportBadFields},
		{"ErrorsNameNoChat", testErrorsNameNoChat},
		{"NotFound", testNotFound},
		{"RollbackOnError", testRollbackOnError},
		{"RollbackOnPanic", testRollbackOnPanic},
		{"RollbackOnCancel", testRollbackOnCancel},
		{"CancelledBeforeBegin", testCancelledBeforeBegin},
		{"Isolation", testIsolation},
		{"ConcurrentUpdates", testConcurrentUpdates},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, open(t))
		})
	}
}

func testPing(t *testing.T, s dialog.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// update runs fn in a transaction and fails the test if it fails.
func update(t *testing.T, s dialog.Store, fn func(tx dialog.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// ensure creates (or finds) the conversation of a chat in its own
// transaction.
func ensure(t *testing.T, s dialog.Store, channel, chatID string) *dialog.Conversation {
	t.Helper()
	var c *dialog.Conversation
	update(t, s, func(tx dialog.Tx) error {
		var err error
		c, err = tx.EnsureConversation(t.Context(), channel, chatID)
		return err
	})
	return c
}

// addMessage stores m in its own transaction.
func addMessage(t *testing.T, s dialog.Store, m *dialog.Message) *dialog.Message {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.AddMessage(t.Context(), m)
	})
	return m
}

// createTicket stores tk in its own transaction.
func createTicket(t *testing.T, s dialog.Store, tk *dialog.Ticket) *dialog.Ticket {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.CreateTicket(t.Context(), tk)
	})
	return tk
}

// createUser stores u in its own transaction.
func createUser(t *testing.T, s dialog.Store, u *dialog.User) *dialog.User {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.CreateUser(t.Context(), u)
	})
	return u
}

// createSession stores se in its own transaction.
func createSession(t *testing.T, s dialog.Store, se *dialog.Session) *dialog.Session {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.CreateSession(t.Context(), se)
	})
	return se
}

// checkCode fails the test unless err carries code.
func checkCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := dialog.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

// checkTime fails the test unless got is want to the microsecond, in UTC.
func checkTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	want = want.Truncate(time.Microsecond)
	if !got.Equal(want) {
		t.Errorf("%s = %s, want %s", what, got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	}
	if got.Location() != time.UTC {
		t.Errorf("%s = %s, want it in UTC", what, got)
	}
}

// checkConversation fails the test unless got and want have the same
// fields, with times compared by checkTime and an empty list equal to nil.
func checkConversation(t *testing.T, what string, got, want *dialog.Conversation) {
	t.Helper()
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, what+".UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	if !got.AckedAt.IsZero() || !want.AckedAt.IsZero() {
		checkTime(t, what+".AckedAt", got.AckedAt, want.AckedAt)
	}
	g, w := *got, *want
	g.CreatedAt, g.UpdatedAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	g.AckedAt, w.AckedAt = time.Time{}, time.Time{}
	g.PendingOptions, w.PendingOptions = nilIfEmpty(g.PendingOptions), nilIfEmpty(w.PendingOptions)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// checkMessage is checkConversation for messages.
func checkMessage(t *testing.T, what string, got, want *dialog.Message) {
	t.Helper()
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	g, w := *got, *want
	g.CreatedAt, w.CreatedAt = time.Time{}, time.Time{}
	g.Buttons, w.Buttons = nilIfEmpty(g.Buttons), nilIfEmpty(w.Buttons)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// checkTicket is checkConversation for tickets.
func checkTicket(t *testing.T, what string, got, want *dialog.Ticket) {
	t.Helper()
	checkTime(t, what+".FirstResponseDue", got.FirstResponseDue, want.FirstResponseDue)
	checkTime(t, what+".ResolutionDue", got.ResolutionDue, want.ResolutionDue)
	checkTime(t, what+".FirstResponseAt", got.FirstResponseAt, want.FirstResponseAt)
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, what+".UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	checkTime(t, what+".ClosedAt", got.ClosedAt, want.ClosedAt)
	checkTime(t, what+".WaitingSince", got.WaitingSince, want.WaitingSince)
	checkTime(t, what+".RemindedAt", got.RemindedAt, want.RemindedAt)
	g, w := *got, *want
	g.WaitingSince, g.RemindedAt, w.WaitingSince, w.RemindedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	g.FirstResponseDue, g.ResolutionDue, g.FirstResponseAt = time.Time{}, time.Time{}, time.Time{}
	w.FirstResponseDue, w.ResolutionDue, w.FirstResponseAt = time.Time{}, time.Time{}, time.Time{}
	g.CreatedAt, g.UpdatedAt, g.ClosedAt = time.Time{}, time.Time{}, time.Time{}
	w.CreatedAt, w.UpdatedAt, w.ClosedAt = time.Time{}, time.Time{}, time.Time{}
	if len(g.Candidates) == 0 {
		g.Candidates = nil
	}
	if len(w.Candidates) == 0 {
		w.Candidates = nil
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// checkUser is checkConversation for users.
func checkUser(t *testing.T, what string, got, want *dialog.User) {
	t.Helper()
	checkTime(t, what+".LastSeenAt", got.LastSeenAt, want.LastSeenAt)
	checkTime(t, what+".LastAssignedAt", got.LastAssignedAt, want.LastAssignedAt)
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	g, w := *got, *want
	g.LastSeenAt, g.LastAssignedAt, g.CreatedAt = time.Time{}, time.Time{}, time.Time{}
	w.LastSeenAt, w.LastAssignedAt, w.CreatedAt = time.Time{}, time.Time{}, time.Time{}
	g.Queues, w.Queues = nilIfEmpty(g.Queues), nilIfEmpty(w.Queues)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// checkSession is checkConversation for sessions.
func checkSession(t *testing.T, what string, got, want *dialog.Session) {
	t.Helper()
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, what+".ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	if got.TokenHash != want.TokenHash || got.UserID != want.UserID {
		t.Errorf("%s: token hash %q of user %d, want %q of user %d",
			what, got.TokenHash, got.UserID, want.TokenHash, want.UserID)
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// messageIDs returns the ids of list, in order.
func messageIDs(list []*dialog.Message) []int64 {
	ids := make([]int64, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	return ids
}

// ticketIDs returns the ids of list, in order.
func ticketIDs(list []*dialog.Ticket) []int64 {
	ids := make([]int64, len(list))
	for i, tk := range list {
		ids[i] = tk.ID
	}
	return ids
}

// errBoom is returned by transactions that must roll back.
var errBoom = errors.New("boom")
