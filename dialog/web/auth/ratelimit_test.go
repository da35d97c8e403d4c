package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
	"github.com/firstline-support/firstline/dialog/web/httperror"
)

// loginServer serves POST /login over loopback, answering with the status
// of the login's outcome, as the panel's login form does.
func loginServer(t *testing.T, f *fixture) *httptest.Server {
	t.Helper()
	r := gin.New()
	r.POST("/login", func(c *gin.Context) {
		_, _, err := f.svc.Login(c.Request.Context(), c.PostForm("name"), c.PostForm("password"), c.ClientIP())
		c.Status(httperror.Status(dialog.ErrorCode(err)))
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// postLogin returns the status of one login attempt.
func postLogin(srv *httptest.Server, name, password string) (int, error) {
	resp, err := srv.Client().PostForm(srv.URL+"/login", url.Values{"name": {name}, "password": {password}})
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Wrong passwords sent all at once are checked no more often than the
// limit allows: each attempt takes its place in the count before its
// password is looked at.
func TestLoginLimitHoldsUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	// A realistic cost: checking a password takes a while, which is when
	// the other attempts arrive.
	f.svc = auth.New(f.store, auth.Options{Now: func() time.Time { return f.now }, BcryptCost: 8}, slogDiscard())
	f.user("anna", dialog.RoleAgent)
	srv := loginServer(t, f)
	srv.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 100

	const attempts = 80
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		mu       sync.Mutex
		statuses = map[int]int{}
	)
	for i := range attempts {
		wg.Go(func() {
			<-start
			code, err := postLogin(srv, "anna", fmt.Sprint("guess ", i))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			statuses[code]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	t.Logf("%d concurrent wrong passwords: %d checked, %d refused", attempts, statuses[http.StatusUnauthorized], statuses[http.StatusTooManyRequests])
	if statuses[http.StatusUnauthorized] > 5 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != attempts {
		t.Errorf("%d concurrent wrong passwords: %d checked (401), %d refused (429), others %v; want at most 5 checked",
			attempts, statuses[http.StatusUnauthorized], statuses[http.StatusTooManyRequests], statuses)
	}
	// The account is locked now: the right password waits too.
	if code, err := postLogin(srv, "anna", password); err != nil || code != http.StatusTooManyRequests {
		t.Errorf("right password after the burst: %d %v, want 429", code, err)
	}
}

// Failures count per account and per address separately: hammering one
// account locks that account only, so the others behind the same address
// (a proxy, an office) still log in; spraying many accounts from one
// address is stopped after the address's limit.
func TestLoginLimitPerAccountAndAddress(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.user("anna", dialog.RoleAgent)
	f.user("boris", dialog.RoleAgent)
	const shared, other = "10.0.0.1", "198.51.100.7"

	for i := range 10 {
		_, _, err := f.svc.Login(ctx, "anna", "guess", shared)
		want := dialog.EUNAUTHORIZED
		if i >= 5 {
			want = dialog.ERATELIMIT
		}
		wantCode(t, err, want)
	}
	if _, _, err := f.svc.Login(ctx, "boris", password, shared); err != nil {
		t.Fatalf("another account from the same address after anna was locked: %v", err)
	}

	// Spraying: one guess at each of many names, from one address. The
	// five failures on anna count as well.
	for i := range 15 {
		_, _, err := f.svc.Login(ctx, fmt.Sprint("user", i), "guess", shared)
		wantCode(t, err, dialog.EUNAUTHORIZED)
	}
	_, _, err := f.svc.Login(ctx, "user-next", "guess", shared)
	wantCode(t, err, dialog.ERATELIMIT)
	_, _, err = f.svc.Login(ctx, "boris", password, shared)
	wantCode(t, err, dialog.ERATELIMIT)
	if _, _, err := f.svc.Login(ctx, "boris", password, other); err != nil {
		t.Errorf("boris from another address while the sprayer is stopped: %v", err)
	}
}
