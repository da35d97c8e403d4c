package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

func testCreateUser(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	moscow := time.FixedZone("MSK", 3*60*60)
	want := &dialog.User{
		Name:           "olga",
		Role:           dialog.RoleAgent,
		PasswordHash:   "$2a$10$abcdefghijklmnopqrstuv",
		Disabled:       true,
		Lang:           "ru",
		Queues:         []string{"billing", "доставка"},
		LastSeenAt:     time.Date(2024, 5, 6, 7, 8, 9, 123456789, moscow),
		LastAssignedAt: time.Date(2024, 5, 6, 7, 0, 0, 0, time.UTC),
	}
	createUser(t, s, want)
	if want.ID == 0 {
		t.Fatal("new user has id 0")
	}
	if want.CreatedAt.IsZero() {
		t.Error("CreatedAt not set")
	}

	got, err := s.User(ctx, want.ID)
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	checkUser(t, "by id", got, want)
	got, err = s.UserByName(ctx, "olga")
	if err != nil {
		t.Fatalf("UserByName: %v", err)
	}
	checkUser(t, "by name", got, want)

	// The fewest fields a user needs; zero times read back zero, and no
	// queues reads back as none.
	minimal := createUser(t, s, &dialog.User{Name: "ivan", Role: dialog.RoleAnalyst})
	if minimal.ID == want.ID {
		t.Errorf("two users with id %d", minimal.ID)
	}
	update(t, s, func(tx dialog.Tx) error {
		got, err := tx.UserByName(ctx, "ivan")
		if err != nil {
			return err
		}
		checkUser(t, "minimal in a transaction", got, minimal)
		return nil
	})
}

func testCreateUserInvalid(t *testing.T, s dialog.Store) {
	tests := []struct {
		name string
		user dialog.User
	}{
		{"no name", dialog.User{Role: dialog.RoleAgent}},
		{"no role", dialog.User{Name: "olga"}},
		{"unknown role", dialog.User{Name: "olga", Role: "boss"}},
	}
	for _, tt := range tests {
		err := s.Update(t.Context(), func(tx dialog.Tx) error {
			return tx.CreateUser(t.Context(), &tt.user)
		})
		checkCode(t, tt.name, err, dialog.EINVALID)
	}
	list, err := s.Users(t.Context())
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	if len(list) != 0 {
		t.Errorf("%d users after invalid creates, want none", len(list))
	}
}

func testCreateUserConflict(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	first := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent, PasswordHash: "first"})
	err := s.Update(ctx, func(tx dialog.Tx) error {
		return tx.CreateUser(ctx, &dialog.User{Name: "olga", Role: dialog.RoleAdmin, PasswordHash: "second"})
	})
	checkCode(t, "CreateUser with a taken name", err, dialog.ECONFLICT)

	got, err := s.UserByName(ctx, "olga")
	if err != nil {
		t.Fatalf("UserByName: %v", err)
	}
	checkUser(t, "the first user", got, first)
}

func testUpdateUser(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	u := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent, PasswordHash: "old", Lang: "ru"})
	saved := *u

	tests := []struct {
		name   string
		change func(u *dialog.User)
	}{
		{"promote", func(u *dialog.User) {
			u.Role = dialog.RoleAdmin
		}},
		{"password", func(u *dialog.User) {
			u.PasswordHash = "new"
		}},
		{"queues and language", func(u *dialog.User) {
			u.Queues = []string{"refunds"}
			u.Lang = "en"
		}},
		{"seen and assigned", func(u *dialog.User) {
			u.LastSeenAt = time.Now()
			u.LastAssignedAt = time.Now().Add(-time.Minute)
		}},
		{"disable", func(u *dialog.User) {
			u.Disabled = true
			u.Queues = nil
			u.LastSeenAt = time.Time{}
		}},
		{"enable", func(u *dialog.User) {
			u.Disabled = false
		}},
	}
	for _, tt := range tests {
		tt.change(&saved)
		changed := saved
		// Fields UpdateUser does not save: changes to them are dropped.
		changed.Name = "ignored"
		changed.CreatedAt = time.Now().Add(time.Hour)
		update(t, s, func(tx dialog.Tx) error {
			return tx.UpdateUser(ctx, &changed)
		})
		got, err := s.User(ctx, u.ID)
		if err != nil {
			t.Fatalf("%s: User: %v", tt.name, err)
		}
		checkUser(t, tt.name, got, &saved)
	}
}

func testUpdateUserInvalid(t *testing.T, s dialog.Store) {
	ctx := t.Context()
	err := s.Update(ctx, func(tx dialog.Tx) error {
		return tx.UpdateUser(ctx, &dialog.User{ID: 12345, Name: "nobody", Role: dialog.RoleAgent})
	})
	checkCode(t, "UpdateUser of a missing user", err, dialog.ENOTFOUND)

	u := createUser(t, s, &dialog.User{Name: "olga", Role: dialog.RoleAgent})
	changed := *u
	changed.Role = "boss"
	err = s.Update(ctx, func(tx dialog.Tx) error {
		return tx.UpdateUser(ctx, &changed)
	})
	checkCode(t, "UpdateUser with an unknown role", err, dialog.EINVALID)
	got, err := s.User(ctx, u.ID)
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	checkUser(t, "after the invalid update", got, u)
}

func testUsers(t *testing.T, s dialog.Store) {
	list, err := s.Users(t.Context())
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	if len(list) != 0 {
		t.Errorf("Users of an empty store = %d users, want none", len(list))
	}

	// Created out of order; listed by name. Lower-case ASCII names sort
	// the same under any collation.
	for _, name := range []string{"olga", "anna", "petr", "ivan"} {
		createUser(t, s, &dialog.User{Name: name, Role: dialog.RoleAgent})
	}
	list, err = s.Users(t.Context())
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	var names []string
	for _, u := range list {
		names = append(names, u.Name)
	}
	want := []string{"anna", "ivan", "olga", "petr"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Users = %q, want %q", names, want)
	}
}
