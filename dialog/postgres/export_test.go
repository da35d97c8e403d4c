package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/postgres"
	"github.com/firstline-support/firstline/dialog/postgres/pgtest"
	"github.com/firstline-support/firstline/dialog/schema"
)

// testConfig pushes to Telegram, so messages there fill the outbox.
func testConfig() dialog.Config {
	cfg := dialog.DefaultConfig
	cfg.PushChannels = []string{"telegram"}
	return cfg
}

// populate fills every table through the engine and the store: users, a
// session and an API token; a Telegram conversation with an attachment and
// a ticket that was taken, answered, noted, closed and rated; a web chat
// with an open ticket under an SLA; inbox items; outbox items, one sent.
func populate(t *testing.T, env *dialogtest.Env) (chats [][2]string, hashes [2]string) {
	t.Helper()
	ctx := t.Context()
	e, store := env.Engine, env.Store
	seen := time.Date(2026, 3, 1, 10, 0, 0, 123456000, time.UTC)
	err := store.Update(ctx, func(tx dialog.Tx) error {
		olga := &dialog.User{Name: "Olga", Role: dialog.RoleAgent, PasswordHash: "$2a$hash", Lang: "ru", Queues: []string{"first_line", "second_line"}, LastSeenAt: seen}
		ivan := &dialog.User{Name: "Ivan", Role: dialog.RoleAdmin, Disabled: true}
		for _, u := range []*dialog.User{olga, ivan} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		if err := tx.CreateSession(ctx, &dialog.Session{TokenHash: "session-hash", UserID: olga.ID, ExpiresAt: seen.Add(24 * time.Hour)}); err != nil {
			return err
		}
		return tx.CreateAPIToken(ctx, &dialog.APIToken{TokenHash: "token-hash", UserID: ivan.ID})
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
	open := send("webchat", "w-1", "", "/human").Ticket
	if open.FirstResponseDue.IsZero() || open.ResolutionDue.IsZero() {
		t.Fatalf("open ticket has no SLA times: %+v", open)
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
	return [][2]string{{"telegram", "42"}, {"webchat", "w-1"}}, [2]string{"session-hash", "token-hash"}
}

// snapshot is everything readable through dialog.Store about the data
// populate wrote.
type snapshot struct {
	Conversations []*dialog.Conversation
	Messages      [][]*dialog.Message
	Attachments   []*dialog.Attachment // with their data
	Tickets       []*dialog.Ticket
	Users         []*dialog.User
	Session       *dialog.Session
	TokenUser     *dialog.User
	Backlog       map[string]int
	Inbox         []*dialog.InboxItem
	Due           []*dialog.OutboxItem // what a sender would claim now
	Activity      []*dialog.Activity
}

func read(t *testing.T, store dialog.Store, chats [][2]string, hashes [2]string) snapshot {
	t.Helper()
	ctx := t.Context()
	var s snapshot
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range chats {
		conv, err := store.ConversationByChat(ctx, c[0], c[1])
		must(err)
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
	var err error
	s.Tickets, err = store.Tickets(ctx, dialog.TicketFilter{})
	must(err)
	s.Users, err = store.Users(ctx)
	must(err)
	s.Session, err = store.Session(ctx, hashes[0])
	must(err)
	s.TokenUser, err = store.UserByAPIToken(ctx, hashes[1])
	must(err)
	s.Backlog, err = store.OutboxBacklog(ctx)
	must(err)
	s.Inbox, err = store.PendingInbox(ctx, "telegram", 0)
	must(err)
	s.Activity, err = store.Activities(ctx, dialog.ActivityFilter{})
	must(err)
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
	if len(s.Attachments) != 1 || len(s.Inbox) != 1 || s.Backlog["telegram"] == 0 || len(s.Due) == 0 || len(s.Tickets) != 2 ||
		len(s.Activity) == 0 {
		t.Fatalf("the fixture is incomplete: %d attachments, inbox %v, backlog %v, %d due, %d tickets, %d events",
			len(s.Attachments), s.Inbox, s.Backlog, len(s.Due), len(s.Tickets), len(s.Activity))
	}
	return s
}

// compare fails the test where got and want differ.
func compare(t *testing.T, what string, got, want snapshot) {
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

func openPostgres(t *testing.T) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), pgtest.Database(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func export(t *testing.T, store interface {
	Export(context.Context, io.Writer) error
}) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := store.Export(t.Context(), &buf); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

// TestRoundTrip moves a populated SQLite store to PostgreSQL and back to a
// new SQLite store: everything reads back the same, and both exports are
// the same bytes.
func TestRoundTrip(t *testing.T) {
	ctx := t.Context()
	pg := openPostgres(t)
	env := dialogtest.New(t, "../testdata/intents", testConfig(), nil, nil)
	chats, hashes := populate(t, env)
	want := read(t, env.Store, chats, hashes)
	fromSQLite := export(t, env.Store)

	if err := pg.Import(ctx, bytes.NewReader(fromSQLite)); err != nil {
		t.Fatalf("import into PostgreSQL: %v", err)
	}
	compare(t, "PostgreSQL", read(t, pg, chats, hashes), want)
	fromPostgres := export(t, pg)
	if !bytes.Equal(fromSQLite, fromPostgres) {
		t.Errorf("exports differ:\nSQLite:\n%s\nPostgreSQL:\n%s", fromSQLite, fromPostgres)
	}

	back := dialogtest.Store(t, nil)
	if err := back.Import(ctx, bytes.NewReader(fromPostgres)); err != nil {
		t.Fatalf("import into SQLite: %v", err)
	}
	compare(t, "SQLite again", read(t, back, chats, hashes), want)

	// Ids go on after the largest imported one in both stores.
	maxID := want.Tickets[0].ID // newest first
	for name, store := range map[string]dialog.Store{"PostgreSQL": pg, "SQLite": back} {
		e := dialog.NewEngine(store, env.KB, nil, testConfig(), slog.New(slog.DiscardHandler))
		out, err := e.Handle(ctx, dialog.Inbound{Channel: "webchat", ChatID: "new", Text: "/human"})
		if err != nil {
			t.Fatalf("%s: new ticket: %v", name, err)
		}
		if out.Ticket.ID != maxID+1 || out.Ticket.Number != dialog.FormatTicketNumber(maxID+1) {
			t.Errorf("%s: new ticket %d %s, want id %d", name, out.Ticket.ID, out.Ticket.Number, maxID+1)
		}
		if out.Conversation.ID != want.Conversations[len(want.Conversations)-1].ID+1 {
			t.Errorf("%s: new conversation id %d", name, out.Conversation.ID)
		}
	}
}

// TestImportIntoNonEmpty refuses to mix an export into data already there.
func TestImportIntoNonEmpty(t *testing.T) {
	ctx := t.Context()
	pg := openPostgres(t)
	env := dialogtest.New(t, "../testdata/intents", testConfig(), nil, nil)
	populate(t, env)
	data := export(t, env.Store)
	if err := pg.Import(ctx, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	before := export(t, pg)
	err := pg.Import(ctx, bytes.NewReader(data))
	if dialog.ErrorCode(err) != dialog.ECONFLICT || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second import: %v, want a conflict", err)
	}
	if after := export(t, pg); !bytes.Equal(before, after) {
		t.Error("the failed import changed the store")
	}
}

// TestImportBadLine fails naming the line and leaves the store empty.
func TestImportBadLine(t *testing.T) {
	ctx := t.Context()
	env := dialogtest.New(t, "../testdata/intents", testConfig(), nil, nil)
	populate(t, env)
	lines := strings.Split(string(export(t, env.Store)), "\n")
	empty := export(t, dialogtest.Store(t, nil))
	for _, c := range []struct {
		name string
		edit func(lines []string) // lines[9] is line 10
		want string
	}{
		{"not JSON", func(l []string) { l[9] = "{not json" }, "line 10: not a row"},
		{"unknown table", func(l []string) { l[9] = `{"table":"whatsmeow_device","row":{}}` }, `line 10: unknown table "whatsmeow_device"`},
		{"unknown column", func(l []string) { l[9] = strings.Replace(l[9], `"row":{`, `"row":{"colour":"red",`, 1) }, `line 10: table`},
		{"a late duplicate", func(l []string) { l[len(l)-2] = l[len(l)-3] }, fmt.Sprintf("line %d: insert", len(lines)-1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			pg := openPostgres(t)
			edited := append([]string(nil), lines...)
			c.edit(edited)
			err := pg.Import(ctx, strings.NewReader(strings.Join(edited, "\n")))
			if dialog.ErrorCode(err) != dialog.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("import: %v, want an invalid-input error with %q", err, c.want)
			}
			if got := export(t, pg); !bytes.Equal(got, empty) {
				t.Errorf("the failed import left data:\n%s", got)
			}
		})
	}
}

// TestTablesMatchSchema checks schema.Tables against the migrated
// database: the same tables (but the ones left out on purpose) and the
// same columns.
func TestTablesMatchSchema(t *testing.T) {
	url := pgtest.Database(t)
	db, err := postgres.Open(t.Context(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(t.Context()))
	rows, _ := conn.Query(t.Context(), `SELECT table_name::text, column_name::text FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1, 2`)
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var table, column string
		err := r.Scan(&table, &column)
		return table + "." + column, err
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, tbl := range schema.Tables() {
		for _, c := range tbl.ColumnNames() {
			want = append(want, tbl.Name+"."+c)
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("columns:\nschema.Tables %v\nthe database  %v", want, got)
	}
}
