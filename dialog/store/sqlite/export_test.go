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
	"github.com/firstline-support/firstline/dialog/store/schema"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// TestTablesMatchSchema checks schema.Tables against the migrated
// database: the same tables (but the ones left out on purpose) and the
// same columns, each declared with the type its kind is kept in, NULL-able
// only when its kind has a NULL.
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
	types := map[schema.Kind]string{
		schema.KindInt: "INTEGER", schema.KindNullInt: "INTEGER NULL", schema.KindReal: "REAL",
		schema.KindBool: "INTEGER", schema.KindText: "TEXT", schema.KindTime: "TEXT",
		schema.KindNullTime: "TEXT NULL", schema.KindBlob: "BLOB", schema.KindList: "TEXT", schema.KindCandidates: "TEXT",
	}
	var want []string
	for _, tbl := range schema.Tables() {
		want = append(want, tbl.Name)
		var columns []string
		crows, err := db.Query(`SELECT name, type, "notnull" OR pk > 0 FROM pragma_table_info(?) ORDER BY name`, tbl.Name)
		if err != nil {
			t.Fatal(err)
		}
		for crows.Next() {
			var name, typ string
			var notNull bool
			if err := crows.Scan(&name, &typ, &notNull); err != nil {
				t.Fatal(err)
			}
			if !notNull {
				typ += " NULL"
			}
			columns = append(columns, name+" "+typ)
		}
		var got []string
		for _, c := range tbl.Columns {
			typ := types[c.Kind]
			if tbl.Name == "tickets" && c.Name == "number" {
				typ = "TEXT NULL" // only inside the transaction that creates the ticket
			}
			got = append(got, c.Name+" "+typ)
		}
		slices.Sort(got)
		if !slices.Equal(got, columns) {
			t.Errorf("%s: schema.Tables has %v, the database %v", tbl.Name, got, columns)
		}
	}
	slices.Sort(want)
	if !slices.Equal(tables, want) {
		t.Errorf("tables: schema.Tables has %v, the database %v", want, tables)
	}
}

// TestExportImport copies a store with every kind of row into a new
// store: the copy reads the same and exports the same, new ids go on from
// the imported ones, a second import is refused, and a bad line leaves the
// new store empty.
func TestExportImport(t *testing.T) {
	ctx := t.Context()
	env := dialogtest.New(t, "../../testdata/intents", dialogtest.FixtureConfig(), nil, nil)
	fixture := dialogtest.Populate(t, env)
	want := fixture.Read(t, env.Store)

	var data bytes.Buffer
	if err := env.Store.Export(ctx, &data); err != nil {
		t.Fatal(err)
	}
	copyStore := dialogtest.Store(t, nil)
	if err := copyStore.Import(ctx, bytes.NewReader(data.Bytes())); err != nil {
		t.Fatalf("import: %v", err)
	}
	dialogtest.Compare(t, "the copy", fixture.Read(t, copyStore), want)
	var again bytes.Buffer
	if err := copyStore.Export(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data.Bytes(), again.Bytes()) {
		t.Errorf("the copy exports\n%s\nthe original\n%s", again.Bytes(), data.Bytes())
	}

	if err := copyStore.Import(ctx, bytes.NewReader(data.Bytes())); dialog.ErrorCode(err) != dialog.ECONFLICT {
		t.Errorf("second import: %v, want a conflict", err)
	}

	e := dialog.NewEngine(copyStore, env.KB, nil, dialogtest.FixtureConfig(), slog.New(slog.DiscardHandler))
	out, err := e.Handle(ctx, dialog.Inbound{Channel: "webchat", ChatID: "new", Text: "/human"})
	if err != nil {
		t.Fatal(err)
	}
	if newest := want.Tickets[0]; out.Ticket.ID != newest.ID+1 {
		t.Errorf("new ticket id %d, want %d", out.Ticket.ID, newest.ID+1)
	}

	lines := strings.Split(data.String(), "\n")
	lines[3] = strings.Replace(lines[3], `"created_at":"`, `"created_at":"x`, 1)
	empty := dialogtest.Store(t, nil)
	err = empty.Import(ctx, strings.NewReader(strings.Join(lines, "\n")))
	if dialog.ErrorCode(err) != dialog.EINVALID || !strings.Contains(err.Error(), "line 4:") {
		t.Errorf("import of a bad line: %v, want an error naming line 4", err)
	}
	var emptyExport bytes.Buffer
	if err := empty.Export(ctx, &emptyExport); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(emptyExport.String(), "\n"); n != 1 {
		t.Errorf("after a failed import the store has %d rows", n-1)
	}
}
