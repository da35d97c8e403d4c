package postgres_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
	"github.com/firstline-support/firstline/dialog/store/schema"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

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
	env := dialogtest.New(t, "../../testdata/intents", dialogtest.FixtureConfig(), nil, nil)
	fixture := dialogtest.Populate(t, env)
	want := fixture.Read(t, env.Store)
	fromSQLite := export(t, env.Store)

	if err := pg.Import(ctx, bytes.NewReader(fromSQLite)); err != nil {
		t.Fatalf("import into PostgreSQL: %v", err)
	}
	dialogtest.Compare(t, "PostgreSQL", fixture.Read(t, pg), want)
	fromPostgres := export(t, pg)
	if !bytes.Equal(fromSQLite, fromPostgres) {
		t.Errorf("exports differ:\nSQLite:\n%s\nPostgreSQL:\n%s", fromSQLite, fromPostgres)
	}

	back := dialogtest.Store(t, nil)
	if err := back.Import(ctx, bytes.NewReader(fromPostgres)); err != nil {
		t.Fatalf("import into SQLite: %v", err)
	}
	dialogtest.Compare(t, "SQLite again", fixture.Read(t, back), want)

	// Ids go on after the largest imported one in both stores.
	maxID := want.Tickets[0].ID // newest first
	for name, store := range map[string]dialog.Store{"PostgreSQL": pg, "SQLite": back} {
		e := dialog.NewEngine(store, env.KB, nil, dialogtest.FixtureConfig(), slog.New(slog.DiscardHandler))
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
	env := dialogtest.New(t, "../../testdata/intents", dialogtest.FixtureConfig(), nil, nil)
	dialogtest.Populate(t, env)
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
	env := dialogtest.New(t, "../../testdata/intents", dialogtest.FixtureConfig(), nil, nil)
	dialogtest.Populate(t, env)
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
// same columns, each of the type its kind is kept in, NULL-able only when
// its kind has a NULL.
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
	rows, _ := conn.Query(t.Context(), `SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
		FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1, 2`)
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var table, column, typ, nullable string
		err := r.Scan(&table, &column, &typ, &nullable)
		if nullable == "YES" {
			typ += " NULL"
		}
		return table + "." + column + " " + typ, err
	})
	if err != nil {
		t.Fatal(err)
	}
	types := map[schema.Kind]string{
		schema.KindInt: "bigint", schema.KindNullInt: "bigint NULL", schema.KindReal: "double precision",
		schema.KindBool: "boolean", schema.KindText: "text", schema.KindTime: "timestamp with time zone",
		schema.KindNullTime: "timestamp with time zone NULL", schema.KindBlob: "bytea",
		schema.KindList: "jsonb", schema.KindCandidates: "jsonb",
	}
	// Counts that are kept in integer; and the ticket number, NULL only
	// inside the transaction that creates the ticket.
	exceptions := map[string]string{
		"tickets.csat": "integer", "tickets.reopens": "integer", "tickets.version": "integer", "outbox.parts_sent": "integer",
		"outbox.attempts": "integer", "activity.value": "integer", "tickets.number": "text NULL",
	}
	var want []string
	for _, tbl := range schema.Tables() {
		for _, c := range tbl.Columns {
			typ, ok := exceptions[tbl.Name+"."+c.Name]
			if !ok {
				typ = types[c.Kind]
			}
			want = append(want, tbl.Name+"."+c.Name+" "+typ)
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("columns:\nschema.Tables %v\nthe database  %v", want, got)
	}
}

// TestImportReplacesNUL imports an export of a SQLite database written
// before the stores refused the NUL character: PostgreSQL takes it, with
// U+FFFD in place of each NUL, in text and in lists alike.
func TestImportReplacesNUL(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "firstline.db")
	old, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	e := dialog.NewEngine(old, dialogtest.KB(t, "../../testdata/intents"), nil, dialogtest.FixtureConfig(), slog.New(slog.DiscardHandler))
	out, err := e.Handle(ctx, dialog.Inbound{Channel: "webchat", ChatID: "w", CustomerName: "Анна", Text: "/human"})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `UPDATE tickets SET customer_name = 'Ан' || char(0) || 'на', candidates = '[{"intent":"a\u0000","confidence":0.5}]';
		UPDATE messages SET text = 'a' || char(0) || 'b' WHERE id = 1;
		UPDATE conversations SET pending_options = '["x\u0000"]'`)
	if err != nil {
		t.Fatal(err)
	}
	data := export(t, old)
	if !bytes.Contains(data, []byte(`\u0000`)) {
		t.Fatalf("the export has no NUL:\n%s", data)
	}

	pg := openPostgres(t)
	if err := pg.Import(ctx, bytes.NewReader(data)); err != nil {
		t.Fatalf("import: %v", err)
	}
	tk, err := pg.TicketByNumber(ctx, out.Ticket.Number)
	if err != nil || tk.CustomerName != "Ан\uFFFDна" || len(tk.Candidates) != 1 || tk.Candidates[0].Intent != "a\uFFFD" {
		t.Errorf("ticket = %+v, %v", tk, err)
	}
	m, err := pg.Message(ctx, 1)
	if err != nil || m.Text != "a\uFFFDb" {
		t.Errorf("message = %+v, %v", m, err)
	}
	c, err := pg.ConversationByChat(ctx, "webchat", "w")
	if err != nil || len(c.PendingOptions) != 1 || c.PendingOptions[0] != "x\uFFFD" {
		t.Errorf("conversation = %+v, %v", c, err)
	}
}
