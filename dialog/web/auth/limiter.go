package auth

import (
	"sync"
	"time"
)

// Login rate limits, per account name and per client address, counted
// separately: an attacker hammering one account locks that account only,
// so the people sharing the attacker's address (an office, a proxy that is
// not trusted) still log in; an address spraying guesses over many
// accounts is stopped after DefaultAddressAttempts. An attempt is refused
// while its account or its address has reached its limit within
// DefaultLoginWindow, until the oldest counted attempt leaves the window.
const (
	DefaultAccountAttempts = 5
	DefaultAddressAttempts = 20
	DefaultLoginWindow     = 10 * time.Minute
)

// limit is one counter an attempt is checked against: a key ("name:anna",
// "ip:192.0.2.1") and how many attempts it may hold within the window.
type limit struct {
	key string
	max int
}

// limiter counts login attempts per key in a sliding window. An attempt
// takes its place in the count before its password is checked (reserve),
// so that attempts made at the same moment cannot all pass the check
// before any of them is counted; a successful one gives its place back.
//
// It lives in memory: each replica of the server counts on its own, so
// behind a load balancer with N replicas an attacker gets up to N times the
// attempts, and a restart forgets them. It starts no goroutine: stale keys
// are swept during calls, at most once per window.
type limiter struct {
	window time.Duration

	mu       sync.Mutex
	attempts map[string][]time.Time // oldest first, none older than window at the last look
	swept    time.Time              // when every key was last pruned
}

func newLimiter(window time.Duration) *limiter {
	return &limiter{window: window, attempts: map[string][]time.Time{}}
}

// reserve counts an attempt at now against every limit and returns 0, or,
// when any limit is reached, counts nothing and returns how long until an
// attempt is allowed. Limits with an empty key are ignored.
func (l *limiter) reserve(now time.Time, limits ...limit) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	var longest time.Duration
	for _, lim := range limits {
		if lim.key == "" {
			continue
		}
		recent := l.prune(lim.key, now)
		if len(recent) < lim.max {
			continue
		}
		// Allowed again once enough attempts have left the window that
		// fewer than max remain.
		if d := recent[len(recent)-lim.max].Add(l.window).Sub(now); d > longest {
			longest = d
		}
	}
	if longest > 0 {
		return longest
	}
	for _, lim := range limits {
		if lim.key != "" {
			l.attempts[lim.key] = append(l.attempts[lim.key], now)
		}
	}
	return 0
}

// release gives back the place an attempt reserved at at under key: the
// attempt did not fail.
func (l *limiter) release(at time.Time, key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.attempts[key]
	for i := len(times) - 1; i >= 0; i-- {
		if times[i].Equal(at) {
			times = append(times[:i:i], times[i+1:]...)
			break
		}
	}
	if len(times) == 0 {
		delete(l.attempts, key)
		return
	}
	l.attempts[key] = times
}

// reset forgets every attempt counted under key.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.attempts, key)
}

// prune drops key's attempts older than the window and returns the rest.
// l.mu must be held.
func (l *limiter) prune(key string, now time.Time) []time.Time {
	times := l.attempts[key]
	i := 0
	for i < len(times) && !times[i].After(now.Add(-l.window)) {
		i++
	}
	times = times[i:]
	if len(times) == 0 {
		delete(l.attempts, key)
		return nil
	}
	l.attempts[key] = times
	return times
}

// sweep prunes every key once per window, so that keys nobody tries again
// do not stay in memory. l.mu must be held.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.window {
		return
	}
	for k := range l.attempts {
		l.prune(k, now)
	}
	l.swept = now
}
