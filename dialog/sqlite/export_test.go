package sqlite_test

import (
	"bytes"
	"database/sql"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/schema"
	"github.com/firstline-support/firstline/dialog/sqlite"
)

// TestTablesMatchSchema checks schema.Tables against the migrated
// database: the same tables (but the ones left out on purpose) and the
// same columns.
func TestTablesMatchSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "firstline.db")
	store, err := sqlite.Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	var want []string
	for _, tbl := range schema.Tables() {
		want = append(want, tbl.Name)
		var columns []string
		crows, err := db.Query("SELECT name FROM pragma_table_info(?) ORDER BY name", tbl.Name)
		if err != nil {
			t.Fatal(err)
		}
		for crows.Next() {
			var name string
			if err := crows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			columns = append(columns, name)
		}
		got := slices.Sorted(slices.Values(tbl.ColumnNames()))
		if !slices.Equal(got, columns) {
			t.Errorf("%s: schema.Tables has %v, the database %v", tbl.Name, got, columns)
		}
	}
	slices.Sort(want)
	if !slices.Equal(tables, want) {
		t.Errorf("tables: schema.Tables has %v, the database %v", want, tables)
	}
}

// TestExportImport copies a store with a closed, rated ticket and an open
// one into a new store: the copy exports the same and reads the same, new
// ids go on from the imported ones, a second import is refused, and a bad
// line leaves the new store empty.
func TestExportImport(t *testing.T) {
	ctx := t.Context()
	env := dialogtest.New(t, "../testdata/intents", dialog.DefaultConfig, nil, nil)
	send := func(e *dialog.Engine, chat, text string) *dialog.Outcome {
		t.Helper()
		out, err := e.Handle(ctx, dialog.Inbound{Channel: "webchat", ChatID: chat, CustomerName: "Анна", Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	closed := send(env.Engine, "a", "/human").Ticket
	if _, err := env.Engine.Close(ctx, dialog.TicketAction{Number: closed.Number, Agent: "Olga"}); err != nil {
		t.Fatal(err)
	}
	send(env.Engine, "a", "4")
	open := send(env.Engine, "b", "/human").Ticket

	var data bytes.Buffer
	if err := env.Store.Export(ctx, &data); err != nil {
		t.Fatal(err)
	}
	copyStore := dialogtest.Store(t, nil)
	if err := copyStore.Import(ctx, bytes.NewReader(data.Bytes())); err != nil {
		t.Fatalf("import: %v", err)
	}
	var again bytes.Buffer
	if err := copyStore.Export(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data.Bytes(), again.Bytes()) {
		t.Errorf("the copy exports\n%s\nthe original\n%s", again.Bytes(), data.Bytes())
	}
	rated, err := copyStore.TicketByNumber(ctx, closed.Number)
	if err != nil || rated.CSAT != 4 || rated.ClosedAt.IsZero() {
		t.Errorf("copied closed ticket = %+v, %v", rated, err)
	}

	if err := copyStore.Import(ctx, bytes.NewReader(data.Bytes())); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("second import: %v, want a conflict", err)
	}

	e := dialog.NewEngine(copyStore, env.KB, nil, dialog.DefaultConfig, slog.New(slog.DiscardHandler))
	if next := send(e, "c", "/human").Ticket; next.ID != open.ID+1 {
		t.Errorf("new ticket id %d, want %d", next.ID, open.ID+1)
	}

	lines := strings.Split(data.String(), "\n")
	lines[3] = strings.Replace(lines[3], `"created_at":"`, `"created_at":"x`, 1)
	empty := dialogtest.Store(t, nil)
	err = empty.Import(ctx, strings.NewReader(strings.Join(lines, "\n")))
	if dialog.ErrorCode(err) != dialog.EINVALID || !strings.Contains(err.Error(), "line 4:") {
		t.Errorf("import of a bad line: %v, want an error naming line 4", err)
	}
	tickets, err := empty.Tickets(ctx, dialog.TicketFilter{})
	if err != nil || len(tickets) != 0 {
		t.Errorf("after a failed import: %d tickets, %v", len(tickets), err)
	}
	var emptyExport bytes.Buffer
	if err := empty.Export(ctx, &emptyExport); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(emptyExport.String(), "\n"); n != 1 {
		t.Errorf("after a failed import the store has %d rows", n-1)
	}
}
