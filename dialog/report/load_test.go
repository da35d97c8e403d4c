package report

import (
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
)

// TestLoad reads the events of a store: the report is the one computed
// from every event at once, and leaves out the conversations not active in
// the range.
func TestLoad(t *testing.T) {
	ctx := t.Context()
	store := dialogtest.Store(t, nil)
	var all events
	// Conversations 1 and 2 are active on the day; 3 only the day after.
	all.answered(1, -20*time.Minute, "pay") // started the day before
	all.answered(1, 5*time.Minute, "pay")   // within its gap
	all.escalated(2, time.Hour, 1, dialog.ReasonCustomerAsk, due(time.Hour, 0))
	all.add(2, 2*time.Hour, dialog.ActivityClosed, ticket(1), agent("olga"), queue("first_line"))
	all.answered(2, 5*time.Hour, "hours")
	all.answered(3, 25*time.Hour, "pay")
	all.add(2, 26*time.Hour, dialog.ActivityMessageIn) // the next day, but of conversation 2
	err := store.Update(ctx, func(tx dialog.Tx) error {
		for _, id := range []string{"1", "2", "3"} {
			if _, err := tx.EnsureConversation(ctx, "webchat", id); err != nil {
				return err
			}
		}
		if err := tx.CreateTicket(ctx, &dialog.Ticket{ConversationID: 2, Status: dialog.TicketQueued}); err != nil {
			return err
		}
		for _, e := range all {
			if err := tx.AddActivity(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	want, err := Compute(all, opts())
	if err != nil {
		t.Fatal(err)
	}
	want.Since = all[0].At
	got, err := Load(ctx, store, opts())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load:\n got %+v\nwant %+v", got, want)
	}
	// A series of the day and the next reads the events once.
	o := opts()
	o.To = o.From.AddDate(0, 0, 2)
	wantSeries, err := ComputeSeries(all, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range append([]*Report{wantSeries.Total}, wantSeries.Days...) {
		r.Since = all[0].At
	}
	gotSeries, err := LoadSeries(ctx, store, o)
	if err != nil {
		t.Fatalf("LoadSeries: %v", err)
	}
	if !reflect.DeepEqual(gotSeries, wantSeries) {
		t.Errorf("LoadSeries:\n got %+v\nwant %+v", gotSeries, wantSeries)
	}
	if n := wantSeries.Days[1].Contacts.Total; n != 2 { // 3 at 25h, 2 again at 26h
		t.Errorf("the fixture gives %d contacts the next day, want 2", n)
	}
	if want.Contacts.Total != 2 || want.Tickets.Tickets != 1 {
		t.Errorf("the fixture gives %d contacts and %d tickets, want 2 and 1", want.Contacts.Total, want.Tickets.Tickets)
	}
}
