package panel

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// TestHealthOncePerLoad checks that the review page's advice is computed
// once per knowledge base loaded, whoever asks and however often, and
// again after a reload.
func TestHealthOncePerLoad(t *testing.T) {
	load := func() *kb.KB {
		set, err := intents.Load("../testdata/intents")
		if err != nil {
			t.Fatal(err)
		}
		k, err := kb.New(set, kb.DefaultOptions)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	holder := kb.NewHolder(load())
	t.Cleanup(func() { holder.Close() })
	p := &Panel{kb: holder, log: slog.New(slog.DiscardHandler)}
	t.Cleanup(p.wg.Wait)

	// A request that gives up does not stop the computation others wait for.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := p.kbHealth(gone); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled request: %v", err)
	}
	var wg sync.WaitGroup
	got := make([]*kb.Advice, 4)
	for i := range got {
		wg.Go(func() {
			a, _, err := p.kbHealth(context.Background())
			if err != nil {
				t.Error(err)
			}
			got[i] = a
		})
	}
	wg.Wait()
	for i, a := range got {
		if a == nil || a != got[0] {
			t.Fatalf("request %d got advice %p, request 0 %p: computed more than once", i, a, got[0])
		}
	}
	again, _, _ := p.kbHealth(context.Background())
	if again != got[0] {
		t.Error("a later request computed the advice again")
	}

	holder.Swap(load())
	reloaded, set, err := p.kbHealth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if reloaded == got[0] {
		t.Error("after a reload the advice is the previous knowledge base's")
	}
	k, release := holder.Acquire()
	defer release()
	if set != k.Set() {
		t.Error("the advice is not about the knowledge base in use")
	}
}
