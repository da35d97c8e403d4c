package dialog

import (
	"context"

	"github.com/firstline-support/firstline/kb"
)

// SweepAll runs one pass of r, as Run does at each interval.
func (r *Retainer) SweepAll(ctx context.Context) { r.sweepAll(ctx) }

// SetBatch sets how many conversations r erases at most per batch.
func (r *Retainer) SetBatch(n int) { r.batch = n }

// SetMatch makes the engine read messages with match instead of the
// knowledge base's own matcher, so that a test can make the matcher's
// decision one the fixture knowledge base does not produce.
func (e *Engine) SetMatch(match func(ctx context.Context, k *kb.KB, text string) kb.Result) {
	e.matchFunc = match
}

// LateNotice sends the late notice of d, as a sweep that listed it does.
func (e *Engine) LateNotice(ctx context.Context, d Deadline) (bool, error) {
	return e.lateNotice(ctx, d)
}
