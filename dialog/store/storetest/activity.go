package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// addActivity stores a in its own transaction.
func addActivity(t *testing.T, s dialog.Store, a *dialog.Activity) *dialog.Activity {
	t.Helper()
	update(t, s, func(tx dialog.Tx) error {
		return tx.AddActivity(t.Context(), a)
	})
	return a
}

// activities lists the events f selects and fails the test on an error.
func activities(t *testing.T, s dialog.Queries, f dialog.ActivityFilter) []*dialog.Activity {
	t.Helper()
	list, err := s.Activities(t.Context(), f)
	if err != nil {
		t.Fatalf("Activities(%+v): %v", f, err)
	}
	return list
}

// activityIDs returns the ids of list, in order.
func activityIDs(list []*dialog.Activity) []int64 {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	return ids
}

func testAddActivity(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "telegram", "chat-1")
	tk := createTicket(t, s, &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued})
	msg := addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "help"})
	moscow := time.FixedZone("MSK", 3*60*60)
	at := time.Date(2026, 3, 2, 12, 30, 0, 123456789, moscow)
	full := addActivity(t, s, &dialog.Activity{
		At:               at,
		Kind:             dialog.ActivityEscalated,
		ConversationID:   c.ID,
		TicketID:         tk.ID,
		MessageID:        msg.ID,
		Channel:          "telegram",
		Lang:             "ru",
		Author:           dialog.AuthorBot,
		Agent:            "Olga",
		Intent:           "billing.refund",
		Confidence:       0.8125,
		Options:          []string{"billing.refund", "billing.pay"},
		Reason:           dialog.ReasonNotHelpful,
		Queue:            "second_line",
		FromQueue:        "first_line",
		Priority:         "high",
		Value:            4,
		FirstResponseDue: at.Add(time.Hour),
		ResolutionDue:    at.Add(8 * time.Hour),
	})
	// Without a time or a ticket: the store sets the time, and the
	// ticket reads back as 0.
	before := time.Now().Add(-time.Second)
	bare := addActivity(t, s, &dialog.Activity{Kind: dialog.ActivityMessageIn, ConversationID: c.ID})
	if full.ID == 0 || bare.ID <= full.ID {
		t.Fatalf("ids %d, %d: want non-zero and increasing", full.ID, bare.ID)
	}
	if bare.At.Before(before) || bare.At.After(time.Now().Add(time.Second)) {
		t.Errorf("At set to %s, want about now", bare.At)
	}

	list := activities(t, s, dialog.ActivityFilter{})
	if len(list) != 2 {
		t.Fatalf("Activities returned %d events, want 2", len(list))
	}
	checkTime(t, "At", list[0].At, time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC))
	checkTime(t, "FirstResponseDue", list[0].FirstResponseDue, at.Add(time.Hour))
	checkTime(t, "ResolutionDue", list[0].ResolutionDue, at.Add(8*time.Hour))
	checkTime(t, "At of the bare event", list[1].At, bare.At)
	if !list[1].FirstResponseDue.IsZero() || !list[1].ResolutionDue.IsZero() || list[1].TicketID != 0 || list[1].MessageID != 0 || list[1].Options != nil {
		t.Errorf("bare event = %+v, want no deadlines, ticket or options", list[1])
	}
	for i, want := range []*dialog.Activity{full, bare} {
		got, w := *list[i], *want
		got.At, got.FirstResponseDue, got.ResolutionDue = time.Time{}, time.Time{}, time.Time{}
		w.At, w.FirstResponseDue, w.ResolutionDue = time.Time{}, time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got, w)
		}
	}

	// Inside a transaction the same read sees the same rows.
	update(t, s, func(tx dialog.Tx) error {
		if got := activityIDs(activities(t, tx, dialog.ActivityFilter{})); !reflect.DeepEqual(got, []int64{full.ID, bare.ID}) {
			t.Errorf("Activities in a transaction = %v", got)
		}
		return nil
	})
}

// testActivityKinds stores an event of every kind, the bot's request to
// rephrase among them, and reads each back with its kind.
func testActivityKinds(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "webchat", "chat-1")
	msg := addMessage(t, s, &dialog.Message{ConversationID: c.ID, Author: dialog.AuthorCustomer, Text: "ывапролджэ"})
	kinds := []dialog.ActivityKind{
		dialog.ActivityMessageIn, dialog.ActivityMessageOut, dialog.ActivityAnswered, dialog.ActivityClarifyAsked,
		dialog.ActivityRephraseAsked, dialog.ActivityClarifyAnswered, dialog.ActivityFeedback, dialog.ActivityEscalated,
		dialog.ActivityReopened, dialog.ActivityAssigned, dialog.ActivityFirstResponse, dialog.ActivityTransferred,
		dialog.ActivityClosed, dialog.ActivityCSAT, dialog.ActivityIncidentNotice,
	}
	for _, k := range kinds {
		if !k.Valid() {
			t.Errorf("%s is not a valid kind", k)
		}
		addActivity(t, s, &dialog.Activity{Kind: k, ConversationID: c.ID, MessageID: msg.ID, Intent: "billing"})
	}
	list := activities(t, s, dialog.ActivityFilter{})
	if len(list) != len(kinds) {
		t.Fatalf("Activities returned %d events, want %d", len(list), len(kinds))
	}
	for i, a := range list {
		if a.Kind != kinds[i] || a.MessageID != msg.ID || a.Intent != "billing" {
			t.Errorf("event %d = %+v, want %s of message %d", i, a, kinds[i], msg.ID)
		}
	}
}

func testAddActivityInvalid(t *testing.T, s dialog.Store) {
	c := ensure(t, s, "webchat", "chat-1")
	for _, a := range []dialog.Activity{
		{Kind: "clicked", ConversationID: c.ID},
		{Kind: "", ConversationID: c.ID},
		{Kind: dialog.ActivityMessageIn, ConversationID: 12345},
		{Kind: dialog.ActivityClosed, ConversationID: c.ID, TicketID: 12345},
		{Kind: dialog.ActivityAnswered, ConversationID: c.ID, MessageID: 12345},
	} {
		err := s.Update(t.Context(), func(tx dialog.Tx) error {
			return tx.AddActivity(t.Context(), &a)
		})
		checkCode(t, "AddActivity "+string(a.Kind), err, dialog.EINVALID)
	}
	if list := activities(t, s, dialog.ActivityFilter{}); len(list) != 0 {
		t.Errorf("invalid events stored: %+v", list)
	}
}

func testActivityFilter(t *testing.T, s dialog.Store) {
	a := ensure(t, s, "webchat", "a")
	b := ensure(t, s, "webchat", "b")
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	add := func(conv *dialog.Conversation, at time.Time) int64 {
		return addActivity(t, s, &dialog.Activity{Kind: dialog.ActivityMessageIn, ConversationID: conv.ID, At: at}).ID
	}
	a1 := add(a, day.Add(-time.Hour))          // the day before
	b1 := add(b, day.Add(-2*time.Hour))        // the day before
	a2 := add(a, day)                          // the first instant of the day
	a3 := add(a, day.Add(24*time.Hour-1000))   // its last microsecond
	b2 := add(b, day.Add(24*time.Hour))        // the next day
	a4 := add(a, day.Add(48*time.Hour))        // later
	a0 := add(a, day.Add(-24*time.Hour))       // recorded late, earlier time: id order wins
	all := []int64{a1, b1, a2, a3, b2, a4, a0} // in id order

	for _, c := range []struct {
		name string
		f    dialog.ActivityFilter
		want []int64
	}{
		{"everything", dialog.ActivityFilter{}, all},
		{"one day", dialog.ActivityFilter{From: day, To: day.Add(24 * time.Hour)}, []int64{a2, a3}},
		{"from only", dialog.ActivityFilter{From: day.Add(24 * time.Hour)}, []int64{b2, a4}},
		{"to only", dialog.ActivityFilter{To: day}, []int64{a1, b1, a0}},
		// The day's conversations, whole: a had events in it, b did not.
		{"whole conversations", dialog.ActivityFilter{From: day, To: day.Add(24 * time.Hour), WholeConversations: true},
			[]int64{a1, a2, a3, a4, a0}},
		{"whole conversations of the next day", dialog.ActivityFilter{From: day.Add(24 * time.Hour), To: day.Add(48 * time.Hour), WholeConversations: true},
			[]int64{b1, b2}},
		{"whole conversations of an empty range", dialog.ActivityFilter{From: day.Add(72 * time.Hour), To: day.Add(96 * time.Hour), WholeConversations: true},
			[]int64{}},
		{"whole without a range is everything", dialog.ActivityFilter{WholeConversations: true}, all},
		{"a page", dialog.ActivityFilter{AfterID: b1, Limit: 2}, []int64{a2, a3}},
		{"the next page of whole conversations", dialog.ActivityFilter{From: day, To: day.Add(time.Hour), WholeConversations: true, AfterID: a2, Limit: 10},
			[]int64{a3, a4, a0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := activityIDs(activities(t, s, c.f)); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ids = %v, want %v", got, c.want)
			}
		})
	}
}
