package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newLimiter(3, 10*time.Minute)
	at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }
	l.fail(at(0), "a")
	l.fail(at(1), "a")
	if w := l.wait(at(2), "a"); w != 0 {
		t.Errorf("two failures: wait %v, want 0", w)
	}
	l.fail(at(2), "a")
	if w := l.wait(at(3), "a", "b"); w != 7*time.Minute {
		t.Errorf("three failures: wait %v, want 7m (until the first leaves the window)", w)
	}
	if w := l.wait(at(3), "b", ""); w != 0 {
		t.Errorf("other keys: wait %v, want 0", w)
	}
	if w := l.wait(at(10), "a"); w != 0 {
		t.Errorf("after the window: wait %v, want 0", w)
	}
	l.reset("a")
	if w := l.wait(at(10), "a"); w != 0 || len(l.failures) != 0 {
		t.Errorf("after reset: wait %v, %d keys", w, len(l.failures))
	}
}

func TestLimiterForgetsStaleKeys(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newLimiter(5, 10*time.Minute)
	for i := range 1000 {
		l.fail(start, fmt.Sprint("ip:", i))
	}
	l.wait(start.Add(5*time.Minute), "x")
	if len(l.failures) != 1000 {
		t.Fatalf("%d keys within the window, want 1000", len(l.failures))
	}
	// Swept at most once per window: by 20 minutes a sweep has run since
	// the failures left the window.
	l.wait(start.Add(20*time.Minute), "x")
	if len(l.failures) != 0 {
		t.Errorf("%d keys kept after the window, want 0", len(l.failures))
	}
}
