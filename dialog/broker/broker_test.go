package broker

import (
	"sync"
	"testing"

	"github.com/firstline-support/firstline/dialog"
)

func TestFanOut(t *testing.T) {
	b := New()
	a, cancelA := b.Subscribe()
	c, cancelC := b.Subscribe()
	b.Publish(dialog.Event{Kind: dialog.EventTicket, TicketNumber: "FL-000001"})
	for _, ch := range []<-chan dialog.Event{a, c} {
		if e := <-ch; e.TicketNumber != "FL-000001" {
			t.Errorf("got %+v", e)
		}
	}
	cancelA()
	cancelA() // a second cancel is harmless
	if _, ok := <-a; ok {
		t.Error("a cancelled subscription still delivers")
	}
	b.Publish(dialog.Event{Kind: dialog.EventMessage})
	if e := <-c; e.Kind != dialog.EventMessage {
		t.Errorf("got %+v", e)
	}
	cancelC()
}

func TestSlowSubscriberDoesNotBlock(t *testing.T) {
	b := New()
	_, cancel := b.Subscribe() // never read
	defer cancel()
	for range 1000 {
		b.Publish(dialog.Event{Kind: dialog.EventMessage})
	}
}

func TestConcurrentUse(t *testing.T) {
	b := New()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			ch, cancel := b.Subscribe()
			for range 100 {
				b.Publish(dialog.Event{Kind: dialog.EventTicket})
				select {
				case <-ch:
				default:
				}
			}
			cancel()
		})
	}
	wg.Wait()
}
