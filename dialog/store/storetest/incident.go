package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// createIncident stores inc in its own transaction.
func createIncident(t *testing.T, s dialog.Store, inc *dialog.Incident) *dialog.Incident {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error { return tx.CreateIncident(t.Context(), inc) })
	return inc
}

// checkIncident compares incidents, times to the microsecond.
func checkIncident(t *testing.T, what string, got, want *dialog.Incident) {
	t.Helper()
	checkTime(t, what+".StartsAt", got.StartsAt, want.StartsAt)
	checkTime(t, what+".ExpectedEnd", got.ExpectedEnd, want.ExpectedEnd)
	checkTime(t, what+".ClosedAt", got.ClosedAt, want.ClosedAt)
	checkTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	checkTime(t, what+".UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	g, w := *got, *want
	g.StartsAt, g.ExpectedEnd, g.ClosedAt, g.CreatedAt, g.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	w.StartsAt, w.ExpectedEnd, w.ClosedAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if len(w.CloseText) == 0 {
		w.CloseText = map[string]string{}
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

func testIncident(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	moscow := time.FixedZone("MSK", 3*60*60)
	want := &dialog.Incident{
		Text:        map[string]string{"ru": "Авария \"на линии\"\nв Северном районе", "en": "A line is down"},
		Intents:     []string{"no_internet", "slow_speed"},
		Areas:       []string{"Северный", "ул. Ленина"},
		StartsAt:    time.Date(2026, 12, 4, 12, 0, 0, 999999999, moscow),
		ExpectedEnd: time.Date(2026, 12, 4, 18, 0, 0, 0, moscow),
		CreatedBy:   "admin",
	}
	createIncident(t, s, want)
	if want.ID == 0 || want.Version != 1 || want.CreatedAt.IsZero() || !want.UpdatedAt.Equal(want.CreatedAt) {
		t.Fatalf("created %+v: want an id, version 1 and times", want)
	}
	got, err := s.Incident(ctx, want.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkIncident(t, "by id", got, want)

	planned := createIncident(t, s, &dialog.Incident{Text: map[string]string{"en": "Works"}, Intents: []string{"tv"},
		StartsAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)})
	want.ClosedAt = time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC)
	want.CloseText = map[string]string{"en": "Fixed"}
	update(t, s, func(tx dialog.Tx) error { return tx.UpdateIncident(ctx, want) })
	if want.Version != 2 {
		t.Errorf("version after an update = %d, want 2", want.Version)
	}
	got, _ = s.Incident(ctx, want.ID)
	checkIncident(t, "closed", got, want)

	all, err := s.Incidents(ctx, dialog.IncidentFilter{})
	if err != nil || len(all) != 2 || all[0].ID != planned.ID {
		t.Fatalf("Incidents = %v, %v; want both, newest first", all, err)
	}
	open, err := s.Incidents(ctx, dialog.IncidentFilter{Open: true})
	if err != nil || len(open) != 1 || open[0].ID != planned.ID {
		t.Errorf("open incidents = %v, %v; want the planned one", open, err)
	}
	if _, err := s.Incident(ctx, planned.ID+100); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("missing incident: %v", err)
	}
}

func testIncidentVersion(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	inc := createIncident(t, s, &dialog.Incident{Text: map[string]string{"en": "Down"}, Intents: []string{"a"},
		StartsAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	stale := *inc
	inc.Areas = []string{"North"}
	update(t, s, func(tx dialog.Tx) error { return tx.UpdateIncident(ctx, inc) })
	err := s.Update(ctx, func(tx dialog.Tx) error { return tx.UpdateIncident(ctx, &stale) })
	checkCode(t, "update from a stale version", err, dialog.ECONFLICT)
	missing := *inc
	missing.ID += 100
	err = s.Update(ctx, func(tx dialog.Tx) error { return tx.UpdateIncident(ctx, &missing) })
	checkCode(t, "update of a missing incident", err, dialog.ENOTFOUND)
	got, _ := s.Incident(ctx, inc.ID)
	if !slices.Equal(got.Areas, []string{"North"}) || got.Version != 2 {
		t.Errorf("after a refused update: %+v", got)
	}
}

func testIncidentTickets(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	inc := createIncident(t, s, &dialog.Incident{Text: map[string]string{"en": "Down"}, Intents: []string{"no_internet"},
		StartsAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	other := createIncident(t, s, &dialog.Incident{Text: map[string]string{"en": "Also"}, Intents: []string{"no_internet"},
		StartsAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	c1, c2, c3 := ensure(t, s, "test", "i1"), ensure(t, s, "test", "i2"), ensure(t, s, "test", "i3")
	open1 := createTicket(t, s, &dialog.Ticket{ConversationID: c1.ID, Status: dialog.TicketQueued, Intent: "no_internet"})
	open2 := createTicket(t, s, &dialog.Ticket{ConversationID: c1.ID, Status: dialog.TicketAssigned, Intent: "no_internet"})
	createTicket(t, s, &dialog.Ticket{ConversationID: c2.ID, Status: dialog.TicketClosed, Intent: "no_internet"})
	createTicket(t, s, &dialog.Ticket{ConversationID: c3.ID, Status: dialog.TicketQueued, Intent: "billing"})
	held := createTicket(t, s, &dialog.Ticket{ConversationID: c3.ID, Status: dialog.TicketQueued, Intent: "no_internet", IncidentID: other.ID})
	var n int
	update(t, s, func(tx dialog.Tx) (err error) {
		n, err = tx.LinkIncidentTickets(ctx, inc.ID, inc.Intents)
		return err
	})
	if n != 2 {
		t.Errorf("linked %d tickets, want the 2 open ones on the intent that no incident holds", n)
	}
	linked, err := s.Tickets(ctx, dialog.TicketFilter{IncidentID: inc.ID})
	if err != nil || !slices.Equal(ticketIDs(linked), []int64{open2.ID, open1.ID}) {
		t.Errorf("linked tickets = %v, %v; want %d, %d", ticketIDs(linked), err, open2.ID, open1.ID)
	}
	if got, _ := s.Ticket(ctx, held.ID); got.IncidentID != other.ID {
		t.Errorf("a ticket linked to another incident moved to %d", got.IncidentID)
	}
	// A save keeps the link.
	open1.IncidentID = inc.ID
	open1.Assignee = "olga"
	update(t, s, func(tx dialog.Tx) error { return tx.UpdateTicket(ctx, open1) })
	if got, _ := s.Ticket(ctx, open1.ID); got.IncidentID != inc.ID {
		t.Errorf("after UpdateTicket the ticket links %d", got.IncidentID)
	}
	// The customer of both linked tickets is one recipient.
	update(t, s, func(tx dialog.Tx) (err error) {
		n, err = tx.AddIncidentRecipients(ctx, inc.ID)
		return err
	})
	if n != 1 {
		t.Errorf("added %d recipients, want 1", n)
	}
}

func testIncidentNotices(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	inc := createIncident(t, s, &dialog.Incident{Text: map[string]string{"en": "Down"}, Intents: []string{"a"},
		StartsAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	c1, c2 := ensure(t, s, "test", "n1"), ensure(t, s, "test", "n2")
	subscribe := func(c *dialog.Conversation) (ok bool) {
		update(t, s, func(tx dialog.Tx) (err error) {
			ok, err = tx.SubscribeIncident(ctx, inc.ID, c.ID)
			return err
		})
		return ok
	}
	if !subscribe(c1) || subscribe(c1) || !subscribe(c2) {
		t.Error("subscribing twice should be one subscription")
	}
	err := s.Update(ctx, func(tx dialog.Tx) error {
		_, err := tx.SubscribeIncident(ctx, inc.ID+100, c1.ID)
		return err
	})
	checkCode(t, "subscribing to a missing incident", err, dialog.EINVALID)
	// The customer of a linked ticket who also subscribed is one recipient.
	createTicket(t, s, &dialog.Ticket{ConversationID: c2.ID, Status: dialog.TicketQueued, Intent: "a", IncidentID: inc.ID})
	if due, err := s.IncidentNoticesDue(ctx, 10); err != nil || len(due) != 0 {
		t.Errorf("notices due of an open incident = %v, %v; want none", due, err)
	}
	inc.ClosedAt = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	update(t, s, func(tx dialog.Tx) error {
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		_, err := tx.AddIncidentRecipients(ctx, inc.ID)
		return err
	})
	due, err := s.IncidentNoticesDue(ctx, 10)
	want := []dialog.IncidentNotice{{IncidentID: inc.ID, ConversationID: c1.ID}, {IncidentID: inc.ID, ConversationID: c2.ID}}
	if err != nil || !slices.Equal(due, want) {
		t.Fatalf("notices due = %v, %v; want %v", due, err, want)
	}
	if due, _ := s.IncidentNoticesDue(ctx, 1); len(due) != 1 {
		t.Errorf("limit 1 listed %d", len(due))
	}
	claim := func(c *dialog.Conversation) (ok bool) {
		update(t, s, func(tx dialog.Tx) (err error) {
			ok, err = tx.ClaimIncidentNotice(ctx, inc.ID, c.ID)
			return err
		})
		return ok
	}
	if !claim(c1) || claim(c1) {
		t.Error("a notice was claimed twice")
	}
	due, _ = s.IncidentNoticesDue(ctx, 10)
	if !slices.Equal(due, want[1:]) {
		t.Errorf("notices due after a claim = %v, want %v", due, want[1:])
	}
	info, err := s.IncidentInfo(ctx, inc.ID)
	if err != nil || info != (dialog.IncidentInfo{Subscribers: 2, Notified: 1, Due: len(want) - 1}) {
		t.Errorf("IncidentInfo = %+v, %v; want 2 subscribers, 1 told, %d due", info, err, len(want)-1)
	}
}

func testClaimIncidentNoticeConcurrent(t *testing.T, s dialog.Store) {
	inc := createIncident(t, s, &dialog.Incident{Text: map[string]string{"en": "Down"}, Intents: []string{"a"},
		StartsAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	c := ensure(t, s, "test", "claim-concurrent")
	update(t, s, func(tx dialog.Tx) error {
		_, err := tx.SubscribeIncident(t.Context(), inc.ID, c.ID)
		return err
	})
	claimedOnce(t, s, func(tx dialog.Tx) (bool, error) {
		return tx.ClaimIncidentNotice(t.Context(), inc.ID, c.ID)
	})
}
