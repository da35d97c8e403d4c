package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newLimiter(10 * time.Minute)
	at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }
	a, b := limit{"a", 3}, limit{"b", 5}
	for m := range 3 {
		if w := l.reserve(at(m), a); w != 0 {
			t.Fatalf("attempt %d: wait %v, want 0", m+1, w)
		}
	}
	if w := l.reserve(at(3), a, b); w != 7*time.Minute {
		t.Errorf("fourth attempt: wait %v, want 7m (until the first leaves the window)", w)
	}
	if n := len(l.attempts["b"]); n != 0 {
		t.Errorf("a refused attempt was counted under another key: %d", n)
	}
	if w := l.reserve(at(3), b, limit{"", 1}); w != 0 {
		t.Errorf("other keys: wait %v, want 0", w)
	}
	if w := l.reserve(at(10), a); w != 0 {
		t.Errorf("after the window: wait %v, want 0", w)
	}
	l.release(at(10), "a") // the attempt at 10 succeeded
	if got := len(l.attempts["a"]); got != 2 {
		t.Errorf("after a release: %d attempts counted, want the 2 still in the window", got)
	}
	l.reset("a")
	l.release(at(3), "b")
	if len(l.attempts) != 0 {
		t.Errorf("after reset and release: %v", l.attempts)
	}
}

func TestLimiterForgetsStaleKeys(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newLimiter(10 * time.Minute)
	for i := range 1000 {
		l.reserve(start, limit{fmt.Sprint("ip:", i), 5})
	}
	l.reserve(start.Add(5*time.Minute), limit{"x", 5})
	if len(l.attempts) != 1001 {
		t.Fatalf("%d keys within the window, want 1001", len(l.attempts))
	}
	// Swept at most once per window: by 20 minutes a sweep has run since
	// the attempts left the window.
	l.reserve(start.Add(20*time.Minute), limit{"y", 5})
	if len(l.attempts) != 1 {
		t.Errorf("%d keys kept after the window, want 1", len(l.attempts))
	}
}
