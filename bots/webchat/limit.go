package webchat

import (
	"container/list"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/clientaddr"
)

// maxClients bounds how many client addresses a limiter remembers at
// once. Past it the address seen longest ago is forgotten, as if it had
// been idle: memory stays bounded however many addresses call.
const maxClients = 100_000

// RateLimit bounds the requests of one client address to the web chat API
// in this process (each replica counts on its own). Both are token
// buckets: an address may make Burst requests at once, then PerMinute a
// minute. PerMinute zero means no limit; so does NewSessionsPerMinute for
// new sessions.
type RateLimit struct {
	// PerMinute and Burst bound every API request: posts and polls. An
	// open chat polls every 2 s, 30 times a minute.
	PerMinute int
	Burst     int
	// NewSessionsPerMinute and NewSessionsBurst bound the messages that
	// start a conversation: a session the engine has not seen.
	NewSessionsPerMinute int
	NewSessionsBurst     int
}

// DefaultRateLimit lets dozens of people behind one address (an office,
// a mobile carrier's NAT) chat at once, and stops a script opening
// thousands of sessions.
func DefaultRateLimit() RateLimit {
	return RateLimit{PerMinute: 1200, Burst: 300, NewSessionsPerMinute: 30, NewSessionsBurst: 60}
}

// limiter is a token bucket per client address, with the addresses kept in
// the order they were last seen so that idle ones are dropped cheaply.
type limiter struct {
	rate  float64 // tokens a second
	burst float64
	idle  time.Duration // a bucket untouched this long is full again: nothing to remember

	mu      sync.Mutex
	clients map[string]*list.Element // of *bucket
	order   *list.List               // front: the address seen last
}

// bucket is one address's tokens as of last.
type bucket struct {
	key    string
	tokens float64
	last   time.Time
}

// newLimiter returns a limiter of perMinute requests a minute with bursts
// of burst, or nil (no limit) when perMinute is not positive.
func newLimiter(perMinute, burst int) *limiter {
	if perMinute <= 0 {
		return nil
	}
	burst = max(burst, 1)
	rate := float64(perMinute) / 60
	return &limiter{
		rate:    rate,
		burst:   float64(burst),
		idle:    time.Duration(float64(burst) / rate * float64(time.Second)),
		clients: make(map[string]*list.Element),
		order:   list.New(),
	}
}

// allow takes a token of key's bucket at now. When there is none it
// returns false and how long until there is one. A nil limiter allows
// everything.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forget(now)
	var b *bucket
	if e, ok := l.clients[key]; ok {
		l.order.MoveToFront(e)
		b = e.Value.(*bucket)
		if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
			b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
			b.last = now
		}
	} else {
		if l.order.Len() >= maxClients {
			old := l.order.Remove(l.order.Back()).(*bucket)
			delete(l.clients, old.key)
		}
		b = &bucket{key: key, tokens: l.burst, last: now}
		l.clients[key] = l.order.PushFront(b)
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// forget drops the addresses idle long enough to have a full bucket.
func (l *limiter) forget(now time.Time) {
	for e := l.order.Back(); e != nil; e = l.order.Back() {
		b := e.Value.(*bucket)
		if now.Sub(b.last) < l.idle {
			return
		}
		l.order.Remove(e)
		delete(l.clients, b.key)
	}
}

// size is how many addresses the limiter remembers.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.order.Len()
}

// limit answers 429 with Retry-After to an address over its request limit.
func (c *Channel) limit(ctx *gin.Context) {
	ok, wait := c.requests.allow(clientaddr.Key(ctx.ClientIP()), c.engine.Now())
	if !ok {
		c.refuse(ctx, wait)
	}
}

// limitNewSession counts a message that would start a conversation
// against its address's limit of new sessions; messages of a session the
// engine knows are not counted.
func (c *Channel) limitNewSession(ctx *gin.Context, session string) error {
	if c.sessions == nil {
		return nil
	}
	_, err := c.engine.Store().ConversationByChat(ctx.Request.Context(), ChannelName, session)
	if err == nil {
		return nil
	} else if dialog.ErrorCode(err) != dialog.ENOTFOUND {
		return err
	}
	if ok, wait := c.sessions.allow(clientaddr.Key(ctx.ClientIP()), c.engine.Now()); !ok {
		c.setRetryAfter(ctx, wait)
		return dialog.Errorf(dialog.ERATELIMIT, "too many new chats from your address; try again in %d seconds", retrySeconds(wait))
	}
	return nil
}

// refuse answers 429: too many requests.
func (c *Channel) refuse(ctx *gin.Context, wait time.Duration) {
	c.setRetryAfter(ctx, wait)
	c.fail(ctx, dialog.Errorf(dialog.ERATELIMIT, "too many requests from your address; try again in %d seconds", retrySeconds(wait)))
}

func (c *Channel) setRetryAfter(ctx *gin.Context, wait time.Duration) {
	ctx.Header("Retry-After", strconv.Itoa(retrySeconds(wait)))
}

// retrySeconds is wait in whole seconds, rounded up, at least 1.
func retrySeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}
