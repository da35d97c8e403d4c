package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/sqlite"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// runIn runs firstline in process with stdin and FIRSTLINE_DATA=data.
func runIn(t *testing.T, data, stdin string, envs map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	code = run(t.Context(), args, env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut,
		getenv: func(k string) string {
			if k == "FIRSTLINE_DATA" {
				return data
			}
			return envs[k]
		}})
	return code, out.String(), errOut.String()
}

// openTestStore opens the database the commands wrote, after they closed it.
func openTestStore(t *testing.T, data string) dialog.Store {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(data, "firstline.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

func TestUserCommands(t *testing.T) {
	data := t.TempDir()
	const pw, newPW = "a long enough password", "another long password"
	var token string
	for _, c := range []struct {
		name  string
		args  []string
		stdin string
		code  int
		out   string // in stdout on success, in stderr on failure
	}{
		{"add an agent", []string{"user", "add", "--name", "anna", "--role", "agent", "--queues", "second_line, first_line", "--password-stdin"}, pw + "\n", 0, `created user "anna" (agent)`},
		{"add an admin, --data as a flag", []string{"user", "add", "--name", "root", "--role", "admin", "--password-stdin", "--data", data}, pw + "\r\n", 0, `created user "root" (admin)`},
		{"taken name", []string{"user", "add", "--name", "anna", "--role", "agent", "--password-stdin"}, pw + "\n", 1, `"anna" already exists`},
		{"short password", []string{"user", "add", "--name", "boris", "--role", "agent", "--password-stdin"}, "short\n", 1, "at least 10 characters"},
		{"no password on stdin", []string{"user", "add", "--name", "boris", "--role", "agent", "--password-stdin"}, "", 1, "no password"},
		{"stdin is not a terminal", []string{"user", "add", "--name", "boris", "--role", "agent"}, pw + "\n", 2, "--password-stdin"},
		{"no name", []string{"user", "add", "--role", "agent", "--password-stdin"}, pw + "\n", 2, "--name is required"},
		{"bad name", []string{"user", "add", "--name", "bo ris", "--role", "agent", "--password-stdin"}, pw + "\n", 2, "letters, digits"},
		{"bad role", []string{"user", "add", "--name", "boris", "--role", "boss", "--password-stdin"}, pw + "\n", 2, "--role must be agent, admin or analyst"},
		{"unknown queue", []string{"user", "add", "--name", "boris", "--role", "agent", "--queues", "vip", "--password-stdin"}, pw + "\n", 2, `"vip" is not a queue`},
		{"list", []string{"user", "list"}, "", 0, "anna  agent  first_line,second_line  no        never"},
		{"disable", []string{"user", "disable", "anna"}, "", 0, `disabled user "anna"`},
		{"the last admin", []string{"user", "disable", "root"}, "", 1, "last enabled admin"},
		{"list shows disabled", []string{"user", "list"}, "", 0, "anna  agent  first_line,second_line  yes"},
		{"enable", []string{"user", "enable", "anna"}, "", 0, `enabled user "anna"`},
		{"enable an unknown user", []string{"user", "enable", "nobody"}, "", 1, `no user "nobody"`},
		{"passwd", []string{"user", "passwd", "anna", "--password-stdin"}, newPW + "\n", 0, `changed the password of "anna"`},
		{"passwd of an unknown user", []string{"user", "passwd", "nobody", "--password-stdin"}, newPW + "\n", 1, `no user "nobody"`},
		{"set queues", []string{"user", "queues", "anna", "--queues", "third_line"}, "", 0, `user "anna" works third_line`},
		{"list shows the queues", []string{"user", "list"}, "", 0, "anna  agent  third_line "},
		{"every queue", []string{"user", "queues", "anna"}, "", 0, `user "anna" works every queue`},
		{"list shows every queue", []string{"user", "list"}, "", 0, "anna  agent  all "},
		{"set an unknown queue", []string{"user", "queues", "anna", "--queues", "vip"}, "", 2, `"vip" is not a queue`},
		{"queues of an unknown user", []string{"user", "queues", "nobody", "--queues", "first_line"}, "", 1, `no user "nobody"`},
		{"queues without a name", []string{"user", "queues", "--queues", "first_line"}, "", 2, "missing the user's name"},
		{"token", []string{"user", "token", "anna"}, "", 0, "flt_"},
		{"token without a name", []string{"user", "token"}, "", 2, "missing the user's name"},
		{"name after the flags", []string{"user", "token", "--data", data, "anna"}, "", 2, "unexpected argument"},
		{"unknown subcommand", []string{"user", "frobnicate"}, "", 2, "unknown subcommand"},
		{"no subcommand", []string{"user"}, "", 2, "firstline user add"},
		{"help", []string{"user", "help"}, "", 0, "firstline user token NAME"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, data, c.stdin, nil, c.args...)
			got := stdout
			if c.code != 0 {
				got = stderr
			}
			if code != c.code || !strings.Contains(got, c.out) {
				t.Fatalf("firstline %v: exit %d, want %d with %q in:\nstdout: %s\nstderr: %s", c.args, code, c.code, c.out, stdout, stderr)
			}
			if len(c.args) > 1 && c.args[1] == "token" && code == 0 {
				token = stdout
			}
		})
	}

	// "token" prints the token alone.
	if !regexp.MustCompile(`^flt_[A-Za-z0-9_-]{43}\n$`).MatchString(token) {
		t.Fatalf("token output %q", token)
	}
	store := openTestStore(t, data)
	ctx := context.Background()
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	if u, err := tokenUser(ctx, store, hex.EncodeToString(sum[:])); err != nil || u.Name != "anna" {
		t.Errorf("the printed token is not anna's: %v %v", u, err)
	}
	users := auth.New(store, auth.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, _, err := users.Login(ctx, "anna", newPW, ""); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	if boris, err := store.UserByName(ctx, "boris"); err == nil {
		t.Errorf("a refused add stored %+v", boris)
	}
}

func TestEnsureAdminAtStart(t *testing.T) {
	data := t.TempDir()
	store := openTestStore(t, data)
	users := auth.New(store, auth.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var stderr strings.Builder
	e := env{stderr: &stderr, getenv: func(k string) string {
		if k == "FIRSTLINE_ADMIN_PASSWORD" {
			return "from the environment"
		}
		return ""
	}}
	for range 2 {
		if err := ensureAdmin(t.Context(), users, e); err != nil {
			t.Fatal(err)
		}
	}
	// A password the operator chose is not printed.
	if stderr.Len() != 0 {
		t.Errorf("printed %q", stderr.String())
	}
	if _, u, err := users.Login(t.Context(), "admin", "from the environment", ""); err != nil || u.Role != dialog.RoleAdmin {
		t.Errorf("admin login: %v %v", u, err)
	}
}

func TestUserTokenCommands(t *testing.T) {
	data := t.TempDir()
	const pw = "a long enough password"
	run := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		return runIn(t, data, stdin, nil, args...)
	}
	mustRun := func(stdin string, args ...string) string {
		t.Helper()
		code, stdout, stderr := run(stdin, args...)
		if code != 0 {
			t.Fatalf("firstline %v: exit %d\n%s", args, code, stderr)
		}
		return stdout
	}
	mustRun(pw+"\n", "user", "add", "--name", "anna", "--role", "agent", "--password-stdin")
	mustRun(pw+"\n", "user", "add", "--name", "root", "--role", "admin", "--password-stdin")
	ci := strings.TrimSpace(mustRun("", "user", "token", "anna", "--name", "ci"))
	plain := strings.TrimSpace(mustRun("", "user", "token", "anna"))
	reports := strings.TrimSpace(mustRun("", "user", "token", "anna", "--name", "reports"))

	store := openTestStore(t, data)
	ctx := context.Background()
	works := func(token string) bool {
		sum := sha256.Sum256([]byte(token))
		u, err := tokenUser(ctx, store, hex.EncodeToString(sum[:]))
		return err == nil && !u.Disabled
	}

	list := mustRun("", "user", "tokens", "anna")
	for _, want := range []string{"ID  NAME     CREATED", "1   ci ", "2   -  ", "3   reports", "never"} {
		if !strings.Contains(list, want) {
			t.Errorf("tokens list lacks %q:\n%s", want, list)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"user", "token", "anna", "--name", "ci"}, 1, "already has an API token named"},
		{[]string{"user", "token", "anna", "--name", "7"}, 1, "digits only"},
		{[]string{"user", "revoke-token", "anna"}, 2, "missing the token"},
		{[]string{"user", "revoke-token", "anna", "1", "--all"}, 2, "not both"},
		{[]string{"user", "revoke-token", "anna", "nope"}, 1, `no API token "nope"`},
		{[]string{"user", "tokens", "nobody"}, 1, `no user "nobody"`},
		{[]string{"user", "revoke-token", "anna", "ci"}, 0, `revoked API token ci of "anna"`},
		{[]string{"user", "revoke-token", "anna", "2", "--data", data}, 0, `revoked API token 2 of "anna"`},
	} {
		code, stdout, stderr := run("", c.args...)
		got := stdout
		if c.code != 0 {
			got = stderr
		}
		if code != c.code || !strings.Contains(got, c.out) {
			t.Errorf("firstline %v: exit %d, want %d with %q in:\nstdout: %s\nstderr: %s", c.args, code, c.code, c.out, stdout, stderr)
		}
	}
	if works(ci) || works(plain) || !works(reports) {
		t.Errorf("after revoking ci and 2: ci %v, unnamed %v, reports %v; want only reports working", works(ci), works(plain), works(reports))
	}

	// passwd --keep-tokens keeps them; passwd revokes them.
	mustRun("another long password\n", "user", "passwd", "anna", "--password-stdin", "--keep-tokens")
	if !works(reports) {
		t.Error("passwd --keep-tokens revoked the token")
	}
	if out := mustRun("a third long password\n", "user", "passwd", "anna", "--password-stdin"); !strings.Contains(out, "revoked its API tokens") {
		t.Errorf("passwd said %q", out)
	}
	if works(reports) {
		t.Error("a token survived passwd")
	}

	// disable revokes, and enable does not bring them back.
	again := strings.TrimSpace(mustRun("", "user", "token", "anna", "--name", "again"))
	mustRun("", "user", "disable", "anna")
	mustRun("", "user", "enable", "anna")
	if works(again) {
		t.Error("a token survived disable and enable")
	}
	if out := mustRun("", "user", "tokens", "anna"); !strings.Contains(out, "no API tokens") {
		t.Errorf("tokens after disable: %q", out)
	}
}

// tokenUser returns the user of the API token with this hash.
func tokenUser(ctx context.Context, store dialog.Store, tokenHash string) (*dialog.User, error) {
	tk, err := store.APITokenByHash(ctx, tokenHash)
	if err != nil {
		return nil, err
	}
	return store.User(ctx, tk.UserID)
}
