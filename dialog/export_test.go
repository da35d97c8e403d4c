package dialog

import "context"

// SweepAll runs one pass of r, as Run does at each interval.
func (r *Retainer) SweepAll(ctx context.Context) { r.sweepAll(ctx) }

// SetBatch sets how many conversations r erases at most per batch.
func (r *Retainer) SetBatch(n int) { r.batch = n }
