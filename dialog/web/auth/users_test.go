package auth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

func TestCreateUser(t *testing.T) {
	f := newFixture(t)
	f.user("anna", dialog.RoleAgent)
	for _, c := range []struct {
		name, user string
		role       dialog.Role
		password   string
		code       string // "" for success
		message    string // part of the message on failure
	}{
		{"agent", "boris", dialog.RoleAgent, password, "", ""},
		{"admin with dots, dashes and digits", "ops.admin-2_b", dialog.RoleAdmin, password, "", ""},
		{"analyst with a Cyrillic name", "Ольга", dialog.RoleAnalyst, password, "", ""},
		{"64 characters", strings.Repeat("я", 64), dialog.RoleAgent, password, "", ""},
		{"password of exactly 10 characters", "clara", dialog.RoleAgent, "0123456789", "", ""},
		{"taken name", "anna", dialog.RoleAgent, password, dialog.ECONFLICT, `"anna" already exists`},
		{"taken name in another case", "ANNA", dialog.RoleAgent, password, dialog.ECONFLICT, `"anna" already exists`},
		{"empty name", "", dialog.RoleAgent, password, dialog.EINVALID, "1 to 64"},
		{"65 characters", strings.Repeat("a", 65), dialog.RoleAgent, password, dialog.EINVALID, "1 to 64"},
		{"space in the name", "anna k", dialog.RoleAgent, password, dialog.EINVALID, "letters, digits"},
		{"slash in the name", "a/b", dialog.RoleAgent, password, dialog.EINVALID, "letters, digits"},
		{"unknown role", "dmitry", "root", password, dialog.EINVALID, "agent, admin or analyst"},
		{"short password", "dmitry", dialog.RoleAgent, "123456789", dialog.EINVALID, "at least 10"},
		{"password over 72 bytes", "dmitry", dialog.RoleAgent, strings.Repeat("ж", 37), dialog.EINVALID, "at most 72 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			u, err := f.svc.CreateUser(context.Background(), c.user, c.role, c.password)
			wantCode(t, err, c.code)
			if c.code != "" {
				if !strings.Contains(dialog.ErrorMessage(err), c.message) {
					t.Errorf("message %q lacks %q", dialog.ErrorMessage(err), c.message)
				}
				return
			}
			if u.ID == 0 || u.Name != c.user || u.Role != c.role || u.Disabled || !strings.HasPrefix(u.PasswordHash, "$2") {
				t.Errorf("created %+v", u)
			}
			if _, _, err := f.svc.Login(context.Background(), c.user, c.password, ""); err != nil {
				t.Errorf("cannot log in as the new user: %v", err)
			}
		})
	}
	if _, err := f.store.UserByName(context.Background(), "dmitry"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("a refused user was stored: %v", err)
	}
}

func TestSetPassword(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	session := f.login("anna")
	r := f.router()

	wantCode(t, f.svc.SetPassword(ctx, "anna", "short"), dialog.EINVALID)
	wantCode(t, f.svc.SetPassword(ctx, "nobody", "a new password"), dialog.ENOTFOUND)
	if got := f.whoami(r, cookieHeader(session)); got != "anna" {
		t.Fatalf("a refused change ended the session: %q", got)
	}

	if err := f.svc.SetPassword(ctx, "anna", "a new password"); err != nil {
		t.Fatal(err)
	}
	if got := f.whoami(r, cookieHeader(session)); got != "" {
		t.Errorf("session survived a password change: %q", got)
	}
	_, _, err := f.svc.Login(ctx, "anna", password, "")
	wantCode(t, err, dialog.EUNAUTHORIZED)
	if _, _, err := f.svc.Login(ctx, "anna", "a new password", ""); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func TestSetQueues(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	if err := f.svc.SetQueues(ctx, "anna", []string{"second_line", "billing", "billing"}); err != nil {
		t.Fatal(err)
	}
	u, err := f.store.UserByName(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(u.Queues, ",") != "billing,second_line" {
		t.Errorf("queues %q", u.Queues)
	}
	wantCode(t, f.svc.SetQueues(ctx, "anna", []string{"Billing"}), dialog.EINVALID)
	wantCode(t, f.svc.SetQueues(ctx, "nobody", nil), dialog.ENOTFOUND)
}

func TestDisableLastAdmin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("root", dialog.RoleAdmin)
	f.user("anna", dialog.RoleAgent)

	steps := []struct {
		name   string
		do     func() error
		code   string
		detail string
	}{
		{"the only admin", func() error { return f.svc.Disable(ctx, "root") }, dialog.ECONFLICT, "last enabled admin"},
		{"an agent", func() error { return f.svc.Disable(ctx, "anna") }, "", ""},
		{"an agent again", func() error { return f.svc.Disable(ctx, "anna") }, "", ""},
		{"an unknown user", func() error { return f.svc.Disable(ctx, "nobody") }, dialog.ENOTFOUND, `no user "nobody"`},
		{"a second admin appears", func() error { _, err := f.svc.CreateUser(ctx, "ops", dialog.RoleAdmin, password); return err }, "", ""},
		{"the first admin, now one of two", func() error { return f.svc.Disable(ctx, "root") }, "", ""},
		{"the remaining admin", func() error { return f.svc.Disable(ctx, "ops") }, dialog.ECONFLICT, "last enabled admin"},
		{"the disabled admin is enabled", func() error { return f.svc.Enable(ctx, "root") }, "", ""},
		{"the second admin, now one of two", func() error { return f.svc.Disable(ctx, "ops") }, "", ""},
	}
	for _, s := range steps {
		err := s.do()
		if got := dialog.ErrorCode(err); got != s.code || !strings.Contains(dialog.ErrorMessage(err), s.detail) {
			t.Fatalf("%s: err %v, want code %q mentioning %q", s.name, err, s.code, s.detail)
		}
	}
	if _, _, err := f.svc.Login(ctx, "root", password, ""); err != nil {
		t.Errorf("the remaining admin cannot log in: %v", err)
	}
}

func TestNewAPIToken(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna := f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAgent)
	if err := f.svc.Disable(ctx, "boris"); err != nil {
		t.Fatal(err)
	}
	token, err := f.svc.NewAPIToken(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.svc.NewAPIToken(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "flt_") || len(token) < 40 || token == second {
		t.Errorf("tokens %q, %q", token, second)
	}
	tk, err := f.store.APITokenByHash(ctx, sha256Hex(token))
	if err != nil || tk.UserID != anna.ID {
		t.Errorf("token not stored under its hash: %v %v", tk, err)
	}
	if _, err := f.store.APITokenByHash(ctx, token); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("the token itself is stored: %v", err)
	}
	_, err = f.svc.NewAPIToken(ctx, "boris")
	wantCode(t, err, dialog.ECONFLICT)
	_, err = f.svc.NewAPIToken(ctx, "nobody")
	wantCode(t, err, dialog.ENOTFOUND)
}

func TestEnsureAdmin(t *testing.T) {
	ctx := context.Background()
	t.Run("generated password, once", func(t *testing.T) {
		f := newFixture(t)
		f.user("anna", dialog.RoleAgent)
		created, generated, err := f.svc.EnsureAdmin(ctx, "")
		if err != nil || !created || len(generated) != 16 {
			t.Fatalf("EnsureAdmin = %v, %q, %v", created, generated, err)
		}
		if _, u, err := f.svc.Login(ctx, "admin", generated, ""); err != nil || u.Role != dialog.RoleAdmin {
			t.Errorf("login with the generated password: %v %v", u, err)
		}
		created, generated, err = f.svc.EnsureAdmin(ctx, "")
		if err != nil || created || generated != "" {
			t.Errorf("second EnsureAdmin = %v, %q, %v", created, generated, err)
		}
		if users, _ := f.store.Users(ctx); len(users) != 2 {
			t.Errorf("%d users, want anna and admin", len(users))
		}
	})
	t.Run("given password", func(t *testing.T) {
		f := newFixture(t)
		created, generated, err := f.svc.EnsureAdmin(ctx, "from the environment")
		if err != nil || !created || generated != "" {
			t.Fatalf("EnsureAdmin = %v, %q, %v", created, generated, err)
		}
		if _, _, err := f.svc.Login(ctx, "admin", "from the environment", ""); err != nil {
			t.Error(err)
		}
	})
	t.Run("another admin exists", func(t *testing.T) {
		f := newFixture(t)
		f.user("root", dialog.RoleAdmin)
		created, _, err := f.svc.EnsureAdmin(ctx, "")
		if err != nil || created {
			t.Errorf("EnsureAdmin = %v, %v", created, err)
		}
	})
	for _, c := range []struct {
		name     string
		role     dialog.Role
		disable  bool
		password string
		code     string
		message  string
	}{
		{"name taken by an agent", dialog.RoleAgent, false, "", dialog.ECONFLICT, "role agent"},
		{"the admin is disabled", dialog.RoleAdmin, true, "", dialog.ECONFLICT, "firstline user enable admin"},
		{"password too short", "", false, "short", dialog.EINVALID, "at least 10"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if c.role != "" {
				f.user("admin", c.role)
			}
			if c.disable {
				// Only possible behind the service's back: Disable refuses.
				err := f.store.Update(ctx, func(tx dialog.Tx) error {
					u, err := tx.UserByName(ctx, "admin")
					if err != nil {
						return err
					}
					u.Disabled = true
					return tx.UpdateUser(ctx, u)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			created, _, err := f.svc.EnsureAdmin(ctx, c.password)
			wantCode(t, err, c.code)
			if created || !strings.Contains(dialog.ErrorMessage(err), c.message) {
				t.Errorf("created %v, message %q lacks %q", created, dialog.ErrorMessage(err), c.message)
			}
		})
	}
}
