package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// deadlineKeys are deadlines as "ticket kind hh:mm", for comparing.
func deadlineKeys(list []dialog.Deadline) []string {
	var out []string
	for _, d := range list {
		out = append(out, fmt.Sprintf("%s %s %s", d.TicketNumber, d.Kind, d.Due.UTC().Format("15:04")))
	}
	return out
}

func claimLateNotice(t *testing.T, s dialog.Store, id int64, kind dialog.DeadlineKind, due time.Time) bool {
	t.Helper()
	var ok bool
	update(t, s, func(tx dialog.Tx) error {
		var err error
		ok, err = tx.ClaimLateNotice(t.Context(), id, kind, due)
		return err
	})
	return ok
}

func testDeadlinesDue(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	// Far from every other test's tickets.
	base := time.Date(2091, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	mk := func(chat string, status dialog.TicketStatus, first, resolve time.Time, answered bool) *dialog.Ticket {
		c := ensure(t, s, "test", "deadline-"+chat)
		tk := &dialog.Ticket{ConversationID: c.ID, Status: status, FirstResponseDue: first, ResolutionDue: resolve}
		if answered {
			tk.FirstResponseAt = base.Add(-time.Hour)
		}
		return createTicket(t, s, tk)
	}
	a := mk("a", dialog.TicketQueued, at(10), at(50), false)
	b := mk("b", dialog.TicketAssigned, at(5), at(20), true)      // answered: its resolution only
	mk("c", dialog.TicketClosed, at(5), at(20), false)            // closed: nothing
	mk("d", dialog.TicketQueued, at(-5), at(120), false)          // one passed, one far
	mk("e", dialog.TicketQueued, time.Time{}, time.Time{}, false) // no SLA

	list, err := s.DeadlinesDue(ctx, base, at(30))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{a.Number + " first_response 12:10", b.Number + " resolution 12:20"}
	if got := deadlineKeys(list); !slices.Equal(got, want) {
		t.Fatalf("DeadlinesDue = %v, want %v (earliest first)", got, want)
	}
	if !claimLateNotice(t, s, a.ID, dialog.DeadlineFirstResponse, at(10)) {
		t.Fatal("first claim refused")
	}
	if claimLateNotice(t, s, a.ID, dialog.DeadlineFirstResponse, at(10)) {
		t.Error("second claim of the same deadline granted")
	}
	list, _ = s.DeadlinesDue(ctx, base, at(60))
	want = []string{b.Number + " resolution 12:20", a.Number + " resolution 12:50"}
	if got := deadlineKeys(list); !slices.Equal(got, want) {
		t.Errorf("after a claim, DeadlinesDue = %v, want %v", got, want)
	}
	// A new deadline (a reopened ticket) is claimed anew.
	if !claimLateNotice(t, s, a.ID, dialog.DeadlineFirstResponse, at(70)) {
		t.Error("claim of a new deadline refused")
	}
	update(t, s, func(tx dialog.Tx) error {
		_, err := tx.ClaimLateNotice(ctx, a.ID, "other", at(10))
		checkCode(t, "ClaimLateNotice of an unknown kind", err, dialog.EINVALID)
		return nil
	})
}

func testClaimLateNoticeConcurrent(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "test", "deadline-concurrent")
	due := time.Date(2092, 1, 1, 0, 0, 0, 0, time.UTC)
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued, ResolutionDue: due})
	claimedOnce(t, s, func(tx dialog.Tx) (bool, error) {
		return tx.ClaimLateNotice(t.Context(), tk.ID, dialog.DeadlineResolution, due)
	})
}

// claimedOnce makes claim from four transactions at once and fails t
// unless exactly one is granted.
func claimedOnce(t *testing.T, s dialog.Store, claim func(tx dialog.Tx) (bool, error)) {
	t.Helper()
	var mu sync.Mutex
	granted := 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			err := s.Update(t.Context(), func(tx dialog.Tx) error {
				ok, err := claim(tx)
				if ok {
					mu.Lock()
					granted++
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if granted != 1 {
		t.Errorf("%d concurrent claims granted, want 1", granted)
	}
}
