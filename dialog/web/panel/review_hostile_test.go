package panel_test

import (
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/firstline-support/firstline/dialog"
)

// TestReviewLongMessages checks that the longest messages a customer can
// send, once escalated, cost the review page little: each of its loads
// matches, groups and searches every message again. Words of hundreds of
// letters once took seconds and a gigabyte a load.
func TestReviewLongMessages(t *testing.T) {
	h := reviewHarness(t)
	at := reviewNow.Add(-time.Hour)
	h.engine.SetClock(func() time.Time { return at })
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		return b.String()
	}
	for _, chat := range []string{"long1", "long2", "long3"} {
		h.send(chat, "Mallory", word(dialog.MaxTextLength))
		h.send(chat, "Mallory", word(dialog.MaxTextLength))
	}

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	body := h.get("root", "/panel/review", http.StatusOK)
	runtime.ReadMemStats(&after)
	if n := strings.Count(body, `<section class="card review-group"`); n < 4 {
		t.Errorf("%d groups on the review page, want the long messages listed too", n)
	}
	const maxBytes = 64 << 20
	if got := after.TotalAlloc - before.TotalAlloc; got > maxBytes {
		t.Errorf("loading the review page allocated %d MB, want at most %d MB", got>>20, maxBytes>>20)
	}
}
