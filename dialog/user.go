package dialog

import (
	"slices"
	"time"
)

// Role is what a user of the panel may do.
type Role string

// Roles.
const (
	RoleAgent   Role = "agent"   // works tickets: take, reply, note, transfer, close
	RoleAdmin   Role = "admin"   // everything an agent does, and manages users
	RoleAnalyst Role = "analyst" // reads tickets and figures; changes nothing
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAgent || r == RoleAdmin || r == RoleAnalyst
}

// CanWorkTickets reports whether the role may take, reply to, transfer and
// close tickets.
func (r Role) CanWorkTickets() bool {
	return r == RoleAgent || r == RoleAdmin
}

// User is a person who logs in to the panel or uses the API.
type User struct {
	ID           int64
	Name         string // unique login name, also shown to customers as the agent's name
	Role         Role
	PasswordHash string // bcrypt
	Disabled     bool
	Lang         string   // panel language, "ru" or "en"; "" follows the browser
	Queues       []string // queues the agent works; empty means every queue
	// LastSeenAt is when the user last had the panel open; auto-assignment
	// counts agents seen recently as online.
	LastSeenAt time.Time
	// LastAssignedAt is when the user was last given a ticket
	// automatically, for the round-robin tie-break.
	LastAssignedAt time.Time
	CreatedAt      time.Time
}

// WorksQueue reports whether the user works tickets of queue.
func (u *User) WorksQueue(queue string) bool {
	return len(u.Queues) == 0 || slices.Contains(u.Queues, queue)
}

// Session is a logged-in browser. Only a hash of its token is stored, so a
// leaked database does not leak sessions.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken lets a program act as a user through the JSON API. Only its hash
// is stored.
type APIToken struct {
	ID        int64
	TokenHash string
	UserID    int64
	// Name tells the user's tokens apart ("ci", "reports"); "" for none.
	// A user's named tokens have different names.
	Name      string
	CreatedAt time.Time
	// LastUsedAt is when the token was last used, to the minute or so;
	// zero when never.
	LastUsedAt time.Time
}
