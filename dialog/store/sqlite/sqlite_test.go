package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/store/storetest"
)

// openTest opens a new database in a temporary directory, closed when the
// test ends.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "firstline.db"), nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dialog.Store {
		return openTest(t)
	})
}

func TestOpenCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "nested", "firstline.db")
	db, err := Open(t.Context(), path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if err := db.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "firstline.db")
	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var (
		c  *dialog.Conversation
		m  = &dialog.Message{Author: dialog.AuthorCustomer, ExternalID: "ext-1", Text: "Привет", Buttons: []string{"a", "b"}}
		tk = &dialog.Ticket{Status: dialog.TicketQueued, Candidates: []dialog.Candidate{{Intent: "x", Confidence: 0.5}}}
	)
	err = db.Update(ctx, func(tx dialog.Tx) error {
		var err error
		if c, err = tx.EnsureConversation(ctx, "webchat", "chat-1"); err != nil {
			return err
		}
		m.ConversationID, tk.ConversationID = c.ID, c.ID
		if err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		if err := tx.CreateTicket(ctx, tk); err != nil {
			return err
		}
		c.State, c.TicketID = dialog.StateQueued, tk.ID
		return tx.UpdateConversation(ctx, c)
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	gotC, err := db.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatalf("Conversation: %v", err)
	}
	if gotC.State != dialog.StateQueued || gotC.TicketID != tk.ID || !gotC.UpdatedAt.Equal(c.UpdatedAt) {
		t.Errorf("conversation after reopen = %+v, want %+v", gotC, c)
	}
	gotM, err := db.MessageByExternalID(ctx, c.ID, "ext-1")
	if err != nil {
		t.Fatalf("MessageByExternalID: %v", err)
	}
	if gotM.ID != m.ID || gotM.Text != m.Text || len(gotM.Buttons) != 2 || !gotM.CreatedAt.Equal(m.CreatedAt) {
		t.Errorf("message after reopen = %+v, want %+v", gotM, m)
	}
	gotT, err := db.TicketByNumber(ctx, tk.Number)
	if err != nil {
		t.Fatalf("TicketByNumber: %v", err)
	}
	if gotT.ID != tk.ID || len(gotT.Candidates) != 1 || gotT.Candidates[0] != tk.Candidates[0] {
		t.Errorf("ticket after reopen = %+v, want %+v", gotT, tk)
	}

	// Ids go on from where they were.
	err = db.Update(ctx, func(tx dialog.Tx) error {
		next := &dialog.Ticket{ConversationID: c.ID, Status: dialog.TicketQueued}
		if err := tx.CreateTicket(ctx, next); err != nil {
			return err
		}
		if next.ID <= tk.ID {
			t.Errorf("ticket id after reopen = %d, want more than %d", next.ID, tk.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func TestConnectionSettings(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	tests := []struct {
		pool   *sql.DB
		pragma string
		want   string
	}{
		{db.writer, "journal_mode", "wal"},
		{db.writer, "synchronous", "2"}, // FULL
		{db.writer, "foreign_keys", "1"},
		{db.writer, "busy_timeout", "10000"},
		{db.reader, "journal_mode", "wal"},
		{db.reader, "busy_timeout", "10000"},
	}
	for _, tt := range tests {
		var got string
		if err := tt.pool.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %s, want %s", tt.pragma, got, tt.want)
		}
	}
	if got := db.writer.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer pool holds %d connections, want 1", got)
	}

	// The reader pool cannot write.
	_, err := db.reader.ExecContext(ctx,
		`INSERT INTO conversations (channel, chat_id, state, created_at, updated_at) VALUES ('a', 'b', 'bot', '', '')`)
	if err == nil {
		t.Error("insert through the reader pool succeeded")
	}
}

// TestBusyIsUnavailable holds the write lock from another connection and
// checks that a write which cannot get it in time reports EUNAVAILABLE.
func TestBusyIsUnavailable(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "firstline.db")
	db, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	db.Close()
	db, err = openPools(ctx, path, nil, 50*time.Millisecond)
	if err != nil {
		t.Fatalf("openPools: %v", err)
	}
	defer db.Close()

	other, err := sql.Open("sqlite", writerDSN(path, 0))
	if err != nil {
		t.Fatalf("open another connection: %v", err)
	}
	defer other.Close()
	lock, err := other.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	defer lock.Rollback()

	err = db.Update(ctx, func(tx dialog.Tx) error {
		_, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		return err
	})
	if code := dialog.ErrorCode(err); code != dialog.EUNAVAILABLE {
		t.Errorf("Update while locked returned %v (code %q), want code %q", err, code, dialog.EUNAVAILABLE)
	}

	// Reads are not blocked by the writer.
	if _, err := db.Tickets(ctx, dialog.TicketFilter{}); err != nil {
		t.Errorf("Tickets while locked: %v", err)
	}

	// Once the lock is gone, writes work again.
	lock.Rollback()
	err = db.Update(context.Background(), func(tx dialog.Tx) error {
		_, err := tx.EnsureConversation(ctx, "webchat", "chat-1")
		return err
	})
	if err != nil {
		t.Errorf("Update after the lock is gone: %v", err)
	}
}

func TestFileURI(t *testing.T) {
	tests := []struct {
		path string
		want string
	}{
		{"/var/lib/firstline/firstline.db", "file:///var/lib/firstline/firstline.db?mode=ro"},
		{"/tmp/with space/a?b#c.db", "file:///tmp/with%20space/a%3Fb%23c.db?mode=ro"},
	}
	for _, tt := range tests {
		got := fileURI(tt.path, map[string][]string{"mode": {"ro"}})
		if got != tt.want {
			t.Errorf("fileURI(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestDeleteUserCascades checks that a user's sessions and API tokens go
// with the user. The store never deletes users; an administrator with the
// sqlite3 shell might.
func TestDeleteUserCascades(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	var olga, ivan dialog.User
	err := db.Update(ctx, func(tx dialog.Tx) error {
		for _, u := range []*dialog.User{&olga, &ivan} {
			u.Role = dialog.RoleAgent
		}
		olga.Name, ivan.Name = "olga", "ivan"
		for _, u := range []*dialog.User{&olga, &ivan} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			s := &dialog.Session{TokenHash: "session-" + u.Name, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
			if err := tx.CreateAPIToken(ctx, &dialog.APIToken{TokenHash: "token-" + u.Name, UserID: u.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}

	if _, err := db.writer.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, olga.ID); err != nil {
		t.Fatalf("delete user: %v", err)
	}
	if _, err := db.Session(ctx, "session-olga"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("Session of a deleted user: %v, want ENOTFOUND", err)
	}
	if _, err := db.APITokenByHash(ctx, "token-olga"); dialog.ErrorCode(err) != dialog.ENOTFOUND {
		t.Errorf("APITokenByHash of a deleted user: %v, want ENOTFOUND", err)
	}
	if _, err := db.Session(ctx, "session-ivan"); err != nil {
		t.Errorf("Session of another user: %v", err)
	}
	if _, err := db.APITokenByHash(ctx, "token-ivan"); err != nil {
		t.Errorf("APITokenByHash of another user: %v", err)
	}
}

// TestPoolStats holds the one write connection in a transaction while a
// second transaction waits for it: the writer's stats show it in use and
// count the wait.
func TestPoolStats(t *testing.T) {
	db := openTest(t)
	pools := func() (writer, reader dialog.PoolStats) {
		s := db.PoolStats()
		if len(s) != 2 || s[0].Pool != "writer" || s[1].Pool != "reader" {
			t.Fatalf("PoolStats = %+v, want the writer and the reader", s)
		}
		return s[0], s[1]
	}
	w, r := pools()
	if w.MaxOpen != 1 || r.MaxOpen != max(4, runtime.GOMAXPROCS(0)) || w.Waits != 0 || w.InUse != 0 {
		t.Fatalf("after open: writer %+v, reader %+v", w, r)
	}

	held, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.Update(t.Context(), func(dialog.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	if w, _ := pools(); w.InUse != 1 || w.Idle != 0 || w.Open != 1 {
		t.Errorf("writer during a transaction: %+v", w)
	}
	second := make(chan error, 1)
	go func() {
		second <- db.Update(t.Context(), func(dialog.Tx) error { return nil })
	}()
	deadline := time.Now().Add(10 * time.Second)
	for w, _ := pools(); w.Waits == 0; w, _ = pools() {
		if time.Now().After(deadline) {
			t.Fatalf("the second transaction never waited: %+v", w)
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if w, _ := pools(); w.Waits != 1 || w.WaitTime <= 0 || w.InUse != 0 || w.Idle != 1 {
		t.Errorf("writer after the wait: %+v", w)
	}

	// Reads outside a transaction go through the reader pool.
	if _, err := db.Tickets(t.Context(), dialog.TicketFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, r := pools(); r.Open < 1 || r.Idle != r.Open || r.InUse != 0 {
		t.Errorf("reader after a read: %+v", r)
	}
}
