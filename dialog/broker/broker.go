// Package broker fans committed changes out to live views (the panel's
// Server-Sent Events) within one process.
package broker

import (
	"sync"

	"github.com/firstline-support/firstline/dialog"
)

// Broker is a dialog.Publisher that hands every event to every subscriber.
// A subscriber that does not keep up misses events rather than slowing the
// engine down; live views re-read what they show on each event, so a
// missed one only delays an update until the next.
type Broker struct {
	mu   sync.Mutex
	subs map[chan dialog.Event]struct{}
}

// New returns a broker with no subscribers.
func New() *Broker {
	return &Broker{subs: map[chan dialog.Event]struct{}{}}
}

// Publish implements dialog.Publisher. It never blocks.
func (b *Broker) Publish(e dialog.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- e:
		default: // full: the subscriber will catch up on its next event
		}
	}
}

// Subscribe returns a channel of events and a function that ends the
// subscription and closes the channel.
func (b *Broker) Subscribe() (<-chan dialog.Event, func()) {
	ch := make(chan dialog.Event, 64)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, ch)
			b.mu.Unlock()
			close(ch)
		})
	}
}
