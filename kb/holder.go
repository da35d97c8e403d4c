package kb

import "sync"

// Holder holds the knowledge base in use and swaps in a new one on reload.
// A knowledge base handed out by Acquire stays open until it is released,
// so a reload never closes an index under a message being matched.
type Holder struct {
	mu  sync.RWMutex
	cur *KB
}

// NewHolder returns a Holder serving k.
func NewHolder(k *KB) *Holder {
	return &Holder{cur: k}
}

// Acquire returns the current knowledge base and a release function that
// must be called when the caller is done with it.
func (h *Holder) Acquire() (*KB, func()) {
	h.mu.RLock()
	return h.cur, h.mu.RUnlock
}

// Swap makes k the current knowledge base and closes the previous one once
// every caller that acquired it has released it.
func (h *Holder) Swap(k *KB) {
	h.mu.Lock()
	old := h.cur
	h.cur = k
	h.mu.Unlock()
	if old != nil && old != k {
		old.Close()
	}
}

// Close closes the current knowledge base.
func (h *Holder) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur == nil {
		return nil
	}
	err := h.cur.Close()
	h.cur = nil
	return err
}
