// Package auth identifies the people and programs that use the panel and the
// JSON API: accounts with bcrypt passwords, server-side sessions in a
// cookie, API tokens, and the gin middleware that checks them.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/firstline-support/firstline/dialog"
)

// CookieName is the name of the session cookie.
const CookieName = "firstline_session"

// DefaultSessionTTL is how long a session lasts when Options.SessionTTL is
// zero: a working day, so agents log in once a shift.
const DefaultSessionTTL = 12 * time.Hour

// apiTokenPrefix starts every API token, so a token is recognisable in a
// config file or a secret scanner, and tells the middleware it is not a
// session token.
const apiTokenPrefix = "flt_"

// Options tune a Service. The zero value is ready to use.
type Options struct {
	// SessionTTL is how long a session lasts after login; 0 means
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// SecureCookies always marks the session cookie Secure. Otherwise it is
	// Secure only when the request came over TLS, which a server behind a
	// TLS-terminating proxy cannot see: set this there.
	SecureCookies bool
	// Now returns the current time; nil means time.Now. Tests set it.
	Now func() time.Time
	// BcryptCost is the cost of new password hashes; 0 (or a value bcrypt
	// does not accept) means bcrypt.DefaultCost. Tests lower it for speed.
	BcryptCost int
	// AccountAttempts and AddressAttempts are how many failed logins one
	// account name and one client address may have within LoginWindow;
	// 0 means DefaultAccountAttempts, DefaultAddressAttempts and
	// DefaultLoginWindow.
	AccountAttempts int
	AddressAttempts int
	LoginWindow     time.Duration
	// Publisher, when set, gets a dialog.EventAccess whenever the Service
	// ends sessions or revokes API tokens, so that live views everywhere
	// the events reach (other replicas, through PostgreSQL) check their
	// callers at once.
	Publisher dialog.Publisher
}

// Service logs users in and out, identifies callers and manages accounts.
// It is safe for concurrent use.
type Service struct {
	store   dialog.Store
	opts    Options
	log     *slog.Logger
	limiter *limiter
	changes *broadcast
	// dummyHash is compared against when the name is unknown, so that a
	// wrong name takes as long as a wrong password and does not reveal
	// which names exist. It is made on first use: commands that never log
	// anyone in do not pay for it.
	dummyHash func() []byte
}

// New returns a Service over store.
func New(store dialog.Store, opts Options, log *slog.Logger) *Service {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AccountAttempts <= 0 {
		opts.AccountAttempts = DefaultAccountAttempts
	}
	if opts.AddressAttempts <= 0 {
		opts.AddressAttempts = DefaultAddressAttempts
	}
	if opts.LoginWindow <= 0 {
		opts.LoginWindow = DefaultLoginWindow
	}
	if opts.BcryptCost < bcrypt.MinCost || opts.BcryptCost > bcrypt.MaxCost {
		opts.BcryptCost = bcrypt.DefaultCost
	}
	return &Service{
		store:   store,
		opts:    opts,
		log:     log,
		limiter: newLimiter(opts.LoginWindow),
		changes: newBroadcast(),
		dummyHash: sync.OnceValue(func() []byte {
			hash, err := bcrypt.GenerateFromPassword([]byte("not a real password"), opts.BcryptCost)
			if err != nil {
				panic(err) // only a bad cost fails, and New checked the cost
			}
			return hash
		}),
	}
}

func (s *Service) now() time.Time {
	return s.opts.Now()
}

// newToken returns 32 random bytes, base64url-encoded.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails; it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the store keeps of a session or API token: a leaked
// database then does not let anyone log in. A fast hash is enough because
// the tokens are random, not chosen by people.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
