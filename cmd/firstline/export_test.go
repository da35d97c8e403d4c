package main

import (
	"bytes"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/dialogtest"
	"github.com/firstline-support/firstline/dialog/store/postgres"
	"github.com/firstline-support/firstline/dialog/store/postgres/pgtest"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
)

// TestExportImportCommands moves a data dir's store into a new data dir
// through a file, and checks the commands' usage errors.
func TestExportImportCommands(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()
	const pw = "a long enough password"
	if code, _, stderr := runIn(t, from, pw+"\n", nil, "user", "add", "--name", "anna", "--role", "agent", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	file := filepath.Join(t.TempDir(), "firstline.jsonl")

	for _, c := range []struct {
		name string
		data string
		args []string
		code int
		out  string // in stdout on success, in stderr on failure
	}{
		{"export to a file", from, []string{"export", "--out", file}, 0, ""},
		{"export to stdout", from, []string{"export"}, 0, `{"firstline_export":5,`},
		{"import without --in", to, []string{"import"}, 2, "--in is required"},
		{"import a missing file", to, []string{"import", "--in", file + ".missing"}, 1, "no such file"},
		{"import", to, []string{"import", "--in", file, "--data", to}, 0, "imported"},
		{"import again", to, []string{"import", "--in", file}, 1, "not empty"},
		{"unexpected argument", to, []string{"export", "extra"}, 2, "unexpected argument"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, c.data, "", nil, c.args...)
			if code != c.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, c.code, stderr)
			}
			got := stdout
			if c.code != 0 {
				got = stderr
			}
			if !strings.Contains(got, c.out) {
				t.Errorf("output %q lacks %q", got, c.out)
			}
		})
	}

	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), `"name":"anna"`) {
		t.Fatalf("export file: %v\n%s", err, b)
	}
	u, err := openTestStore(t, to).UserByName(t.Context(), "anna")
	if err != nil || u.Role != dialog.RoleAgent {
		t.Errorf("imported user = %+v, %v", u, err)
	}
}

// TestExportAcrossStores moves a SQLite data directory holding every kind
// of row firstline writes, and a linked WhatsApp device, to PostgreSQL and
// back to a new SQLite data directory with the commands: each store reads
// the same as the first, and the three exports are the same bytes.
func TestExportAcrossStores(t *testing.T) {
	ctx := t.Context()
	from, back, files := t.TempDir(), t.TempDir(), t.TempDir()
	log := slog.New(slog.DiscardHandler)
	store, err := sqlite.Open(ctx, filepath.Join(from, "firstline.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	holder := dialogtest.KB(t, "../../dialog/testdata/intents")
	env := &dialogtest.Env{Engine: dialog.NewEngine(store, holder, nil, dialogtest.FixtureConfig(), log), Store: store, KB: holder}
	fixture := dialogtest.Populate(t, env)
	want := fixture.Read(t, store)
	store.Close()
	storeDevice(t, filepath.Join(from, "firstline.db")) // stays behind: a device is paired again after a move

	pgURL := pgtest.Database(t)
	pg := map[string]string{"FIRSTLINE_DATABASE_URL": pgURL}
	fromSQLite, fromPostgres, fromBack := filepath.Join(files, "1.jsonl"), filepath.Join(files, "2.jsonl"), filepath.Join(files, "3.jsonl")
	for _, c := range []struct {
		data string
		envs map[string]string
		args []string
	}{
		{from, nil, []string{"export", "--out", fromSQLite}},
		{t.TempDir(), pg, []string{"import", "--in", fromSQLite}},
		{t.TempDir(), pg, []string{"export", "--out", fromPostgres}},
		{back, nil, []string{"import", "--in", fromPostgres}},
		{back, nil, []string{"export", "--out", fromBack}},
	} {
		if code, _, stderr := runIn(t, c.data, "", c.envs, c.args...); code != 0 {
			t.Fatalf("%v: exit code %d: %s", c.args, code, stderr)
		}
	}

	pgStore, err := postgres.Open(ctx, pgURL, log)
	if err != nil {
		t.Fatal(err)
	}
	defer pgStore.Close()
	dialogtest.Compare(t, "PostgreSQL", fixture.Read(t, pgStore), want)
	dialogtest.Compare(t, "SQLite again", fixture.Read(t, openTestStore(t, back)), want)

	first, err := os.ReadFile(fromSQLite)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(first), `"candidates":[{"intent":"talk_to_human","confidence":`) {
		t.Errorf("the export lacks the tickets' candidates:\n%s", first)
	}
	for _, name := range []string{fromPostgres, fromBack} {
		if b, err := os.ReadFile(name); err != nil || !bytes.Equal(b, first) {
			t.Errorf("%s differs from the first export (%v):\n%s\nthe first:\n%s", filepath.Base(name), err, b, first)
		}
	}
}

// TestExportFailureLeavesNoFile breaks a row so that the export fails
// halfway: no file is left, no temporary one either, and a backup already
// at that name stays as it was.
func TestExportFailureLeavesNoFile(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := runIn(t, data, "a long enough password\n", nil, "user", "add", "--name", "anna", "--role", "agent", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	db, err := sql.Open("sqlite", filepath.Join(data, "firstline.db"))
	if err != nil {
		t.Fatal(err)
	}
	// Users come first in an export, tickets later: the header and the
	// user are written before the ticket fails.
	_, err = db.Exec(`INSERT INTO conversations (channel, chat_id, state, created_at, updated_at)
		VALUES ('webchat', 'x', 'queued', '2026-03-01T10:00:00.000000Z', '2026-03-01T10:00:00.000000Z');
		INSERT INTO tickets (number, conversation_id, status, created_at, updated_at)
		VALUES ('FL-000001', 1, 'queued', 'yesterday', '2026-03-01T10:00:00.000000Z')`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "backup.jsonl")
	code, _, stderr := runIn(t, data, "", nil, "export", "--out", file)
	if code != 1 || !strings.Contains(stderr, "tickets.created_at") {
		t.Fatalf("export of a broken row: exit code %d, %s", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed export left %v", entries)
	}

	const old = "yesterday's backup\n"
	if err := os.WriteFile(file, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runIn(t, data, "", nil, "export", "--out", file); code != 1 {
		t.Fatalf("export of a broken row: exit code %d", code)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != old {
		t.Errorf("the backup there before reads %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed export left %v", entries)
	}
}

// TestExportToLinkAndPipe writes an export through a link, which stays a
// link to the new export, and into a named pipe, which is written to as
// it is rather than replaced by a file.
func TestExportToLinkAndPipe(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := runIn(t, data, "a long enough password\n", nil, "user", "add", "--name", "anna", "--role", "agent", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	dir := t.TempDir()
	target, link := filepath.Join(dir, "backup.jsonl"), filepath.Join(dir, "latest.jsonl")
	if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runIn(t, data, "", nil, "export", "--out", link); code != 0 {
		t.Fatalf("export to a link: %s", stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi, err)
	}
	if b, err := os.ReadFile(target); err != nil || !strings.Contains(string(b), `"anna"`) {
		t.Errorf("the link's target reads %q, %v; want the export", b, err)
	}

	pipe := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	// Opened for reading first, so that the export's open does not wait;
	// the export is smaller than the pipe's buffer.
	r, err := os.OpenFile(pipe, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if code, _, stderr := runIn(t, data, "", nil, "export", "--out", pipe); code != 0 {
		t.Fatalf("export to a pipe: %s", stderr)
	}
	if b, _ := io.ReadAll(r); !strings.Contains(string(b), `"anna"`) {
		t.Errorf("the pipe carried %q, want the export", b)
	}
	if fi, err := os.Lstat(pipe); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v, %v", fi, err)
	}
}
