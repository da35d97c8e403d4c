package panel

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/firstline-support/firstline/intents"
	"github.com/firstline-support/firstline/kb"
)

// TestHealthOncePerLoad checks that the review page's advice is computed
// once per knowledge base loaded, whoever asks and however often, and
// again after a reload.
func TestHealthOncePerLoad(t *testing.T) {
	load := func() *kb.KB {
		set, err := intents.Load("../../testdata/intents")
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
	var calls atomic.Int32
	p.health.wait = time.Minute
	p.health.advise = func(ctx context.Context, set *intents.Set, opts kb.Options) (*kb.Advice, error) {
		calls.Add(1)
		return kb.Advise(ctx, set, opts)
	}

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
	if again != got[0] || calls.Load() != 1 {
		t.Errorf("advice computed %d times for one knowledge base", calls.Load())
	}

	holder.Swap(load())
	reloaded, set, err := p.kbHealth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if reloaded == got[0] || calls.Load() != 2 {
		t.Errorf("after a reload: computed %d times in all, the same advice %v", calls.Load(), reloaded == got[0])
	}
	k, release := holder.Acquire()
	defer release()
	if set != k.Set() {
		t.Error("the advice is not about the knowledge base in use")
	}
}

// TestHealthPending checks that a page does not wait for a long check
// longer than the health wait: it says the check is under way, and a
// later page shows the result.
func TestHealthPending(t *testing.T) {
	set, err := intents.Load("../../testdata/intents")
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.New(set, kb.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	holder := kb.NewHolder(k)
	t.Cleanup(func() { holder.Close() })
	p := &Panel{kb: holder, log: slog.New(slog.DiscardHandler)}
	t.Cleanup(p.wg.Wait)
	release := make(chan struct{})
	p.health.advise = func(ctx context.Context, set *intents.Set, opts kb.Options) (*kb.Advice, error) {
		<-release
		return kb.Advise(ctx, set, opts)
	}
	p.health.wait = 0
	d := p.healthSection(context.Background(), langRU)
	if !d.Pending || d.Summary != "" {
		t.Fatalf("a check under way: %+v", d)
	}
	static, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := parsePages(static, &queueNamer{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	page := &reviewPage{base: base{Lang: langRU, Path: "/panel/review?from=2026-03-01"}, Health: d}
	if err := pages.review.ExecuteTemplate(&out, "health", page); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="health-pending"`, "База знаний проверяется", `<a href="/panel/review?from=2026-03-01">Обновить страницу</a>`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the section lacks %q:\n%s", want, out.String())
		}
	}

	close(release)
	p.health.wait = time.Minute
	if d := p.healthSection(context.Background(), langEN); d.Pending || d.Error != "" || d.Summary == "" {
		t.Errorf("the check done: %+v", d)
	}
}

// TestHealthError checks that a check that fails says so in the section,
// with the details in the log only.
func TestHealthError(t *testing.T) {
	set, err := intents.Load("../../testdata/intents")
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.New(set, kb.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	holder := kb.NewHolder(k)
	t.Cleanup(func() { holder.Close() })
	var logs bytes.Buffer
	p := &Panel{kb: holder, log: slog.New(slog.NewTextHandler(&logs, nil))}
	t.Cleanup(p.wg.Wait)
	p.health.wait = time.Minute
	p.health.advise = func(context.Context, *intents.Set, kb.Options) (*kb.Advice, error) {
		return nil, errors.New("fold 3 of 10: /srv/intents: disk on fire")
	}
	d := p.healthSection(context.Background(), langEN)
	if d.Error != tr(langEN, "health.error") || strings.Contains(d.Error, "/srv") {
		t.Errorf("section error %q", d.Error)
	}
	p.wg.Wait()
	if !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("the log lacks the error:\n%s", logs.String())
	}
}
