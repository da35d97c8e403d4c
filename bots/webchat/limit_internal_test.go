package webchat

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiterBurstThenRate(t *testing.T) {
	l := newLimiter(60, 3) // one a second, three at once
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 3 {
		if ok, _ := l.allow("a", t0); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("a", t0)
	if ok || wait != time.Second {
		t.Fatalf("fourth at once: allowed %v, wait %v; want refused for 1s", ok, wait)
	}
	if ok, _ := l.allow("b", t0); !ok {
		t.Error("another address shares the first one's bucket")
	}
	if ok, wait := l.allow("a", t0.Add(400*time.Millisecond)); ok || wait != 600*time.Millisecond {
		t.Errorf("0.4s later: allowed %v, wait %v; want refused for 0.6s", ok, wait)
	}
	if ok, _ := l.allow("a", t0.Add(time.Second)); !ok {
		t.Error("a second later: refused, want the refilled token")
	}
	if ok, _ := l.allow("a", t0.Add(time.Second)); ok {
		t.Error("the refilled token was given twice")
	}
	// A long pause refills the burst, never more.
	later := t0.Add(time.Hour)
	for i := range 3 {
		if ok, _ := l.allow("a", later); !ok {
			t.Fatalf("after an hour, request %d refused", i+1)
		}
	}
	if ok, _ := l.allow("a", later); ok {
		t.Error("an hour's pause saved up more than the burst")
	}
}

// TestLimiterForgetsIdleClients checks the limiter's memory: addresses
// idle long enough to have a full bucket are forgotten, and no more than
// maxClients are kept however many call.
func TestLimiterForgetsIdleClients(t *testing.T) {
	l := newLimiter(60, 10) // full again after 10 s idle
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 1000 {
		l.allow(fmt.Sprint("10.0.", i/256, ".", i%256), t0.Add(time.Duration(i)*time.Millisecond))
	}
	if n := l.size(); n != 1000 {
		t.Fatalf("%d addresses remembered, want 1000", n)
	}
	l.allow("10.9.9.9", t0.Add(11*time.Second))
	if n := l.size(); n != 1 {
		t.Errorf("after 11 s: %d addresses remembered, want only the one just seen", n)
	}

	for i := range maxClients + 500 {
		l.allow(fmt.Sprint("k", i), t0.Add(20*time.Second))
	}
	if n := l.size(); n != maxClients {
		t.Errorf("%d addresses remembered, want at most %d", n, maxClients)
	}
}

func TestLimiterOff(t *testing.T) {
	l := newLimiter(0, 5)
	for range 1000 {
		if ok, _ := l.allow("a", time.Time{}); !ok {
			t.Fatal("a limiter of 0 a minute refused a request")
		}
	}
}
