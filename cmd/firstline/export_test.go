package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
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
		{"export to stdout", from, []string{"export"}, 0, `{"firstline_export":1,`},
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
