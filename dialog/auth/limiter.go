package auth

import (
	"sync"
	"time"
)

// Login rate limiting: after maxFailures failed attempts for one name or
// from one address within failureWindow, further attempts are refused
// until the oldest of them is older than the window.
const (
	maxFailures   = 5
	failureWindow = 10 * time.Minute
)

// limiter counts failed logins per key (a name or an IP address) in a
// sliding window.
//
// It lives in memory: each replica of the server counts on its own, so
// behind a load balancer with N replicas an attacker gets up to N times the
// attempts, and a restart forgets them. It starts no goroutine: stale keys
// are swept during calls, at most once per window.
type limiter struct {
	max    int
	window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time // oldest first, none older than window at the last look
	swept    time.Time              // when every key was last pruned
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, failures: map[string][]time.Time{}}
}

// wait returns how long until an attempt for keys is allowed: 0 when it is
// allowed now. Empty keys are ignored.
func (l *limiter) wait(now time.Time, keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	var longest time.Duration
	for _, k := range keys {
		recent := l.prune(k, now)
		if len(recent) < l.max {
			continue
		}
		// Allowed again once enough failures have left the window that
		// fewer than max remain.
		if d := recent[len(recent)-l.max].Add(l.window).Sub(now); d > longest {
			longest = d
		}
	}
	return longest
}

// fail records a failed attempt for each key.
func (l *limiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if k != "" {
			l.failures[k] = append(l.prune(k, now), now)
		}
	}
}

// reset forgets the failures of key, after a successful login.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

// prune drops key's failures older than the window and returns the rest.
// l.mu must be held.
func (l *limiter) prune(key string, now time.Time) []time.Time {
	times := l.failures[key]
	i := 0
	for i < len(times) && !times[i].After(now.Add(-l.window)) {
		i++
	}
	times = times[i:]
	if len(times) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = times
	return times
}

// sweep prunes every key once per window, so that keys nobody tries again
// do not stay in memory. l.mu must be held.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.window {
		return
	}
	for k := range l.failures {
		l.prune(k, now)
	}
	l.swept = now
}
