package dialogtest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// FixtureConfig is the configuration Populate expects of the engine: it
// pushes to Telegram, so that messages there fill the outbox.
func FixtureConfig() dialog.Config {
	cfg := dialog.DefaultConfig
	cfg.PushChannels = []string{"telegram"}
	return cfg
}

// Fixture names what Populate wrote, so that Read can find it again in a
// copy of the store.
type Fixture struct {
	Chats  [][2]string // (channel, chat id) of every conversation not erased
	Hashes [2]string   // the session's and the API token's hashes
	// Erased is the id of the erased conversation, which has no chat id
	// to find it by any more.
	Erased int64
}

// Populate fills every table of a store through env's engine (configured
// with FixtureConfig) and its store, with every kind of value each column
// holds: users with queues, one disabled, a session and a named API token
// that was used; a Telegram
// conversation with an attachment and a ticket that was taken, answered,
// noted, closed, rated and reopened; tickets with the intents the bot
// considered (candidates), one of them after "did this help?" was
// answered no; a conversation waiting for the customer to pick one of two
// intents; a web chat with an open ticket under an SLA, and one waiting
// for the customer; inbox items;
// outbox items, one sent; an incident with areas that linked a ticket and
// was closed, telling its customers, and planned works; a closed
// conversation whose customer's data was erased; and the analytics events
// of all of it.
func Populate(t testing.TB, env *Env) Fixture {
	t.Helper()
	ctx := t.Context()
	e, store := env.Engine, env.Store
	seen := time.Date(2026, 3, 1, 10, 0, 0, 123456000, time.UTC)
	err := store.Update(ctx, func(tx dialog.Tx) error {
		olga := &dialog.User{Name: "Olga", Role: dialog.RoleAgent, PasswordHash: "$2a$hash", Lang: "ru",
			Queues: []string{"first_line", "second_line"}, LastSeenAt: seen, LastAssignedAt: seen.Add(-time.Hour)}
		ivan := &dialog.User{Name: "Ivan", Role: dialog.RoleAdmin, Disabled: true}
		for _, u := range []*dialog.User{olga, ivan} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		if err := tx.CreateSession(ctx, &dialog.Session{TokenHash: "session-hash", UserID: olga.ID, ExpiresAt: seen.Add(24 * time.Hour)}); err != nil {
			return err
		}
		// A disabled user has no tokens: disabling revokes them.
		token := &dialog.APIToken{TokenHash: "token-hash", UserID: olga.ID, Name: "reports"}
		if err := tx.CreateAPIToken(ctx, token); err != nil {
			return err
		}
		return tx.SetAPITokenUsed(ctx, token.ID, seen.Add(time.Minute))
	})
	if err != nil {
		t.Fatalf("users: %v", err)
	}

	send := func(channel, chat, id, text string, files ...*dialog.Attachment) *dialog.Outcome {
		t.Helper()
		out, err := e.Handle(ctx, dialog.Inbound{Channel: channel, ChatID: chat, ExternalID: id, CustomerName: "Анна Петрова", Text: text, Attachments: files})
		if err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
		return out
	}
	data := make([]byte, 256)
	for i := range data {
		data[i] = byte(i)
	}
	send("telegram", "42", "1", "забыл пароль")
	ticket := send("telegram", "42", "2", "/human").Ticket
	send("telegram", "42", "3", "вот скриншот", &dialog.Attachment{Kind: dialog.AttachmentPhoto, FileName: "screen.png", MIME: "image/png", Size: int64(len(data)), Data: data})
	act := dialog.TicketAction{Number: ticket.Number, Agent: "Olga"}
	if _, err := e.Reply(ctx, act, "Сейчас проверю"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Note(ctx, act, "клиент из VIP"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Close(ctx, act); err != nil {
		t.Fatal(err)
	}
	send("telegram", "42", "4", "5")
	if tk, err := store.TicketByNumber(ctx, ticket.Number); err != nil || tk.CSAT != 5 {
		t.Fatalf("rated ticket = %+v, %v", tk, err)
	}
	if reopened := send("telegram", "42", "5", "/human").Ticket; reopened == nil || reopened.Reopens != 1 {
		t.Fatalf("reopened ticket = %+v", reopened)
	}
	open := send("webchat", "w-1", "", "/human").Ticket
	if open.FirstResponseDue.IsZero() || open.ResolutionDue.IsZero() {
		t.Fatalf("open ticket has no SLA times: %+v", open)
	}
	waiting := send("webchat", "w-2", "", "позовите живого оператора").Ticket
	if waiting == nil || len(waiting.Candidates) == 0 {
		t.Fatalf("escalation by intent has no candidates: %+v", waiting)
	}
	// A ticket waiting for the customer's answer, with its waiting time.
	if w, err := e.Wait(ctx, dialog.TicketAction{Number: waiting.Number, Agent: "Olga"}, ""); err != nil || w.WaitingSince.IsZero() {
		t.Fatalf("wait for the customer: %+v, %v", w, err)
	}
	send("webchat", "w-3", "", "забыл пароль")
	if c := send("webchat", "w-3", "", "Нет").Ticket; c == nil || len(c.Candidates) != 1 || c.Candidates[0].Confidence <= 0 {
		t.Fatalf("a ticket after an unhelpful answer has no candidate: %+v", c)
	}
	if conv := send("webchat", "w-4", "", "как настроить").Conversation; len(conv.PendingOptions) < 2 {
		t.Fatalf("no intents offered to pick from: %+v", conv)
	}

	err = store.Update(ctx, func(tx dialog.Tx) error {
		for _, id := range []string{"100", "101"} {
			item := &dialog.InboxItem{Channel: "telegram", ExternalID: id, Payload: []byte(`{"update_id":` + id + `}`), ReceivedAt: seen}
			if _, err := tx.SaveInbox(ctx, item); err != nil {
				return err
			}
		}
		if err := tx.MarkInboxProcessed(ctx, "telegram", "100", seen.Add(time.Second)); err != nil {
			return err
		}
		claimed, err := tx.ClaimOutbox(ctx, "telegram", time.Now(), time.Minute, 1)
		if err != nil || len(claimed) != 1 {
			return fmt.Errorf("claim outbox: %v, %v", claimed, err)
		}
		claimed[0].Status, claimed[0].SentAt, claimed[0].Attempts, claimed[0].PartsSent = dialog.OutboxSent, seen, 1, 1
		claimed[0].ClaimedUntil = time.Time{}
		return tx.UpdateOutbox(ctx, claimed[0])
	})
	if err != nil {
		t.Fatalf("inbox and outbox: %v", err)
	}

	// An incident covering the escalated intent, which links its ticket,
	// with a customer who asked to be told, closed (they are told); and
	// planned works, open.
	byIntent, err := store.Tickets(ctx, dialog.TicketFilter{Statuses: []dialog.TicketStatus{dialog.TicketQueued}})
	if err != nil || len(byIntent) == 0 {
		t.Fatalf("open tickets: %v, %v", byIntent, err)
	}
	covered := ""
	for _, tk := range byIntent {
		if tk.Intent != "" {
			covered = tk.Intent
		}
	}
	outage := &dialog.Incident{Text: map[string]string{"ru": "Авария \"на линии\"", "en": "A line is down"},
		Intents: []string{covered}, Areas: []string{"Северный", "ул. Ленина, 5"},
		ExpectedEnd: e.Now().Add(3 * time.Hour), CreatedBy: "Olga"}
	if err := e.OpenIncident(ctx, outage); err != nil {
		t.Fatal(err)
	}
	err = store.Update(ctx, func(tx dialog.Tx) error {
		conv, err := tx.ConversationByChat(ctx, "webchat", "w-4")
		if err != nil {
			return err
		}
		_, err = tx.SubscribeIncident(ctx, outage.ID, conv.ID)
		return err
	})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if _, sent, err := e.CloseIncident(ctx, outage.ID, 0, map[string]string{"en": "Fixed"}); err != nil || sent != 2 {
		t.Fatalf("close incident: told %d, %v; want 2", sent, err)
	}
	works := &dialog.Incident{Text: map[string]string{"en": "Cable works"}, Intents: []string{"x"},
		StartsAt: e.Now().Add(48 * time.Hour)}
	if err := e.OpenIncident(ctx, works); err != nil {
		t.Fatal(err)
	}

	gone := send("telegram", "43", "6", "/human")
	if _, err := e.Close(ctx, dialog.TicketAction{Number: gone.Ticket.Number, Agent: "Olga"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Erase(ctx, gone.Conversation.ID); err != nil {
		t.Fatal(err)
	}
	return Fixture{
		Chats:  [][2]string{{"telegram", "42"}, {"webchat", "w-1"}, {"webchat", "w-2"}, {"webchat", "w-3"}, {"webchat", "w-4"}},
		Hashes: [2]string{"session-hash", "token-hash"},
		Erased: gone.Conversation.ID,
	}
}

// Snapshot is everything readable through dialog.Store about the data
// Populate wrote.
type Snapshot struct {
	Conversations []*dialog.Conversation
	Messages      [][]*dialog.Message
	Attachments   []*dialog.Attachment // with their data
	Tickets       []*dialog.Ticket
	Users         []*dialog.User
	Session       *dialog.Session
	TokenUser     *dialog.User
	Tokens        []*dialog.APIToken // the token user's
	Backlog       map[string]int
	Inbox         []*dialog.InboxItem
	Due           []*dialog.OutboxItem // what a sender would claim now
	Activity      []*dialog.Activity
	Incidents     []*dialog.Incident
	IncidentInfo  []dialog.IncidentInfo // of each of Incidents
}

// Read reads what Populate wrote back from store, which may be a copy.
func (f Fixture) Read(t testing.TB, store dialog.Store) Snapshot {
	t.Helper()
	ctx := t.Context()
	var s Snapshot
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var convs []*dialog.Conversation
	for _, c := range f.Chats {
		conv, err := store.ConversationByChat(ctx, c[0], c[1])
		must(err)
		convs = append(convs, conv)
	}
	erased, err := store.Conversation(ctx, f.Erased)
	must(err)
	convs = append(convs, erased)
	for _, conv := range convs {
		s.Conversations = append(s.Conversations, conv)
		msgs, err := store.Messages(ctx, dialog.MessageFilter{ConversationID: conv.ID})
		must(err)
		s.Messages = append(s.Messages, msgs)
		var ids []int64
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		list, err := store.Attachments(ctx, ids)
		must(err)
		for _, a := range list {
			full, err := store.Attachment(ctx, a.ID)
			must(err)
			s.Attachments = append(s.Attachments, full)
		}
	}
	s.Tickets, err = store.Tickets(ctx, dialog.TicketFilter{})
	must(err)
	s.Users, err = store.Users(ctx)
	must(err)
	s.Session, err = store.Session(ctx, f.Hashes[0])
	must(err)
	token, err := store.APITokenByHash(ctx, f.Hashes[1])
	must(err)
	s.TokenUser, err = store.User(ctx, token.UserID)
	must(err)
	s.Tokens, err = store.APITokens(ctx, s.TokenUser.ID)
	must(err)
	s.Backlog, err = store.OutboxBacklog(ctx)
	must(err)
	s.Inbox, err = store.PendingInbox(ctx, "telegram", 0)
	must(err)
	s.Activity, err = store.Activities(ctx, dialog.ActivityFilter{})
	must(err)
	s.Incidents, err = store.Incidents(ctx, dialog.IncidentFilter{})
	must(err)
	for _, inc := range s.Incidents {
		info, err := store.IncidentInfo(ctx, inc.ID)
		must(err)
		s.IncidentInfo = append(s.IncidentInfo, info)
	}
	errRollback := errors.New("roll back")
	err = store.Update(ctx, func(tx dialog.Tx) error {
		s.Due, err = tx.ClaimOutbox(ctx, "telegram", time.Now().Add(time.Hour), time.Minute, 100)
		if err != nil {
			return err
		}
		for _, item := range s.Due {
			item.ClaimedUntil = time.Time{} // set by the claim itself
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	candidates := 0
	for _, tk := range s.Tickets {
		candidates += len(tk.Candidates)
	}
	if len(s.Attachments) != 1 || len(s.Inbox) != 1 || s.Backlog["telegram"] == 0 || len(s.Due) == 0 || len(s.Tickets) != 5 ||
		candidates < 2 || len(s.Activity) == 0 || !erased.Erased() || len(s.Tokens) != 1 || s.Tokens[0].Name == "" || s.Tokens[0].LastUsedAt.IsZero() {
		t.Fatalf("the fixture is incomplete: %d attachments, inbox %v, backlog %v, %d due, %d tickets with %d candidates, %d events, erased %+v, tokens %s",
			len(s.Attachments), s.Inbox, s.Backlog, len(s.Due), len(s.Tickets), candidates, len(s.Activity), erased, dump(s.Tokens))
	}
	return s
}

// Compare fails the test where got and want differ.
func Compare(t testing.TB, what string, got, want Snapshot) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			t.Errorf("%s: %s differ:\n got %s\nwant %s", what, g.Type().Field(i).Name, dump(g.Field(i).Interface()), dump(w.Field(i).Interface()))
		}
	}
}

// dump prints pointers' contents, not addresses.
func dump(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return fmt.Sprintf("%+v", deref(rv))
	}
	var parts []string
	for i := range rv.Len() {
		parts = append(parts, dump(rv.Index(i).Interface()))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func deref(v reflect.Value) any {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return v.Elem().Interface()
	}
	return v.Interface()
}
